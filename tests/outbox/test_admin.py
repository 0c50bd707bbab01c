"""Coordinators see unsent and failing emails in admin, with the mail server's answer."""

import datetime as dt

import pytest
from django.urls import reverse

from outbox import delivery
from tests.factories import CoordinatorFactory
from tests.mfa_support import login_with_mfa

from .test_delivery import NOW, Unreachable, message

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client(client):
    login_with_mfa(client, CoordinatorFactory(with_totp=True))
    return client


def test_failing_emails_are_listed_with_their_error(coordinator_client, settings,
                                                   django_assert_max_num_queries):
    settings.EMAIL_BACKEND = f"{Unreachable.__module__}.Unreachable"
    for n in range(5):
        delivery.email_queue(message=message(to=f"echec{n}@exemple.fr"), kind="test.echec",
                             now=NOW, immediately=True)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    delivery.email_queue(message=message(to="parti@exemple.fr"), kind="test.ok", now=NOW,
                         immediately=True)
    url = reverse("admin:outbox_email_changelist")
    with django_assert_max_num_queries(12):
        page = coordinator_client.get(url, {"etat": "failing"}).content.decode()
    assert page.count("Connexion refusée") == 5 and "echec4@exemple.fr" in page
    assert "parti@exemple.fr" not in page
    assert "En échec" in page and "en échec, nouvel essai prévu" in page
    assert (NOW + dt.timedelta(seconds=60)).strftime("%Y") in page
    page = coordinator_client.get(url, {"etat": "sent"}).content.decode()
    assert "parti@exemple.fr" in page and "echec0@exemple.fr" not in page


def test_the_appointments_outbox_shows_its_errors_too(coordinator_client, settings):
    from bookings.models import Notification, NotificationKind

    row = Notification.objects.create(kind=NotificationKind.COMPLIANCE_DIGEST,
                                      to="coordination@exemple.fr", created_at=NOW, attempts=3,
                                      last_error="SMTPDataError: (451, b'4.3.0 Plus tard')")
    page = coordinator_client.get(reverse("admin:bookings_notification_changelist"),
                                  {"etat": "failing"}).content.decode()
    assert "451" in page and "coordination@exemple.fr" in page
    detail = coordinator_client.get(reverse("admin:bookings_notification_change",
                                            args=[row.pk])).content.decode()
    assert row.message_id.replace("<", "&lt;").replace(">", "&gt;") in detail
