"""Help requests and the media bank through their services: who may do what, what is stored,
and the emails both sides receive through the outbox."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from bookings.models import Notification, NotificationKind
from support.models import HelpRequest, HelpRequestStatus, MediaCategory, MediaItem
from support.services import (
    SupportError,
    help_request_answer,
    help_request_close,
    help_request_submit,
    media_item_delete,
    media_item_save,
)
from tests.factories import BookableAdvisorFactory, CoordinatorFactory, YouthFactory
from tests.staff_world import paris, withdrawn_advisor
from tests.support.test_files import PDF, image

pytestmark = pytest.mark.django_db

NOW = paris(2026, 3, 19, 10, 30)


@pytest.fixture
def advisor():
    return BookableAdvisorFactory(user__first_name="Claire", user__last_name="Conseil",
                                  user__email="claire@exemple.fr")


@pytest.fixture
def coordinator():
    return CoordinatorFactory(with_totp=True)


def submit(advisor_user, **extra):
    values = {"kind": "technical", "subject": "L'agenda ne s'affiche pas",
              "message": "Page blanche depuis ce matin.", "now": NOW}
    return help_request_submit(author=advisor_user, **(values | extra))


def test_an_advisor_asks_and_the_coordination_is_emailed(
        advisor, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(advisor.user, screenshot=image("PNG"),
                         page_url="https://somobilite.fr/espace-conseil/")
    assert (request.author, request.structure, request.status) == (
        advisor.user, advisor.structure, HelpRequestStatus.OPEN)
    assert request.screenshot_type == "image/png"
    assert request.screenshot.name.startswith("aide/") and request.screenshot.name.endswith(
        ".png")
    assert "capture" not in request.screenshot.name  # a random name, not the sender's
    (email,) = mail.outbox
    assert email.to == [settings.COORDINATION_EMAIL]
    assert email.subject.endswith("Demande d'aide : L'agenda ne s'affiche pas")
    assert "Claire Conseil" in email.body and "Page blanche depuis ce matin." in email.body
    assert f"/admin/support/helprequest/{request.pk}/change/" in email.body
    assert Notification.objects.get().kind == NotificationKind.HELP_REQUEST_NEW


@pytest.mark.parametrize("who", ["youth", "coordinator", "withdrawn"])
def test_only_current_advisors_send_help_requests(advisor, coordinator, who):
    user = {"youth": YouthFactory, "coordinator": lambda: coordinator,
            "withdrawn": lambda: withdrawn_advisor(advisor.structure).user}[who]()
    with pytest.raises(SupportError, match="en poste"):
        submit(user)
    assert not HelpRequest.objects.exists() and not Notification.objects.exists()


def test_a_screenshot_of_another_type_is_refused_and_nothing_is_stored(advisor):
    with pytest.raises(ValidationError):
        submit(advisor.user, screenshot=SimpleUploadedFile("capture.png", PDF))
    with pytest.raises(SupportError, match="obligatoires"):
        submit(advisor.user, subject="   ")
    assert not HelpRequest.objects.exists() and not Notification.objects.exists()


def test_the_coordination_answers_then_closes_and_the_advisor_is_emailed(
        advisor, coordinator, django_capture_on_commit_callbacks):
    request = submit(advisor.user)
    mail.outbox.clear()
    later = NOW + dt.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        answered = help_request_answer(request=request, answer="Videz le cache du navigateur.",
                                       by=coordinator, close=False, now=later)
    assert (answered.status, answered.answered_by, answered.answered_at) == (
        HelpRequestStatus.ANSWERED, coordinator, later)
    (email,) = mail.outbox
    assert email.to == ["claire@exemple.fr"]
    assert "Réponse de la coordination : L'agenda ne s'affiche pas" in email.subject
    assert "Videz le cache du navigateur." in email.body
    assert f"/espace-conseil/aide/{request.public_id}/" in email.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert help_request_close(request=request, by=coordinator, now=later) is True
        assert help_request_close(request=request, by=coordinator, now=later) is False
    request.refresh_from_db()
    assert (request.status, request.closed_at) == (HelpRequestStatus.CLOSED, later)
    (email,) = mail.outbox  # closing twice tells once
    assert "close" in email.subject and "Videz le cache" in email.body


def test_only_coordinators_answer(advisor):
    request = submit(advisor.user)
    colleague = BookableAdvisorFactory(structure=advisor.structure)
    with pytest.raises(SupportError, match="Seule la coordination"):
        help_request_answer(request=request, answer="Moi je sais !", by=colleague.user,
                            close=True, now=NOW)
    with pytest.raises(SupportError, match="Seule la coordination"):
        help_request_close(request=request, by=advisor.user, now=NOW)
    request.refresh_from_db()
    assert request.status == HelpRequestStatus.OPEN and request.answer == ""


def test_answer_with_close_and_empty_answer(advisor, coordinator):
    request = submit(advisor.user)
    with pytest.raises(SupportError, match="Écrivez la réponse"):
        help_request_answer(request=request, answer="  ", by=coordinator, close=True, now=NOW)
    closed = help_request_answer(request=request, answer="C'est réglé.", by=coordinator,
                                 close=True, now=NOW)
    assert (closed.status, closed.closed_at) == (HelpRequestStatus.CLOSED, NOW)


def test_media_items_are_stored_privately_and_replaced(coordinator, advisor, settings,
                                                       django_capture_on_commit_callbacks):
    item = MediaItem(title="Logo So Mobilité", category=MediaCategory.LOGOS,
                     date=dt.date(2026, 1, 15))
    saved = media_item_save(item=item, upload=image("PNG", name="logo-so-mobilite.png"),
                            by=coordinator, now=NOW)
    assert (saved.content_type, saved.original_name, saved.uploaded_by) == (
        "image/png", "logo-so-mobilite.png", coordinator)
    assert saved.size == saved.file.size
    first = saved.file.name
    assert first.startswith("mediatheque/") and "logo" not in first
    with pytest.raises(NotImplementedError):
        saved.file.url  # noqa: B018 - no public URL, ever
    storage = saved.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        media_item_save(item=saved, upload=SimpleUploadedFile("logo.pdf", PDF), by=coordinator,
                        now=NOW)
    saved.refresh_from_db()
    assert saved.content_type == "application/pdf" and saved.original_name == "logo.pdf"
    assert not storage.exists(first) and storage.exists(saved.file.name)

    with pytest.raises(SupportError, match="Seule la coordination"):
        media_item_save(item=saved, upload=None, by=advisor.user, now=NOW)
    with pytest.raises(ValidationError):
        media_item_save(item=MediaItem(title="Page", category="other", date=NOW.date()),
                        upload=SimpleUploadedFile("page.html", b"<html></html>"),
                        by=coordinator, now=NOW)
    assert MediaItem.objects.count() == 1
    name = saved.file.name
    with django_capture_on_commit_callbacks(execute=True):
        media_item_delete(item=saved, by=coordinator)
    assert not MediaItem.objects.exists() and not storage.exists(name)
