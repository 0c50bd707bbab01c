"""The young person's pages: "Préparer mon entretien" and "Mon espace"."""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.adapter import AccountAdapter
from matching.models import MobilityProfile, ProgrammeRecommendation
from tests.factories import AppointmentFactory, BookableAdvisorFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
PROFILE_URL = "/mon-espace/profil/"


def _post_data(**fields):
    return {"langues-TOTAL_FORMS": "2", "langues-INITIAL_FORMS": "0",
            "langues-MIN_NUM_FORMS": "0", "langues-MAX_NUM_FORMS": "12", **fields}


def test_urls():
    assert reverse("youth:space") == "/mon-espace/"
    assert reverse("youth:profile") == PROFILE_URL


def test_empty_profile_page_creates_nothing(client):
    youth = UserFactory()
    client.force_login(youth)
    response = client.get(PROFILE_URL)
    assert response.status_code == 200
    content = response.content.decode()
    for text in ("Votre situation", "Vos langues", "Votre budget", "Votre projet",
                 "Vos loisirs et passions", "Situation de handicap", "Votre nationalité",
                 "24 mois après votre dernier rendez-vous", 'href="/confidentialite/"',
                 'href="/mon-espace/mes-donnees/"', "En semaines ou en mois"):
        assert text in content, text
    assert not MobilityProfile.objects.exists()


def test_saving_the_profile(client):
    youth = UserFactory()
    with time_machine.travel(NOW, tick=False):
        client.force_login(youth)  # the session is stamped by the same clock as the request
        response = client.post(PROFILE_URL, _post_data(
            status="student", education_level="bac+2", studies_field="BTS tourisme",
            **{"langues-0-language": "es", "langues-0-level": "B2",
               "langues-1-language": "en", "langues-1-level": "A2"},
            budget_eur="2500", wish_domains=["internship", "job"], wish_zones=["latin_america"],
            wish_countries=["MX", "CL"], wish_duration_min_weeks_0="8",
            wish_duration_min_weeks_1="weeks", wish_duration_max_weeks_0="6",
            wish_duration_max_weeks_1="months", wish_departure="2026-09-01",
            project_text="Un stage dans l'hôtellerie", hobbies="Danse", disability="on",
            nationality="FR"), follow=True)
        # The page shows what was saved, durations without decimals.
        content = client.get(PROFILE_URL).content.decode()
    assert response.redirect_chain[-1][0] == "/mon-espace/"
    assert "Votre profil est enregistré" in response.content.decode()
    profile = MobilityProfile.objects.get(user=youth)
    assert profile.languages == [{"language": "es", "level": "B2"},
                                 {"language": "en", "level": "A2"}]
    assert profile.wish_countries == ["MX", "CL"]
    assert profile.wish_duration_min_weeks == 8
    assert profile.wish_duration_max_weeks == Decimal("26.10")  # 6 months of 4.35 weeks
    assert profile.wish_departure == dt.date(2026, 9, 1)
    assert profile.disability is True
    assert profile.nationality == "FR"
    record = profile.history.first()
    assert record.history_user == youth and record.history_date == NOW
    assert 'value="6"' in content and 'value="8"' in content and "BTS tourisme" in content
    assert '<option value="months" selected>mois</option>' in content
    assert '<option value="es" selected>' in content


def test_bad_input_shows_french_errors_and_keeps_what_was_typed(client):
    youth = UserFactory()
    client.force_login(youth)
    response = client.post(PROFILE_URL, _post_data(
        hobbies="Photographie argentique", budget_eur="beaucoup",
        wish_duration_min_weeks_0="30", wish_duration_min_weeks_1="weeks",
        wish_duration_max_weeks_0="2", wish_duration_max_weeks_1="months",
        **{"langues-0-language": "de", "langues-1-language": "de",
           "langues-1-level": "C1"}))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Votre profil n'a pas pu être enregistré" in content
    assert "Saisissez un nombre entier." in content
    assert "La durée maximum doit être au moins égale à la durée minimum." in content
    assert "Indiquez le niveau atteint dans cette langue." in content
    # The same language twice is told on the same submit as the other faults (t-book8 #8).
    assert "Chaque langue ne s&#x27;indique qu&#x27;une fois." in content
    assert "Photographie argentique" in content and 'value="beaucoup"' in content
    assert not MobilityProfile.objects.exists()


def test_a_departure_date_typed_in_the_past_is_refused_in_french(client):
    client.force_login(UserFactory())
    with time_machine.travel(NOW, tick=False):
        response = client.post(PROFILE_URL, _post_data(wish_departure="2020-01-01",
                                                       hobbies="Randonnée"))
    assert response.status_code == 200
    assert "Choisissez une date à venir, ou laissez ce champ vide." in response.content.decode()
    assert "Randonnée" in response.content.decode()
    assert not MobilityProfile.objects.exists()


def test_a_departure_date_that_passed_since_it_was_saved_does_not_block_other_answers(client):
    youth = UserFactory()
    MobilityProfile.objects.create(user=youth, wish_departure=dt.date(2026, 2, 1))
    client.force_login(youth)
    with time_machine.travel(NOW, tick=False):
        response = client.post(PROFILE_URL, _post_data(wish_departure="2026-02-01",
                                                       hobbies="Randonnée"))
    assert response.status_code == 302
    profile = MobilityProfile.objects.get(user=youth)
    assert profile.hobbies == "Randonnée" and profile.wish_departure == dt.date(2026, 2, 1)


def test_duplicate_languages_are_refused(client):
    client.force_login(UserFactory())
    response = client.post(PROFILE_URL, _post_data(**{
        "langues-0-language": "de", "langues-0-level": "B1",
        "langues-1-language": "de", "langues-1-level": "C1"}))
    assert "Chaque langue ne s&#x27;indique qu&#x27;une fois." in response.content.decode()


# --- Mon espace ----------------------------------------------------------------------------


def _world():
    advisor = BookableAdvisorFactory(structure__public_name="Info Jeunes Testville")
    youth = UserFactory()
    other = UserFactory()
    AppointmentFactory(advisor=advisor, youth=youth,
                       starts_at=dt.datetime(2026, 3, 20, 9, tzinfo=dt.UTC))
    AppointmentFactory(advisor=advisor, youth=youth,
                       starts_at=dt.datetime(2026, 1, 12, 9, tzinfo=dt.UTC), status="done")
    AppointmentFactory(advisor=advisor, youth=other,
                       starts_at=dt.datetime(2026, 3, 21, 9, tzinfo=dt.UTC))
    MobilityProfile.objects.create(user=youth, hobbies="Surf", budget_eur=800)
    ProgrammeRecommendation.objects.create(
        youth=youth, advisor=advisor.user, created_at=NOW, message="Pensez au visa !",
        advisor_contact={"name": "Conseillère Fictive"},
        items=[{"slug": "pvt-test", "title": "PVT de test", "met": ["Âge : 22 ans"],
                "missing": []}])
    ProgrammeRecommendation.objects.create(
        youth=other, advisor=advisor.user, created_at=NOW, message="Secret de B",
        items=[{"slug": "autre", "title": "Programme de B", "met": [], "missing": []}])
    return youth, other, advisor


def test_youth_space_shows_only_own_data(client):
    with time_machine.travel(NOW, tick=False):
        youth, _other, _advisor = _world()
        client.force_login(youth)
        response = client.get("/mon-espace/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Vendredi 20 mars 2026, 10:00" in content
    assert "12 janvier 2026" in content and "entretien réalisé" in content
    assert "21 mars" not in content
    assert "/rendez-vous/gerer/" in content
    assert "Rubriques remplies : 2 sur 6." in content
    assert "PVT de test" in content and "Âge : 22 ans" in content
    assert "Pensez au visa !" in content and "par Conseillère Fictive" in content
    assert "Secret de B" not in content and "Programme de B" not in content
    recommendation = ProgrammeRecommendation.objects.get(youth=youth)
    assert f"/{recommendation.public_id}/" in content
    assert 'href="/mon-espace/mes-donnees/telecharger/"' in content


def test_youth_space_query_count_does_not_grow(client):
    with time_machine.travel(NOW, tick=False):
        youth, _other, advisor = _world()
        client.force_login(youth)
        client.get("/mon-espace/")  # warm caches (content types, sessions)
        with CaptureQueriesContext(connection) as few:
            client.get("/mon-espace/")
        for day in range(22, 27):
            AppointmentFactory(advisor=advisor, youth=youth,
                               starts_at=dt.datetime(2026, 3, day, 9, tzinfo=dt.UTC))
            AppointmentFactory(advisor=BookableAdvisorFactory(), youth=youth,
                               starts_at=dt.datetime(2026, 2, day, 9, tzinfo=dt.UTC),
                               status="cancelled_by_youth")
            ProgrammeRecommendation.objects.create(
                youth=youth, advisor=advisor.user, created_at=NOW,
                items=[{"slug": "x", "title": "X", "met": [], "missing": []}])
        with CaptureQueriesContext(connection) as many:
            client.get("/mon-espace/")
    assert len(many) == len(few)
    assert len(few) <= 8, [query["sql"] for query in few.captured_queries]


def test_young_people_land_in_their_space_after_login(rf):
    request = rf.get("/")
    request.user = UserFactory()
    assert AccountAdapter().get_login_redirect_url(request) == "/mon-espace/"


def test_countries_are_checkboxes_grouped_by_zone_without_the_ctrl_hint(client):
    youth = UserFactory()
    MobilityProfile.objects.create(user=youth, wish_countries=["MX", "TR"])
    client.force_login(youth)
    content = client.get(PROFILE_URL).content.decode()
    assert "Ctrl" not in content and "<select name=\"wish_countries\"" not in content
    assert content.count('name="wish_countries"') > 200
    for code in ("MX", "TR", "FR", "DE", "EG", "AQ"):  # each country once
        assert content.count(f'id="pays-{code}"') == 1, code
    assert 'value="MX" id="pays-MX" checked' in content
    assert 'value="FR" id="pays-FR" checked' not in content
    # The zones holding a chosen country are open, the others closed.
    opened = re.findall(r'<details class="border rounded mb-2" open>\s*<summary[^>]*>([^<]+)',
                        html.unescape(content))
    assert [name.strip() for name in opened] == [
        "Reste de l'Europe", "Amérique latine et Caraïbes"]  # Turkey is under Europe


def test_country_groups_list_each_country_once_in_french_order():
    from matching.forms import country_groups

    groups = country_groups()
    codes = [code for group in groups for code, _name in group["countries"]]
    assert len(codes) == len(set(codes)) == 250  # ISO 3166 and Kosovo (XK)
    africa = next(g for g in groups if g["key"] == "africa")["countries"]
    names = [name for _code, name in africa]
    assert names.index("Égypte") < names.index("Érythrée") < names.index("Éthiopie")
    assert names.index("Algérie") < names.index("Égypte") < names.index("Gabon")
    assert [g["key"] for g in groups][-1] == "other"



@pytest.mark.parametrize(("weeks", "shown"), [
    ("52.2", ("12", "months")), ("26.1", ("6", "months")), ("8.7", ("2", "months")),
    ("19.58", ("4.5", "months")), ("26", ("26", "weeks")), ("4", ("4", "weeks")),
    ("8", ("8", "weeks")),
])
def test_durations_are_asked_and_shown_as_people_say_them(client, weeks, shown):
    """Weeks under two months, months from two months up (4.35 weeks a month, the exchange
    format's convention), as in the sheets and the matching's lines."""
    youth = UserFactory()
    MobilityProfile.objects.create(user=youth, wish_duration_max_weeks=Decimal(weeks))
    client.force_login(youth)
    content = client.get(PROFILE_URL).content.decode()
    number, unit = shown
    assert f'name="wish_duration_max_weeks_0" value="{number}"' in content
    assert re.search(rf'name="wish_duration_max_weeks_1".*?<option value="{unit}" selected>',
                     content, re.S)
    assert 'aria-label="Durée maximum : nombre"' in content
    assert 'aria-label="Durée maximum : unité"' in content


@pytest.mark.parametrize(("number", "unit"), [("9999", "months"), ("2299", "months")])
def test_a_duration_longer_than_the_profile_can_hold_is_refused_in_words(client, number, unit):
    """The profile keeps durations in weeks (6 digits, 2 decimals: at most 9,999.99): 9,999
    months is 43,495.65 weeks, which PostgreSQL refused with a 500 after the form accepted it."""
    youth = UserFactory()
    client.force_login(youth)
    response = client.post(PROFILE_URL, _post_data(
        hobbies="Voile", wish_duration_max_weeks_0=number, wish_duration_max_weeks_1=unit))
    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    assert "Cette durée est trop longue : 9999 semaines (2298 mois) au plus." in content
    assert "Voile" in content and f'value="{number}"' in content
    assert not MobilityProfile.objects.exists()


def test_the_longest_duration_in_months_is_saved(client):
    youth = UserFactory()
    client.force_login(youth)
    response = client.post(PROFILE_URL, _post_data(
        wish_duration_max_weeks_0="2298", wish_duration_max_weeks_1="months"))
    assert response.status_code == 302
    assert MobilityProfile.objects.get(user=youth).wish_duration_max_weeks == Decimal("9996.30")


def test_languages_are_listed_in_french_order_whatever_the_accents():
    from matching.forms import _language_choices

    names = [name for code, name in _language_choices() if code]
    assert names.index("Coréen") < names.index("Corse")
    assert names.index("Hébreu") < names.index("Hindi") < names.index("Hongrois")
    assert names.index("Néerlandais") < names.index("Norvégien")
