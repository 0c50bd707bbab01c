"""allauth's emails go through the outbox, sent at once: a login code that the mail server
refuses is recorded, retried by the sweep while it is valid, then dropped."""

import datetime as dt

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from outbox import delivery
from outbox.models import Email
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


class Refusing(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("serveur de courrier injoignable")


@pytest.fixture
def youth(db):
    user = UserFactory(email="jeune@exemple.fr")
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_a_login_code_leaves_at_once_through_the_outbox(client, youth):
    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("account_request_login_code"), {"email": youth.email})
    assert response.status_code == 302
    row = Email.objects.get()
    assert row.kind == "account/email/login_code" and row.to == "jeune@exemple.fr"
    assert row.sent_at == NOW and row.expires_at == NOW + dt.timedelta(seconds=600)
    assert row.body == ""  # the code is not kept once sent
    (sent,) = mail.outbox
    assert sent.extra_headers["Message-ID"] == row.message_id


def test_a_refused_login_code_is_retried_while_valid_then_dropped(client, youth, settings):
    settings.EMAIL_BACKEND = f"{Refusing.__module__}.Refusing"
    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("account_request_login_code"), {"email": youth.email})
    assert response.status_code == 302  # the page goes on; the failure is recorded
    row = Email.objects.get()
    assert row.sent_at is None and "injoignable" in row.last_error
    assert delivery.emails_send_pending(now=NOW + dt.timedelta(seconds=60)) == 0  # still down
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert delivery.emails_send_pending(now=NOW + dt.timedelta(seconds=180)) == 1
    assert len(mail.outbox) == 1

    mail.outbox.clear()
    client.logout()
    settings.EMAIL_BACKEND = f"{Refusing.__module__}.Refusing"
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        client.post(reverse("account_request_login_code"), {"email": youth.email})
    late = Email.objects.latest("pk")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert delivery.emails_send_pending(now=NOW + dt.timedelta(hours=1, minutes=10)) == 0
    late.refresh_from_db()
    assert late.obsolete_at is not None and late.sent_at is None and mail.outbox == []
