"""Structured logs (somobilite.log): no personal data on any line of a whole booking, a request
id on every line of a request and of the tasks it queued, with the production configuration."""

import io
import json
import logging
import logging.config
import smtplib
import time
from contextlib import contextmanager

import pytest
import time_machine
from django.conf import settings
from django.core.mail.backends.locmem import EmailBackend

from bookings.models import Appointment, AppointmentStatus, Notification
from somobilite.log import logging_config, scrub
from tests.bookings.web_support import (
    FIRST_SLOT,
    NOW,
    book_url,
    bookable_advisor,
    form_data,
    last_code,
)
from tests.loopback import celery_broker, pause

PERSON = {"first_name": "Zéphyrine", "last_name": "Quintal-Ozanne",
          "email": "zephyrine.quintal@exemple.fr", "phone": "06 98 76 54 32"}
TRACES = ("Zéphyrine", "Quintal", "zephyrine", "exemple.fr", "98 76 54 32", "0698765432",
          "+33698765432", "+33 6 98 76 54 32")


@contextmanager
def production_logs(level: str = "DEBUG"):
    """The production logging configuration (JSON lines), written to a buffer."""
    buffer = io.StringIO()
    logging.config.dictConfig(logging_config(fmt="json", level=level))
    logging.getLogger().handlers[0].setStream(buffer)
    try:
        yield buffer
    finally:
        logging.getLogger().handlers.clear()
        logging.config.dictConfig(settings.LOGGING)


def lines(buffer: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


class RefusingConfirmations(EmailBackend):
    """Delivers like the test backend, except confirmations: refused, quoting the recipient
    (as a real SMTP server does)."""

    def send_messages(self, messages):
        for message in messages:
            if "confirmé" in message.subject:
                raise smtplib.SMTPRecipientsRefused(
                    {message.to[0]: (550, f"5.1.1 <{message.to[0]}> unknown".encode())})
        return super().send_messages(messages)


@pytest.mark.parametrize(("text", "expected"), [
    ("to lea.martin+rdv@exemple.fr refused", "to [email] refused"),
    ("appel au 06 12 34 56 78 ou 0612345678", "appel au [téléphone] ou [téléphone]"),
    ("+33 6 12 34 56 78, +33612345678", "[téléphone], [téléphone]"),
    ("/rendez-vous/gerer/IjNmMmE5YzE2LTk1ZDQtNGM0ZC1iMzM3LTJlY2E5OGE0NzQwNiI:"
     "b2YtZ3J5c3Z0eHZqZ2hqb2hmZ2RrZg/", "/rendez-vous/gerer/[jeton]/"),
    ("/compte/invitation/MTI/c9m4kq-5d2f8e9a0b1c2d3e4f5a6b7c/", "/compte/invitation/MTI/[jeton]/"),
])
def test_scrub_replaces_addresses_phones_and_tokens(text, expected):
    assert scrub(text) == expected


@pytest.mark.parametrize("text", [
    "2026-03-04T09:00:00+01:00", "appointment 123456 moved", "task 0b6f2a54-8c3e-4f5e-9a1b-"
    "0612345678ab started", "took 1234567890 ms", "GET rendez-vous/<slug:slug>/ 200",
])
def test_scrub_leaves_dates_ids_and_durations_alone(text):
    assert scrub(text) == text


@pytest.mark.django_db
def test_a_whole_booking_with_a_refused_email_leaves_no_personal_data_in_the_logs(
    client, settings, django_capture_on_commit_callbacks,
):
    settings.EMAIL_BACKEND = "tests.somobilite.test_log.RefusingConfirmations"
    with time_machine.travel(NOW, tick=False):
        advisor = bookable_advisor(slug="ij-logs")
        with production_logs() as buffer:
            data = form_data(**PERSON)
            response = client.post(book_url(advisor, FIRST_SLOT), data)
            assert response.status_code == 302
            code = last_code(PERSON["email"])
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(response["Location"], {"code": code, "action": "verify"})
            assert response.status_code == 302
            client.get(response["Location"])
            client.get("/rendez-vous/gerer/not-a-valid-token-but-a-long-one-0123456789/")
    appointment = Appointment.objects.get()
    assert appointment.status == AppointmentStatus.CONFIRMED
    refused = Notification.objects.get(appointment=appointment, to=PERSON["email"])
    assert refused.sent_at is None and "unknown" in refused.last_error
    output = buffer.getvalue()
    assert "Email %s could not be sent" in output or "could not be sent" in output
    assert "SMTPRecipientsRefused" in output  # the error is logged, its address is not
    for trace in TRACES:
        assert trace not in output, trace
    records = lines(buffer)
    finished = [r for r in records if r["event"] == "request_finished"]
    assert [r["request"] for r in finished] == [
        "POST rendez-vous/<slug:slug>/reserver/",
        "POST rendez-vous/confirmation/<uuid:public_id>/",
        "GET rendez-vous/reserve/<uuid:public_id>/",
        "GET rendez-vous/gerer/<str:token>/",
    ]
    assert all(r["request_id"] and "ip" not in r and "user_agent" not in r for r in finished)
    assert len({r["request_id"] for r in finished}) == 4


@pytest.mark.postgres_only  # a worker thread beside the test: SQLite's in-memory base locks
@pytest.mark.django_db(transaction=True)
def test_the_request_id_is_carried_into_the_celery_task_it_queued(
    client, settings, redis_server,
):
    from celery.contrib.testing.worker import start_worker

    from somobilite.celery import app

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(NOW, tick=True):
        advisor = bookable_advisor(slug="ij-worker")
        response = client.post(book_url(advisor, FIRST_SLOT), form_data(**PERSON))
        assert response.status_code == 302
        code = last_code(PERSON["email"])
        with celery_broker(redis_server.url), \
                start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20), \
                production_logs(level="INFO") as buffer:
            response = client.post(response["Location"], {"code": code, "action": "verify"})
            assert response.status_code == 302
            deadline = time.monotonic() + 20
            # Until the task has ended, not only sent its emails: its last line is written
            # after they are recorded, and must be written before the logs are read.
            while ((Notification.objects.filter(sent_at__isnull=True).exists()
                    or '"task_succeeded"' not in buffer.getvalue())
                   and time.monotonic() < deadline):
                pause(0.1)
    assert not Notification.objects.filter(sent_at__isnull=True).exists()
    records = lines(buffer)
    (confirm,) = [r for r in records if r["event"] == "request_finished"]
    started = [r for r in records if r["event"] == "task_started"]
    # Both emails of the confirmation leave in one task (notifications.queue_together).
    assert [r["task"] for r in started] == ["bookings.tasks.deliver_notifications"]
    assert Notification.objects.count() == 2
    assert all(r["request_id"] == confirm["request_id"] and r["task_id"] for r in started)
    # One line when the task starts, one when it ends (with its duration): Celery's own
    # "received" and "succeeded in" lines, which repeated them, are not written.
    (succeeded,) = [r for r in records if r["event"] == "task_succeeded"]
    assert succeeded["task_id"] == started[0]["task_id"] and "duration_ms" in succeeded
    assert not [r for r in records
                if r["logger"] in ("celery.app.trace", "celery.worker.strategy")]
    for trace in TRACES:
        assert trace not in buffer.getvalue(), trace


def test_celery_s_own_task_lines_are_left_out_but_not_its_errors():
    with production_logs(level="INFO") as buffer:
        logging.getLogger("celery.worker.strategy").info("Task x[1] received")
        logging.getLogger("celery.app.trace").info("Task x[1] succeeded in 0.1s: 2")
        logging.getLogger("celery.app.trace").error("Task x[2] raised unexpected: boom")
    assert [r["event"] for r in lines(buffer)] == ["Task x[2] raised unexpected: boom"]


def test_each_line_names_the_route_of_its_own_path(settings):
    from somobilite.log import request_as_route

    def route(request):
        return request_as_route(None, "info", {"request": request})["request"]

    assert route("GET /rendez-vous/") == "GET rendez-vous/"
    assert route("GET /rendez-vous/?lieu=33") == "GET rendez-vous/"  # started, finished
    assert route("POST /nulle-part/lea@exemple.fr") == "POST /nulle-part/lea@exemple.fr (no route)"
    assert route("GET /rendez-vous/") == "GET rendez-vous/"
    settings.ROOT_URLCONF = "benchmarks.urls"
    assert route("GET /__bench__/bare/") == "GET __bench__/bare/"
    settings.ROOT_URLCONF = "somobilite.urls"
    assert route("GET /__bench__/bare/") == "GET /__bench__/bare/ (no route)"
