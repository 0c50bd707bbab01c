"""The outbox of every email: a stable Message-ID, retries with backoff over a real SMTP server
that refuses, expiry, content dropped once sent, the sweep and its schedule."""

import datetime as dt
import random

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django_celery_beat.models import PeriodicTask

from outbox import delivery
from outbox.models import Email

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def message(to="lea@exemple.fr", subject="[So Mobilité] Essai") -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(subject, "Bonjour Léa,\nvoici le texte.", to=[to])
    email.attach_alternative("<p>Bonjour Léa</p>", "text/html")
    return email


def test_every_attempt_of_a_row_carries_the_same_message_id(smtp, settings,
                                                             django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://somobilite.example.org"
    with (time_machine.travel(NOW, tick=False),
          django_capture_on_commit_callbacks(execute=True)):  # the task reads the clock
        row = delivery.email_queue(message=message(), kind="test.essai", now=NOW)
    assert row.message_id.startswith("<") and row.message_id.endswith(
        "@somobilite.example.org>")
    row.refresh_from_db()
    assert row.sent_at == NOW and row.attempts == 1
    # A worker killed after the server accepted it, before the row was marked sent: the row is
    # sent again — with the same Message-ID, which mail clients collapse.
    Email.objects.filter(pk=row.pk).update(sent_at=None, body="Bonjour Léa,\nvoici le texte.")
    assert delivery.email_deliver(email_id=row.pk, now=NOW) is True
    first, second = smtp.to("lea@exemple.fr")
    assert first.message_id == second.message_id == row.message_id
    assert first.subject == "[So Mobilité] Essai" and "voici le texte" in first.text()


def test_rows_get_distinct_message_ids_even_with_a_seeded_random_module():
    rows = []
    for _ in range(3):
        random.seed(1234)  # as pytest-randomly and hypothesis do before each test
        rows.append(delivery.email_queue(message=message(), kind="test.essai", now=NOW))
    assert len({row.message_id for row in rows}) == 3


def test_a_refusing_server_is_retried_with_backoff_then_the_message_leaves_once(
    smtp, django_capture_on_commit_callbacks,
):
    smtp.refuse = "451 4.3.0 Réessayez plus tard"
    with (time_machine.travel(NOW, tick=False),
          django_capture_on_commit_callbacks(execute=True)):
        row = delivery.email_queue(message=message(), kind="test.essai", now=NOW)
    row.refresh_from_db()
    assert row.sent_at is None and row.attempts == 1
    assert row.last_error == "SMTPDataError: 451 4.3.0 Réessayez plus tard"
    assert row.next_attempt_at == NOW + dt.timedelta(seconds=60)
    assert row.state == "en échec, nouvel essai prévu"
    assert delivery.emails_send_pending(now=NOW + dt.timedelta(seconds=59)) == 0
    smtp.refuse = "550 5.7.1 Relais refusé"  # a misconfigured relay: retried as well
    assert delivery.emails_send_pending(now=NOW + dt.timedelta(seconds=60)) == 0
    row.refresh_from_db()
    assert row.attempts == 2 and row.last_error == "SMTPDataError: 550 5.7.1 Relais refusé"
    assert row.next_attempt_at == NOW + dt.timedelta(seconds=60 + 120)
    smtp.refuse = None
    assert delivery.emails_send_pending(now=NOW + dt.timedelta(seconds=179)) == 0
    assert delivery.emails_send_pending(now=NOW + dt.timedelta(seconds=180)) == 1
    assert delivery.emails_send_pending(now=NOW + dt.timedelta(hours=2)) == 0
    (received,) = smtp.to("lea@exemple.fr")
    assert received.message_id == row.message_id
    assert smtp.refused == 2


def test_retry_delay_doubles_up_to_its_cap(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS, settings.OUTBOX_RETRY_MAX_SECONDS = 60, 3600
    assert [delivery.retry_delay(n).total_seconds() for n in range(1, 9)] == [
        60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert delivery.retry_delay(500).total_seconds() == 3600


def test_the_sweep_gives_up_after_the_last_attempt_and_says_so(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    settings.EMAIL_BACKEND = "tests.outbox.test_delivery.Unreachable"
    row = delivery.email_queue(message=message(), kind="test.essai", now=NOW)
    later = NOW + dt.timedelta(minutes=3)
    assert delivery.emails_send_pending(now=later) == 0
    assert delivery.emails_send_pending(now=later + dt.timedelta(minutes=1)) == 0
    row.refresh_from_db()
    assert row.attempts == 2 and "Connexion refusée" in row.last_error
    assert row.state == "en échec, plus d'essai automatique"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert delivery.emails_send_pending(now=later + dt.timedelta(days=2)) == 0
    assert mail.outbox == []


class Unreachable(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("Connexion refusée")


def test_the_sweep_waits_for_the_task_before_taking_an_untried_row(settings):
    settings.OUTBOX_SWEEP_DELAY_SECONDS = 120
    delivery.email_queue(message=message(), kind="test.essai", now=NOW)  # task never ran
    assert delivery.emails_send_pending(now=NOW + dt.timedelta(seconds=119)) == 0
    assert delivery.emails_send_pending(now=NOW + dt.timedelta(seconds=120)) == 1
    assert len(mail.outbox) == 1


def test_an_expired_message_is_dropped_not_sent(settings):
    settings.EMAIL_BACKEND = "tests.outbox.test_delivery.Unreachable"
    row = delivery.email_queue(message=message(subject="Votre code : 123456"), kind="code",
                               now=NOW, expires_at=NOW + dt.timedelta(minutes=10),
                               immediately=True)
    row.refresh_from_db()
    assert row.attempts == 1 and row.body  # failed, kept for a retry
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert delivery.emails_send_pending(now=NOW + dt.timedelta(minutes=10)) == 0
    row.refresh_from_db()
    assert row.obsolete_at == NOW + dt.timedelta(minutes=10) and "expiré" in row.obsolete_reason
    assert (row.body, row.html, row.attachments) == ("", "", [])
    assert mail.outbox == []


def test_the_message_is_sent_as_recorded_then_its_content_dropped():
    email = message(to="conseil@exemple.fr")
    email.reply_to = ["coordination@exemple.fr"]
    pdf = b"%PDF-1.7\n\x00\xff binary"
    email.attach("programmes.pdf", pdf, "application/pdf")
    row = delivery.email_queue(message=email, kind="test.pdf", now=NOW, immediately=True)
    (sent,) = mail.outbox
    assert sent.to == ["conseil@exemple.fr"] and sent.reply_to == ["coordination@exemple.fr"]
    assert sent.alternatives[0].content == "<p>Bonjour Léa</p>"
    assert sent.attachments[0] == ("programmes.pdf", pdf, "application/pdf")
    assert sent.extra_headers["Message-ID"] == row.message_id
    row.refresh_from_db()
    assert (row.body, row.html, row.attachments) == ("", "", [])
    assert row.subject == "[So Mobilité] Essai" and row.to == "conseil@exemple.fr"


def test_a_message_sent_at_once_is_locked_not_read_back_and_not_sent_twice():
    """``immediately``: the row just written is locked (the sweep skips it) and sent as it was
    written, without reading its content back; a row some other process sent meanwhile is not
    sent again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        row = delivery.email_queue(message=message(), kind="test.code", now=NOW,
                                   immediately=True)
    (sent,) = mail.outbox
    assert sent.extra_headers["Message-ID"] == row.message_id and "voici le texte" in sent.body
    reads = [q["sql"] for q in queries if q["sql"].lstrip().startswith("SELECT")]
    assert len(reads) == 1 and '"body"' not in reads[0]
    if connection.vendor == "postgresql":  # SQLite has no row locks
        assert "FOR UPDATE SKIP LOCKED" in reads[0]
    row.refresh_from_db()
    assert row.sent_at == NOW and row.attempts == 1 and row.body == ""
    assert delivery._deliver(row.pk, now=NOW, written=row) is False
    assert len(mail.outbox) == 1


def test_an_html_only_message_keeps_its_html():
    email = EmailMultiAlternatives("Sujet", "<p>HTML seul</p>", to=["lea@exemple.fr"])
    email.content_subtype = "html"
    delivery.email_queue(message=email, kind="test.html", now=NOW, immediately=True)
    (sent,) = mail.outbox
    assert sent.alternatives[0].content == "<p>HTML seul</p>"


def test_a_message_the_outbox_could_not_keep_whole_is_refused():
    with pytest.raises(ValueError, match="recipient"):
        delivery.email_queue(message=EmailMultiAlternatives("Sujet", "Texte"), kind="x",
                             now=NOW)
    with pytest.raises(ValueError, match="headers"):
        delivery.email_queue(message=EmailMultiAlternatives(
            "Sujet", "Texte", to=["a@exemple.fr"], headers={"X-Priority": "1"}), kind="x",
            now=NOW)
    assert not Email.objects.exists()


def test_the_sweep_is_scheduled_every_minute_by_migration():
    task = PeriodicTask.objects.get(task="outbox.tasks.send_pending_emails")
    assert task.enabled and task.interval.every == 1 and task.interval.period == "minutes"


def test_the_outbox_adds_the_subject_prefix_once(django_capture_on_commit_callbacks):
    """The one place « [So Mobilité] » is added (tester t-youth 13)."""
    with django_capture_on_commit_callbacks(execute=True):
        bare = delivery.email_queue(message=message(subject="Votre code"), kind="test", now=NOW)
        prefixed = delivery.email_queue(message=message(), kind="test", now=NOW)
    assert (bare.subject, prefixed.subject) == ("[So Mobilité] Votre code",
                                                "[So Mobilité] Essai")
    assert sorted(sent.subject for sent in mail.outbox) == [
        "[So Mobilité] Essai", "[So Mobilité] Votre code"]


def test_a_sweep_sends_over_one_connection_and_a_refusal_costs_only_its_own_email(
        smtp, settings):
    """The sweep keeps one SMTP connection for its rows (not one per email); a refused message
    is recorded as failed, and the next one still leaves, over a new connection."""
    settings.OUTBOX_SWEEP_DELAY_SECONDS = 0
    rows = [delivery.email_queue(message=message(to=to), kind="test.essai",
                                 now=NOW + dt.timedelta(seconds=second))
            for second, to in enumerate(("lea@exemple.fr", "max@exemple.fr",
                                         "refus@exemple.fr", "zoe@exemple.fr"))]
    smtp.refuse, smtp.refuse_to = "550 5.1.1 Adresse inconnue", frozenset({"refus@exemple.fr"})
    later = NOW + dt.timedelta(minutes=1)
    assert delivery.emails_send_pending(now=later) == 3
    by_address = {received.to[0]: received for received in smtp.received}
    assert sorted(by_address) == ["lea@exemple.fr", "max@exemple.fr", "zoe@exemple.fr"]
    # Sent oldest first: Léa and Max over the first connection, Zoé over a new one.
    assert by_address["lea@exemple.fr"].peer == by_address["max@exemple.fr"].peer
    assert by_address["zoe@exemple.fr"].peer != by_address["lea@exemple.fr"].peer
    refused = Email.objects.get(pk=rows[2].pk)
    assert refused.sent_at is None and refused.attempts == 1
    assert refused.last_error == "SMTPDataError: 550 5.1.1 Adresse inconnue"
    assert Email.objects.filter(sent_at=later).count() == 3
