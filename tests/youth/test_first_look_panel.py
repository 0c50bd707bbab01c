"""« Programmes qui pourraient vous correspondre » in « Mon espace »."""

import datetime as dt
import html

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching.models import FirstLookView, MobilityProfile
from programmes.selectors import sheet_data_cache
from tests.factories import ProgrammeSheetFactory, YouthFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
SPACE = "/mon-espace/"


@pytest.fixture(autouse=True)
def _frozen_and_fresh():
    sheet_data_cache.clear()
    with time_machine.travel(NOW, tick=False):
        yield
    sheet_data_cache.clear()


@pytest.fixture
def youth():
    youth = YouthFactory(first_name="Inès")
    MobilityProfile.objects.create(user=youth, birth_date=dt.date(2003, 4, 2),
                                   wish_domains=["volunteering"], wish_zones=["eu"],
                                   budget_eur=300)
    ProgrammeSheetFactory(slug="ces", title="Corps européen de solidarité",
                          domains=["volunteering"], destination_zones=["eu"],
                          destination_countries=[], age_min=18, age_max=30)
    ProgrammeSheetFactory(slug="vsi", title="Volontariat de solidarité internationale",
                          domains=["volunteering"], destination_zones=["africa"],
                          destination_countries=[], age_min=18, budget_min_eur=1000)
    ProgrammeSheetFactory(slug="lycee", title="Échange de lycéens", domains=["exchange"],
                          age_max=17)
    return youth


def _page(client) -> str:
    return html.unescape(client.get(SPACE).content.decode())


def test_the_panel_shows_the_engine_results_in_plain_words(client, youth):
    client.force_login(youth)
    page = _page(client)
    assert "Programmes qui pourraient vous correspondre" in page
    assert "votre conseiller·ère ira plus loin avec vous" in page
    assert "Rien n'est envoyé à personne" in page
    assert page.index("Corps européen de solidarité") < page.index(
        "Volontariat de solidarité internationale")
    assert "Échange de lycéens" not in page  # too old: the engine's hard condition
    assert "Domaine : volontariat, comme souhaité" in page
    assert "À voir avec votre conseiller·ère" in page
    assert "Budget conseillé 1 000 € : vous indiquez 300 €" in page
    assert reverse("youth:first_look_open", args=["ces"]) in page
    assert mail.outbox == []  # nothing is sent


def test_an_empty_profile_is_invited_to_say_what_interests_them(client):
    youth = YouthFactory()
    MobilityProfile.objects.create(user=youth, birth_date=dt.date(2003, 4, 2))
    client.force_login(youth)
    page = _page(client)
    assert "Indiquez ce qui vous intéresse" in page
    assert not FirstLookView.objects.exists()


def test_what_the_young_person_saw_and_opened_is_recorded(client, youth):
    client.force_login(youth)
    _page(client)
    assert list(FirstLookView.objects.order_by("rank").values_list("sheet__slug", "rank")) == [
        ("ces", 1), ("vsi", 2)]
    response = client.get(reverse("youth:first_look_open", args=["vsi"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:detail", args=["vsi"])
    opened = FirstLookView.objects.get(sheet__slug="vsi")
    assert (opened.opened_at, opened.times_opened) == (NOW, 1)
    # A sheet never shown is opened without being counted.
    response = client.get(reverse("youth:first_look_open", args=["lycee"]))
    assert response.status_code == 302
    assert not FirstLookView.objects.filter(sheet__slug="lycee").exists()


def test_the_page_costs_the_same_queries_whatever_the_number_of_sheets(client, youth):
    client.force_login(youth)
    _page(client)
    with CaptureQueriesContext(connection) as few:
        _page(client)
    for n in range(40):
        ProgrammeSheetFactory(slug=f"volontariat-{n}", domains=["volunteering"],
                              destination_zones=["eu"], destination_countries=[])
    _page(client)  # the converted sheets are cached once per change
    with CaptureQueriesContext(connection) as many:
        _page(client)
    assert len(many) == len(few)
