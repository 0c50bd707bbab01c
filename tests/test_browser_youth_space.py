"""A young person prepares the interview and downloads their data, in headless Chromium."""

import json

import pytest
from playwright.sync_api import expect

from matching.models import MobilityProfile
from tests.browser_pages import axe_clean, share_session
from tests.factories import UserFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_young_person_prepares_the_interview_and_downloads_the_data(page, live_server, client):
    youth = UserFactory(email="noa.navigateur@exemple.fr", first_name="Noa")
    client.force_login(youth)
    share_session(page.context, client, live_server)
    page.set_default_timeout(10_000)

    page.goto(live_server.url + "/mon-espace/")
    expect(page.get_by_role("heading", name="Mon espace", level=1)).to_be_visible()
    expect(page.get_by_text("Rubriques remplies : 0 sur 6.")).to_be_visible()
    axe_clean(page)
    page.get_by_role("link", name="Préparer mon entretien").click()

    expect(page.get_by_role("heading", name="Préparer mon entretien", level=1)).to_be_visible()
    axe_clean(page)

    page.get_by_label("Vous êtes").select_option("student")
    page.get_by_label("Langue 1", exact=True).select_option("es")
    page.get_by_label("Niveau 1", exact=True).select_option("B2")
    page.get_by_label("Budget dont vous pourriez disposer (en euros)").fill("2400")
    page.get_by_label("stage", exact=True).check()
    page.get_by_label("Durée maximum : nombre").fill("6")
    page.get_by_label("Durée maximum : unité").select_option("months")
    page.get_by_label("Vos loisirs et passions").fill("Handball et photographie")
    # Countries: a zone opens like a drawer, countries are plain checkboxes (no Ctrl-click).
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("summary", has_text="Amérique latine et Caraïbes").click()
    page.get_by_label("Mexique").check()
    page.get_by_label("Chili").check()
    page.screenshot(path="/tmp/h16-countries-390.png", full_page=False)
    page.get_by_role("button", name="Enregistrer mon profil").click()

    expect(page.get_by_text("Votre profil est enregistré.")).to_be_visible()
    expect(page.get_by_text("Rubriques remplies : 5 sur 6.")).to_be_visible()
    assert MobilityProfile.objects.get(user=youth).budget_eur == 2400
    assert sorted(MobilityProfile.objects.get(user=youth).wish_countries) == ["CL", "MX"]
    page.set_viewport_size({"width": 1366, "height": 900})

    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Mes données").click()
    expect(page.get_by_role("heading", name="Mes données personnelles")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le fichier JSON").click()
    with open(download_info.value.path(), encoding="utf-8") as file:
        data = json.load(file)
    assert data["account"]["email"] == "noa.navigateur@exemple.fr"
    profile = data["mobility_profile"]
    assert profile["profile"]["status"] == "student"
    assert profile["profile"]["languages"] == [{"language": "es", "level": "B2"}]
    assert profile["profile"]["budget_eur"] == 2400
    assert profile["profile"]["wishes"]["domains"] == ["internship"]
    assert profile["profile"]["wishes"]["duration_weeks"]["max"] == 26.1  # 6 months
    assert profile["situation"]["hobbies"] == "Handball et photographie"
    assert profile["history"][-1]["by"] == "vous"
