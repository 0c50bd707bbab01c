"""Coordinators answer help requests and keep the media bank in admin; every change goes
through the services."""

import datetime as dt
import html

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from support.models import HelpRequestStatus, MediaItem
from support.services import help_request_submit
from tests.factories import BookableAdvisorFactory, CoordinatorFactory
from tests.staff_world import login_coordinator_with_mfa, paris
from tests.support.test_files import PDF, image

pytestmark = pytest.mark.django_db

NOW = paris(2026, 3, 19, 10, 30)


@pytest.fixture
def coordinator(client):
    coordinator = CoordinatorFactory(with_totp=True)
    login_coordinator_with_mfa(client, coordinator)
    return coordinator


@pytest.fixture
def help_request():
    advisor = BookableAdvisorFactory(user__email="claire@exemple.fr")
    return help_request_submit(author=advisor.user, kind="technical", subject="Erreur 500",
                               message="En envoyant les programmes.", screenshot=image("PNG"),
                               now=NOW)


def change_url(obj):
    return reverse("admin:support_helprequest_change", args=[obj.pk])


def test_coordinator_answers_in_admin_and_the_advisor_is_emailed(
        client, coordinator, help_request, django_capture_on_commit_callbacks):
    page = html.unescape(client.get(change_url(help_request)).content.decode())
    assert "En envoyant les programmes." in page and "Télécharger la capture (PNG)" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(help_request), {"answer": "Corrigé, merci !"})
    assert response.status_code == 302
    help_request.refresh_from_db()
    assert (help_request.status, help_request.answer, help_request.answered_by) == (
        HelpRequestStatus.ANSWERED, "Corrigé, merci !", coordinator)
    (email,) = mail.outbox
    assert email.to == ["claire@exemple.fr"] and "Corrigé, merci !" in email.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(change_url(help_request), {"answer": "Corrigé, merci !", "close": "on"})
    help_request.refresh_from_db()
    assert help_request.status == HelpRequestStatus.CLOSED
    assert len(mail.outbox) == 1 and "close" in mail.outbox[0].subject


def test_saving_without_answer_nor_closing_is_refused(client, coordinator, help_request):
    response = client.post(change_url(help_request), {"answer": ""})
    assert response.status_code == 200
    assert "Écrivez une réponse, ou cochez « Clore la demande »." in html.unescape(
        response.content.decode())
    help_request.refresh_from_db()
    assert help_request.status == HelpRequestStatus.OPEN


def test_close_action_and_screenshot_download(client, coordinator, help_request):
    response = client.get(reverse("admin:support_helprequest_screenshot",
                                  args=[help_request.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    client.post(reverse("admin:support_helprequest_changelist"),
                {"action": "close_selected", "_selected_action": [help_request.pk]})
    help_request.refresh_from_db()
    assert help_request.status == HelpRequestStatus.CLOSED
    assert client.get(reverse("admin:support_helprequest_add")).status_code == 403


def test_coordinator_uploads_media_checked_by_content(client, coordinator):
    add = reverse("admin:support_mediaitem_add")
    data = {"title": "Guide du conseiller", "category": "guides", "date": "2026-02-01",
            "description": ""}
    refused = client.post(add, data | {"upload": SimpleUploadedFile(
        "guide.pdf", b"<html><script>alert(1)</script></html>")})
    assert refused.status_code == 200
    assert "ne correspond pas à un fichier PDF" in html.unescape(refused.content.decode())
    assert not MediaItem.objects.exists()
    missing = client.post(add, data)
    assert "Choisissez le fichier à déposer." in html.unescape(missing.content.decode())

    response = client.post(add, data | {"upload": SimpleUploadedFile("guide.pdf", PDF)})
    assert response.status_code == 302
    item = MediaItem.objects.get()
    assert (item.content_type, item.size, item.uploaded_by) == ("application/pdf", len(PDF),
                                                                coordinator)
    page = client.get(reverse("admin:support_mediaitem_change", args=[item.pk]))
    assert reverse("admin:support_mediaitem_download", args=[item.pk]) in page.content.decode()
    download = client.get(reverse("admin:support_mediaitem_download", args=[item.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="guide.pdf"'

    # Changing the title keeps the file; a new file replaces it.
    client.post(reverse("admin:support_mediaitem_change", args=[item.pk]),
                data | {"title": "Guide 2026"})
    item.refresh_from_db()
    assert item.title == "Guide 2026" and item.content_type == "application/pdf"
    client.post(reverse("admin:support_mediaitem_change", args=[item.pk]),
                data | {"upload": image("PNG", name="guide.png")})
    item.refresh_from_db()
    assert item.content_type == "image/png" and item.original_name == "guide.png"
    client.post(reverse("admin:support_mediaitem_delete", args=[item.pk]), {"post": "yes"})
    assert not MediaItem.objects.exists()
    assert item.date == dt.date(2026, 2, 1)
