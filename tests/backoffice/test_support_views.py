"""Help requests and the media bank in the advisors' space: permissions, upload checks on the
page, and how files leave (attachment, nosniff, never a public URL)."""

import datetime as dt
import html
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bookings.models import Notification
from support.models import HelpRequest, MediaItem
from support.services import help_request_answer, help_request_submit, media_item_save
from tests.staff_world import NOW, login_coordinator_with_mfa, withdrawn_advisor
from tests.support.test_files import PDF, image, padded_png

pytestmark = pytest.mark.django_db

HELP = reverse("backoffice:help")
MEDIA = reverse("backoffice:media")


def form(**extra):
    return {"kind": "question", "subject": "Un PVT pour la Corée ?",
            "message": "Une jeune demande si le PVT Corée existe encore."} | extra


def test_advisor_sends_a_request_with_a_screenshot_and_reads_the_answer(client, world):
    client.force_login(world.advisor.user)
    response = client.post(HELP, form(screenshot=image("PNG")))
    request = HelpRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("backoffice:help_detail", args=[request.public_id])
    page = html.unescape(client.get(response.url).content.decode())
    assert "Un PVT pour la Corée ?" in page and "En attente de réponse" in page
    assert "Télécharger la capture d'écran (PNG)" in page

    help_request_answer(request=request, answer="Oui, 18-30 ans, quota annuel.",
                        by=world.coordinator, close=False, now=NOW)
    page = html.unescape(client.get(response.url).content.decode())
    assert "Oui, 18-30 ans, quota annuel." in page and "Répondue" in page
    listing = html.unescape(client.get(HELP).content.decode())
    assert "Un PVT pour la Corée ?" in listing and "Répondue" in listing

    download = client.get(reverse("backoffice:help_screenshot", args=[request.public_id]))
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"] == 'attachment; filename="capture.png"'
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("capture.png", PDF, content_type="image/png"),
     "La capture d'écran doit être une image PNG ou JPEG."),
    (image("GIF"), "La capture d'écran doit être une image PNG ou JPEG."),
    (padded_png(5 * 1024 * 1024 + 1), "Fichier trop lourd"),
], ids=["pdf-named-png", "gif", "too-large"])
def test_a_wrong_screenshot_is_refused_on_the_page_and_the_text_is_kept(client, world, upload,
                                                                        message):
    client.force_login(world.advisor.user)
    response = client.post(HELP, form(screenshot=upload))
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert message in page
    assert "Une jeune demande si le PVT Corée existe encore." in page  # nothing typed is lost
    assert "choisissez à nouveau la capture" in page
    assert not HelpRequest.objects.exists() and not Notification.objects.exists()


def test_help_requests_are_their_authors_only(client, world):
    request = help_request_submit(author=world.advisor.user, kind="question",
                                  subject="Sujet confidentiel",
                                  message="Message", screenshot=image("JPEG"), now=NOW)
    detail = reverse("backoffice:help_detail", args=[request.public_id])
    screenshot = reverse("backoffice:help_screenshot", args=[request.public_id])
    client.force_login(world.colleague.user)  # same structure: still not hers
    assert client.get(detail).status_code == 404
    assert client.get(screenshot).status_code == 404
    assert "Sujet confidentiel" not in client.get(HELP).content.decode()
    client.force_login(world.youth)
    assert client.get(HELP).status_code == 403
    assert client.get(detail).status_code == 403
    client.force_login(world.coordinator)  # coordinators answer in admin
    assert client.get(HELP).status_code == 403
    client.force_login(withdrawn_advisor(world.structure).user)
    assert client.post(HELP, form()).status_code == 403
    client.logout()
    assert client.get(screenshot).status_code == 302
    assert HelpRequest.objects.count() == 1


@pytest.fixture
def poster(world):
    return media_item_save(
        item=MediaItem(title="Affiche printemps 2026", category="posters",
                       date=dt.date(2026, 3, 1), description="Format A3."),
        upload=SimpleUploadedFile("affiche-printemps.pdf", PDF), by=world.coordinator, now=NOW)


@pytest.mark.parametrize(("who", "expected"), [
    ("advisor", 200), ("other_structure", 200), ("coordinator", 200),
    ("coordinator_without_mfa", 403), ("youth", 403), ("withdrawn", 403), ("anonymous", 302),
])
def test_media_bank_is_for_signed_in_staff(client, world, poster, who, expected):
    user = {"advisor": world.advisor.user, "other_structure": world.other.user,
            "coordinator_without_mfa": world.coordinator, "youth": world.youth,
            "withdrawn": withdrawn_advisor(world.structure).user, "anonymous": None,
            "coordinator": None}[who]
    if who == "coordinator":
        login_coordinator_with_mfa(client, world.coordinator)
    elif user:
        client.force_login(user)
    download = reverse("backoffice:media_download", args=[poster.public_id])
    for url in (MEDIA, download):
        response = client.get(url)
        assert response.status_code == expected, url
        if expected == 302:
            assert response.url.startswith(reverse("account_login"))
    if expected == 200:
        response = client.get(download)
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            'attachment; filename="affiche-printemps.pdf"')
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert b"".join(response.streaming_content) == PDF


def test_media_page_lists_by_category_with_a_fixed_number_of_queries(
        client, world, poster, django_assert_max_num_queries):
    media_item_save(item=MediaItem(title="Logo couleur", category="logos",
                                   date=dt.date(2025, 9, 1)),
                    upload=image("PNG", name="logo.png"), by=world.coordinator, now=NOW)
    client.force_login(world.other.user)
    with django_assert_max_num_queries(5):
        page = html.unescape(client.get(MEDIA).content.decode())
    assert page.index('id="cat-logos"') < page.index("Logo couleur") < page.index(
        'id="cat-posters"') < page.index("Affiche printemps 2026")
    assert f"PDF, {len(PDF)} octets" in page
    only_posters = html.unescape(client.get(MEDIA + "?categorie=posters").content.decode())
    assert "Affiche printemps 2026" in only_posters and "Logo couleur" not in only_posters
    for _ in range(3):
        media_item_save(item=MediaItem(title="Guide", category="guides",
                                       date=dt.date(2025, 9, 1)),
                        upload=SimpleUploadedFile("guide.pdf", PDF), by=world.coordinator,
                        now=NOW)
    with django_assert_max_num_queries(5):
        client.get(MEDIA)


def test_media_files_live_outside_public_directories(poster):
    path = Path(poster.file.path).resolve()
    for public in (settings.MEDIA_ROOT, settings.STATIC_ROOT, *settings.STATICFILES_DIRS):
        assert not path.is_relative_to(Path(public).resolve())
    assert not any(pattern.pattern.regex.pattern.startswith("^media")
                   for pattern in __import__("django.urls", fromlist=["x"]).get_resolver()
                   .url_patterns if hasattr(pattern, "pattern"))


def test_a_media_item_without_its_file_is_not_found_rather_than_an_error(client, world, poster):
    download = reverse("backoffice:media_download", args=[poster.public_id])
    client.force_login(world.advisor.user)
    MediaItem.objects.filter(pk=poster.pk).update(file="")  # e.g. a row restored without files
    response = client.get(download)
    assert response.status_code == 404
    assert "introuvable" in response.content.decode()  # the French 404 page, not a 500
