"""The advisor's space around the interviews, in headless Chromium (issue 13): the calendar
subscription, the structure's statistics (charts shown as SVG images under the site's CSP),
the proposals with the coordination's answer, the media bank and a help request with a
screenshot.

Each page is checked at 390 px and 1366 px (no sideways scrolling, axe without violation);
screenshots are written to ``SCREENSHOT_DIR`` when it is set, for people to look at."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from icalendar import Calendar
from PIL import Image
from playwright.sync_api import expect

from bookings.models import AppointmentStatus
from programmes.services import proposal_content_build, proposal_reject, proposal_submit
from support.models import HelpRequest, MediaItem
from support.services import media_item_save
from tests.browser_pages import axe_clean, shots
from tests.factories import (
    AppointmentFactory,
    BookableAdvisorFactory,
    CoordinatorFactory,
    ProgrammeSheetFactory,
)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), "#dde").save(buffer, "PNG")
    return buffer.getvalue()


def _world():
    advisor = BookableAdvisorFactory(user__email="camille.conseil@exemple.fr",
                                     user__first_name="Camille", user__last_name="Conseil")
    coordinator = CoordinatorFactory(with_totp=True)
    now = timezone.now()
    outcomes = [(AppointmentStatus.DONE, "in_person", ["studies", "internship"]),
                (AppointmentStatus.DONE, "video", ["job"]),
                (AppointmentStatus.DONE, "video", ["volunteering", "studies"]),
                (AppointmentStatus.NO_SHOW, "phone", ["working_holiday"]),
                (AppointmentStatus.LATE_CANCELLED, "video", ["studies"]),
                (AppointmentStatus.CANCELLED_BY_YOUTH, "in_person", ["au_pair"])]
    for days, (status, mode, domains) in enumerate(outcomes, start=2):
        AppointmentFactory(advisor=advisor, starts_at=now - dt.timedelta(days=days, hours=1),
                           status=status, mode=mode, domains=domains,
                           place="3 rue du Port, 33000 Bordeaux")
    AppointmentFactory(advisor=advisor, first_name="Inès", mode="in_person",
                       starts_at=now + dt.timedelta(days=3), place="3 rue du Port, Bordeaux")
    ProgrammeSheetFactory(title="Corps européen de solidarité")
    proposal = proposal_submit(proposer=advisor.user, note="Vu sur le portail européen.",
                               content=proposal_content_build(
                                   values={"title": "Volontariat franco-allemand",
                                           "summary": "Un an en Allemagne.",
                                           "description": "Détails.",
                                           "domains": ["volunteering"],
                                           "destination_countries": ["DE"],
                                           "url": "https://example.org/vfa",
                                           "organiser": "OFAJ"}, sheet=None))
    proposal_reject(proposal=proposal, reviewer=coordinator, now=now,
                    reason="Déjà couvert par la fiche « Corps européen de solidarité ».")
    for title, category, name, content in (
            ("Logo So Mobilité (couleur)", "logos", "logo.png", _png()),
            ("Affiche de printemps", "posters", "affiche.pdf",
             b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")):
        media_item_save(item=MediaItem(title=title, category=category,
                                       date=dt.date(2026, 3, 1)),
                        upload=SimpleUploadedFile(name, content), by=coordinator, now=now)



@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_advisors_space_around_the_interviews(page, live_server, tmp_path, settings):
    settings.SITE_URL = live_server.url
    _world()
    page.set_default_timeout(20_000)
    page.goto(live_server.url + "/compte/login/")
    page.get_by_label("Adresse e-mail").fill("camille.conseil@exemple.fr")
    page.get_by_label("Mot de passe").fill("mot-de-passe-solide-42")
    page.get_by_role("button", name="Se connecter avec mon mot de passe").click()
    expect(page.get_by_role("heading", name="Agenda", level=1)).to_be_visible()
    nav = page.get_by_role("navigation", name="Espace conseil")

    # Calendar subscription.
    page.get_by_role("link", name="Dans mon agenda (Outlook, téléphone…)").click()
    expect(page.get_by_role("heading", name="Mes entretiens dans mon agenda")).to_be_visible()
    page.get_by_role("button", name="Créer mon adresse d'abonnement").click()
    address = page.get_by_label("Adresse d'abonnement (à copier dans votre agenda)")
    expect(address).to_be_visible()
    axe_clean(page)
    shots(page, "calendrier")
    feed = page.request.get(address.input_value())
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    (event,) = Calendar.from_ical(feed.body()).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Entretien So Mobilité : Inès (sur place)"

    # The structure's statistics, with both charts loaded as images.
    nav.get_by_role("link", name="Statistiques").click()
    expect(page.get_by_role("heading", name="Statistiques")).to_be_visible()
    page.get_by_role("link", name="Les 12 derniers mois").click()
    expect(page.get_by_text("25,0 %").first).to_be_visible()  # 1 no-show / (3 held + 1)
    charts = page.locator("img.chart")
    expect(charts).to_have_count(2)
    for index in range(2):
        response = page.request.get(live_server.url + charts.nth(index).get_attribute("src"))
        assert response.status == 200 and response.headers["content-type"] == "image/svg+xml"
    # Drawn by the browser (the SVG is an image: the page's CSP does not reach inside it).
    page.wait_for_function("() => [...document.querySelectorAll('img.chart')].every("
                           "image => image.complete && image.naturalWidth > 0)", timeout=60_000)
    axe_clean(page)
    shots(page, "statistiques")
    # A phone opening the page gets the charts drawn for its width.
    phone = page.context.new_page()
    phone.set_viewport_size({"width": 390, "height": 900})
    phone.goto(page.url)
    phone.wait_for_function("() => [...document.querySelectorAll('img.chart')].every("
                            "image => image.complete && image.naturalWidth > 0)",
                            timeout=60_000)
    assert all("format=etroit" in image.evaluate("image => image.currentSrc")
               for image in phone.locator("img.chart").all())
    shots(phone, "statistiques-telephone")
    phone.close()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger ces chiffres (CSV pour tableur)").click()
    assert download_info.value.suggested_filename.startswith("statistiques-")
    page.locator("#id_du").fill("2030-05-01")
    page.locator("#id_au").fill("2030-04-01")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_text("La fin de la période est avant son début.")).to_be_visible()
    shots(page, "statistiques-erreur")

    # Proposals with the coordination's answer.
    nav.get_by_role("link", name="Propositions").click()
    expect(page.get_by_text("Déjà couvert par la fiche « Corps européen de solidarité ».")
           ).to_be_visible()
    axe_clean(page)
    shots(page, "propositions")

    # The media bank.
    nav.get_by_role("link", name="Médiathèque").click()
    expect(page.get_by_role("heading", name="Médiathèque")).to_be_visible()
    axe_clean(page)
    shots(page, "mediatheque")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger : Affiche de printemps").click()
    assert download_info.value.suggested_filename == "affiche.pdf"

    # A help request: a wrong file first, then a screenshot.
    nav.get_by_role("link", name="Aide").click()
    expect(page.get_by_role("heading", name="Aide de la coordination")).to_be_visible()
    axe_clean(page)
    shots(page, "aide")
    page.get_by_label("Un problème technique").check()
    page.get_by_label("Objet").fill("Le graphique ne s'affiche pas")
    page.get_by_label("Votre message").fill("Sur la page Statistiques, depuis ce matin.")
    wrong = tmp_path / "capture.png"
    wrong.write_bytes(b"%PDF-1.4 pas une image")
    page.get_by_label("Capture d'écran (facultatif)").set_input_files(str(wrong))
    page.get_by_role("button", name="Envoyer à la coordination").click()
    expect(page.get_by_text("La capture d'écran doit être une image PNG ou JPEG.").first
           ).to_be_visible()
    expect(page.get_by_label("Votre message")).to_have_value(
        "Sur la page Statistiques, depuis ce matin.")
    shots(page, "aide-erreur")
    screenshot = tmp_path / "ecran.png"
    screenshot.write_bytes(_png())
    page.get_by_label("Capture d'écran (facultatif)").set_input_files(str(screenshot))
    page.get_by_role("button", name="Envoyer à la coordination").click()
    expect(page.get_by_text("Votre demande est envoyée à la coordination")).to_be_visible()
    axe_clean(page)
    shots(page, "aide-demande")
    assert HelpRequest.objects.get().screenshot_type == "image/png"
