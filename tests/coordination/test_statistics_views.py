"""The coordinators' statistics page (issue 14): who may open it, its figures for the
filters, its charts and CSV files, wrong filters explained in French, queries bounded."""

import datetime as dt

import pytest
from django.urls import reverse

from bookings.models import AppointmentStatus as S
from tests.factories import (
    AppointmentFactory,
    BookableAdvisorFactory,
    RecurringAvailabilityFactory,
    StructureFactory,
)
from tests.mfa_support import login_with_mfa
from tests.staff_world import paris
from tests.test_hostile_input import assert_errors_tied_to_fields

pytestmark = pytest.mark.django_db

PAGE = reverse("coordination:statistics")
MARCH = "?du=2026-03-01&au=2026-03-31"


def chart(slug):
    return reverse("coordination:statistics_chart", args=[slug])


def csv_url(slug):
    return reverse("coordination:statistics_csv", args=[slug])


@pytest.fixture
def figures(world):
    """World (now Thursday 19 March 2026, 10:30): Lina's interview today at 9:00 with X
    (confirmed, to record). Added in March: X one held (booked 3 days before), one no-show
    (5 days); Y (Pau, 64) one held by phone (7 days) and one cancelled; X offers Fridays
    9:00-12:00 (12 slots in March)."""
    world.other.structure.departement = "64"
    world.other.structure.public_name = "Info Jeunes Pau"
    world.other.structure.save()
    RecurringAvailabilityFactory(advisor=world.advisor, weekday=4)
    AppointmentFactory(advisor=world.advisor, starts_at=paris(2026, 3, 2, 9), status=S.DONE,
                       consent_at=paris(2026, 2, 27, 9), age_at_interview=17,
                       youth_status="pupil", departement="33", domains=["studies", "job"])
    AppointmentFactory(advisor=world.colleague, starts_at=paris(2026, 3, 3, 9),
                       status=S.NO_SHOW, consent_at=paris(2026, 2, 26, 9), domains=["job"])
    AppointmentFactory(advisor=world.other, starts_at=paris(2026, 3, 4, 9), status=S.DONE,
                       mode="phone", consent_at=paris(2026, 2, 25, 9), age_at_interview=28,
                       youth_status="employee", departement="64", domains=["au_pair"])
    AppointmentFactory(advisor=world.other, starts_at=paris(2026, 3, 5, 9),
                       status=S.CANCELLED_BY_YOUTH, domains=["exchange"])
    return world


@pytest.mark.parametrize("url", [PAGE + MARCH, chart("entretiens") + MARCH,
                                 csv_url("entretiens") + MARCH,
                                 reverse("coordination:compliance")])
def test_refused_to_advisors_young_people_and_coordinators_without_mfa(client, figures, url):
    assert client.get(url).url.startswith(reverse("account_login"))
    for person in (figures.advisor.user, figures.youth):
        client.force_login(person)
        assert client.get(url).status_code == 403
    # The coordinator's account, in a session that has not typed the TOTP code.
    client.force_login(figures.coordinator)
    response = client.get(url)
    assert response.status_code == 302 and response.url == reverse("accounts:mfa_required")
    # A coordinator without TOTP activated at all is sent to the same page.
    figures.coordinator.authenticator_set.all().delete()
    assert client.get(url).url == reverse("accounts:mfa_required")


def test_page_shows_the_networks_figures(client, figures):
    login_with_mfa(client, figures.coordinator)
    response = client.get(PAGE + MARCH)
    assert response.status_code == 200
    page = response.content.decode()
    assert "du 1er mars 2026 au 31 mars 2026" in page and "toutes les structures" in page
    key = dict(response.context["key_figures"])
    # Booked: Lina's, 2 of X, 2 of Y. Held 2, no-show 1, cancelled 1; no-show rate 1/3.
    assert (key["Entretiens réservés"], key["Réalisés"], key["Absences du ou de la jeune"],
            key["Annulés"], key["Taux d'absence"]) == (5, 2, 1, 1, "33,3 %")
    # Delays of the requests (not the cancelled one): 3, 5, 7 and Lina's 7 days.
    assert (key["Délai médian avant l'entretien"], key["Délai moyen avant l'entretien"]) == (
        "6,0 j", "5,5 j")
    # X offered 12 slots (Fridays of March) and used 3; Y offered none and used 1.
    assert key["Occupation des créneaux"] == "33,3 %"
    sections = {s["block"].slug: s["table"] for s in response.context["sections"]}
    assert sections["creneaux"].rows == [["33", 12, 3, "25,0 %"], ["64", 0, 1, "—"]]
    assert sections["ages"].rows[1] == ["15-17 ans", 1]
    assert ["Salarié·e", 1] in sections["situations"].rows
    assert ["64 – Pyrénées-Atlantiques", 1] in sections["departements"].rows
    assert sections["domaines"].rows[0] == ["Emploi", 2]
    for slug in sections:
        assert f'src="{chart(slug)}?du=2026-03-01' in page
        assert f'href="{csv_url(slug)}?du=2026-03-01' in page
    assert "style=" not in page  # the CSP forbids inline styles


def test_filters_by_departement_structure_and_mode(client, figures):
    login_with_mfa(client, figures.coordinator)
    in_64 = client.get(PAGE + MARCH + "&departement=64")
    assert dict(in_64.context["key_figures"])["Entretiens réservés"] == 2
    assert "structures du département 64 – Pyrénées-Atlantiques" in in_64.content.decode()
    x = client.get(PAGE + MARCH + f"&structure={figures.structure.pk}&mode=phone")
    assert dict(x.context["key_figures"])["Entretiens réservés"] == 0
    page = x.content.decode()
    assert figures.structure.public_name in page and "« par téléphone »" in page


def test_wrong_filters_are_explained_in_french(client, figures):
    login_with_mfa(client, figures.coordinator)
    page = client.get(PAGE).content.decode()
    assert "du 20 mars 2025 au 19 mars 2026" in page  # the last 12 months by default
    response = client.get(PAGE + "?du=2026-03-31&au=2026-03-01&departement=75&structure=x")
    page = response.content.decode()
    assert response.status_code == 200
    assert "La fin de la période est avant son début." in page
    assert "Sélectionnez un choix valide" in page
    assert "voici les chiffres des 12 derniers mois" in page
    assert_errors_tied_to_fields(page)
    page = client.get(PAGE + "?du=2020-01-01&au=2026-03-31").content.decode()
    assert "La période ne peut pas dépasser deux ans" in page
    page = client.get(PAGE + "?du=2026-02-30&au=").content.decode()
    assert "Saisissez une date valide." in page and "Ce champ est obligatoire." in page
    bad = client.get(chart("entretiens") + "?du=2026-03-01")
    assert bad.status_code == 400 and "Filtres invalides" in bad.content.decode()
    assert client.get(csv_url("camembert") + MARCH).status_code == 404


def test_charts_are_svg_files_readable_on_phones(client, figures):
    login_with_mfa(client, figures.coordinator)
    for section in client.get(PAGE + MARCH).context["sections"]:
        for suffix in ("", "&format=etroit"):
            response = client.get(section["chart_url"] + suffix)
            assert response.status_code == 200, section["block"].slug
            assert response["Content-Type"] == "image/svg+xml"
            assert b"<svg" in response.content and b"<script" not in response.content


def test_csv_files_hold_the_tables_numbers(client, figures):
    login_with_mfa(client, figures.coordinator)
    response = client.get(csv_url("entretiens") + MARCH + "&departement=33")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="statistiques-entretiens-2026-03-01-2026-03-31.csv"')
    assert response.content.startswith(b"\xef\xbb\xbf") and b"\r\n" in response.content
    lines = response.content.decode("utf-8").splitlines()
    assert lines[0] == ("\ufeffdu;au;département;structure;modalité;Issue;Sur place;En visio;"
                        "Total")
    assert "2026-03-01;2026-03-31;33;;;Réalisé;0;1;1" in lines
    assert "2026-03-01;2026-03-31;33;;;Total;1;2;3" in lines
    slots = client.get(csv_url("creneaux") + MARCH).content.decode().splitlines()
    structure = figures.structure.public_name
    assert f"2026-03-01;2026-03-31;;;;33;{structure};12;3;0,2500" in slots
    assert "2026-03-01;2026-03-31;;;;64;Info Jeunes Pau;0;1;" in slots
    assert "2026-03-01;2026-03-31;;;;total;;12;4;0,3333" in slots
    delay = client.get(csv_url("delai") + MARCH).content.decode().splitlines()
    assert "2026-03-01;2026-03-31;;;;Délai médian (jours);6,00" in delay
    assert "2026-03-01;2026-03-31;;;;3 à 7 jours;4" in delay


def test_csv_cells_cannot_become_formulas(client, figures):
    StructureFactory(public_name="=HYPERLINK(\"http://x\")")
    figures.other.structure.public_name = "=1+1"
    figures.other.structure.save()
    login_with_mfa(client, figures.coordinator)
    text = client.get(csv_url("creneaux") + MARCH).content.decode()
    assert ";'=1+1;" in text or ";\"'=1+1\";" in text


def test_page_queries_do_not_grow_with_the_network(client, figures, django_assert_num_queries):
    login_with_mfa(client, figures.coordinator)
    client.get(PAGE + MARCH)
    with django_assert_num_queries(24) as first:
        client.get(PAGE + MARCH)
    for index in range(6):
        advisor = BookableAdvisorFactory(structure=StructureFactory(departement="87"))
        RecurringAvailabilityFactory(advisor=advisor, weekday=index % 5)
        for day in (9, 10, 11):
            AppointmentFactory(advisor=advisor, starts_at=paris(2026, 3, day, 14),
                               status=S.DONE, domains=["studies", "job"],
                               age_at_interview=20 + index, departement="87")
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(PAGE + MARCH)
    assert dict(response.context["key_figures"])["Entretiens réservés"] == 5 + 18


def test_admin_index_links_to_the_coordination_pages(client, figures):
    login_with_mfa(client, figures.coordinator)
    page = client.get(reverse("admin:index")).content.decode()
    assert f'href="{PAGE}"' in page
    assert f'href="{reverse("coordination:compliance")}"' in page


def test_default_period_on_29_february():
    from coordination.views import default_period

    assert default_period(dt.date(2028, 2, 29)) == (dt.date(2027, 3, 1), dt.date(2028, 2, 29))
    assert default_period(dt.date(2026, 3, 19)) == (dt.date(2025, 3, 20), dt.date(2026, 3, 19))


def test_satisfaction_blocks_from_the_questionnaires(client, figures):
    from evaluations.models import Evaluation

    # X's held interview of 2 March answered 5, "very useful", going within 6 months; Y's
    # held interview of 4 March answered 2; Lina's (today, to record) invited, no answer.
    held_x = figures.structure.appointments.get(status=S.DONE)
    held_y = figures.other.structure.appointments.get(status=S.DONE)
    invited = paris(2026, 3, 5, 10)
    for appointment, answers in (
            (held_x, {"satisfaction": 5, "usefulness": 4, "intends_to_go": "yes",
                      "departure_period": "within_6_months"}),
            (held_y, {"satisfaction": 2, "usefulness": 2, "intends_to_go": "not_sure",
                      "departure_period": "unknown"}),
            (figures.appointment, {})):
        Evaluation.objects.create(
            appointment=appointment, invited_at=invited,
            expires_at=invited + dt.timedelta(days=14),
            answered_at=invited + dt.timedelta(hours=2) if answers else None, **answers)
    login_with_mfa(client, figures.coordinator)
    response = client.get(PAGE + MARCH)
    key = dict(response.context["key_figures"])
    assert key["Satisfaction moyenne"] == "3,5 / 5"
    assert key["Taux de réponse au questionnaire"] == "66,7 %"
    sections = {s["block"].slug: s["table"] for s in response.context["sections"]}
    assert sections["satisfaction"].rows[:5] == [["5 / 5", 1], ["4 / 5", 0], ["3 / 5", 0],
                                                 ["2 / 5", 1], ["1 / 5", 0]]
    assert ["Satisfaits (4 ou 5)", "50,0 %"] in sections["satisfaction"].rows
    assert sections["utilite"].rows[0] == ["Très utiles", 1]
    assert ["Je ne sais pas encore", 1] in sections["intention"].rows
    assert sections["depart"].rows[0] == ["Dans les 6 prochains mois", 1]
    lines = client.get(csv_url("satisfaction") + MARCH + "&departement=64").content.decode()
    assert "2026-03-01;2026-03-31;64;;;2 / 5;1" in lines.splitlines()
    assert "2026-03-01;2026-03-31;64;;;Satisfaction moyenne (sur 5);2,00" in lines.splitlines()
    assert client.get(chart("satisfaction") + MARCH)["Content-Type"] == "image/svg+xml"
