"""An advisor's day in headless Chromium: log in, open today's interview, edit the profile,
record attendance after the start, write a note, run the matching, tick two programmes and
send them; then the young person sees them in their space and downloads the PDF.

Screenshots of the login, the agenda, the interview screen and the matching panel at 390 px and
1366 px wide are written to ``SCREENSHOT_DIR`` when it is set (for people to look at); at both
widths the pages must not scroll sideways."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from matching.models import ProgrammeRecommendation
from tests.browser_pages import axe_clean as _axe
from tests.browser_pages import share_session
from tests.browser_pages import shots as _shots
from tests.factories import (
    AppointmentFactory,
    BookableAdvisorFactory,
    ProgrammeSheetFactory,
    RecurringAvailabilityFactory,
    UserFactory,
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_advisors_day_then_the_young_person_gets_the_programmes(page, live_server, client):
    advisor = BookableAdvisorFactory(user__email="camille.conseil@exemple.fr",
                                     user__first_name="Camille", user__last_name="Conseil")
    youth = UserFactory(email="ines.voyage@exemple.fr", first_name="Inès")
    started = timezone.now() - dt.timedelta(minutes=10)
    AppointmentFactory(advisor=advisor, youth=youth, first_name="Inès", last_name="Voyage",
                       starts_at=started, age_at_interview=22, mode="in_person",
                       place="3 rue du Port, 33000 Bordeaux",
                       project="Un stage en Allemagne ou en Autriche")
    for slug, title, country in (("stage-berlin", "Stage à Berlin", "DE"),
                                 ("stage-vienne", "Stage à Vienne", "AT"),
                                 ("stage-munich", "Stage à Munich", "DE")):
        ProgrammeSheetFactory(slug=slug, title=title, domains=["internship"],
                              destination_countries=[country])
    RecurringAvailabilityFactory(advisor=advisor, place="Bureau 2, Maison des associations")
    page.set_default_timeout(15_000)

    page.goto(live_server.url + "/compte/login/")
    expect(page.get_by_role("heading", name="Vous êtes jeune")).to_be_visible()
    _axe(page)
    _shots(page, "connexion")
    page.get_by_label("Adresse e-mail").fill("camille.conseil@exemple.fr")
    page.get_by_label("Mot de passe").fill("mot-de-passe-solide-42")
    page.get_by_role("button", name="Se connecter avec mon mot de passe").click()

    expect(page.get_by_role("heading", name="Agenda", level=1)).to_be_visible()
    expect(page.get_by_text("1 entretien passé à renseigner")).to_be_visible()
    _axe(page)
    _shots(page, "agenda")
    page.get_by_role("link", name="Inès").first.click()

    expect(page.get_by_role("heading", name="Entretien avec Inès Voyage")).to_be_visible()
    _axe(page)
    _shots(page, "entretien")
    page.get_by_label("Date de naissance").fill("2003-06-02")
    page.get_by_label("Code postal").fill("33000")
    page.get_by_label("Situation", exact=True).select_option("student")
    page.get_by_label("stage", exact=True).check()
    page.get_by_label("Filtrer les pays").fill("allem")
    page.get_by_label("Allemagne").check()
    page.get_by_label("Filtrer les pays").fill("autri")
    page.get_by_label("Autriche").check()
    page.get_by_role("button", name="Enregistrer le profil").click()
    expect(page.get_by_text("Le profil est enregistré.")).to_be_visible()

    page.get_by_label("a eu lieu").check()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("Présence enregistrée : Entretien réalisé.")).to_be_visible()

    page.get_by_label("Nouvelle note").fill("Cherche un stage de 6 mois, budget serré.")
    page.get_by_role("button", name="Ajouter la note").click()
    expect(page.get_by_text("Cherche un stage de 6 mois, budget serré.")).to_be_visible()

    page.get_by_role("link", name="Rechercher des programmes pour ce profil").click()
    expect(page.get_by_role("heading", name="Programmes pour Inès")).to_be_visible()
    _axe(page)
    _shots(page, "programmes")
    page.get_by_label("Stage à Berlin").check()
    page.get_by_label("Stage à Vienne").check()
    page.get_by_label("Votre message").fill("Voici deux pistes, on en reparle vite !")
    page.get_by_role("button", name="Aperçu avant envoi").click()
    expect(page.get_by_role("heading", name="Aperçu avant envoi")).to_be_visible()
    _shots(page, "apercu")
    page.get_by_role("button", name="Envoyer ces 2 programmes").click()
    expect(page.get_by_text("Programmes envoyés à Inès")).to_be_visible()
    page.get_by_role("navigation", name="Espace conseil").get_by_role(
        "link", name="Disponibilités").click()
    expect(page.get_by_role("heading", name="Mes disponibilités")).to_be_visible()
    _shots(page, "disponibilites")
    recommendation = ProgrammeRecommendation.objects.get()
    assert sorted(recommendation.sheets.values_list("slug", flat=True)) == [
        "stage-berlin", "stage-vienne"]

    # The young person, in their own browser.
    client.force_login(youth)
    context = page.context.browser.new_context()
    share_session(context, client, live_server)
    youth_page = context.new_page()
    youth_page.goto(live_server.url + "/mon-espace/")
    advised = youth_page.get_by_role("region", name="Les programmes que l'on m'a conseillés")
    expect(advised.get_by_text("Stage à Berlin")).to_be_visible()
    expect(advised.get_by_text("Voici deux pistes, on en reparle vite !")).to_be_visible()
    with youth_page.expect_download() as download_info:
        youth_page.get_by_role("link", name="Télécharger la sélection (PDF)").click()
    with open(download_info.value.path(), "rb") as file:
        assert file.read(5) == b"%PDF-"
    context.close()
