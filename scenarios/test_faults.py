"""Fault scenarios over the production stack (issue 18 §3). Each keeps its figures: attempts,
stored, sent, duplicated, lost, 5xx. Every wait is bounded; the whole file runs in minutes."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from bookings.models import Appointment, AppointmentStatus, Notification

from .booking import Held, book, confirm, csrf_pair, hold
from .stack import wait_until
from .world import bookable_structure, due_reminders, duplicates, free_slots, outbox_of, person


@pytest.fixture(scope="module")
def web(stack):
    stack.start_web()
    return stack


@pytest.fixture
def celery_app(stack):
    """This process's Celery app publishing to the stack's broker (as beat would)."""
    from somobilite.celery import app
    from tests.loopback import celery_broker

    with celery_broker(stack.redis.url):
        yield app


def test_redis_down_while_young_people_book(web, celery_app, figures):
    """Redis (cache and broker) stops; 20 young people book over HTTP: every booking is stored
    and confirmed, no 5xx; the confirmations wait in the outbox and leave once Redis is back,
    each once."""
    stack = web
    structure = bookable_structure(advisors=2, name="redis")
    slots = free_slots(structure, 20)
    worker = stack.start_worker("worker-redis")
    stack.mail.clear()
    stack.redis.stop()
    try:
        attempts = [book(stack.web_port, slot, person(i, "redis"), client_ip=f"10.1.0.{i + 1}",
                         mail=stack.mail) for i, slot in enumerate(slots)]
        outcomes = Counter(a.outcome for a in attempts)
        rows = outbox_of(structure)
        waiting = rows.filter(sent_at__isnull=True).count()
    finally:
        stack.redis.start()
    # What beat does every few minutes: the sweep finds the unsent rows.
    deadline = time.monotonic() + 90
    while rows.filter(sent_at__isnull=True).exists() and time.monotonic() < deadline:
        celery_app.send_task("bookings.tasks.send_pending_notifications")
        time.sleep(3)
    confirmations = [(tuple(r.to), r.subject) for r in stack.mail.received
                     if "est confirmé" in r.subject or "Nouveau rendez-vous" in r.subject]
    figures.update(
        attempts=len(attempts), stored=Appointment.objects.filter(
            structure=structure, status=AppointmentStatus.CONFIRMED).count(),
        outbox_rows=rows.count(), waiting_while_down=waiting,
        sent=rows.filter(sent_at__isnull=False).count(), emails_received=len(confirmations),
        duplicated=duplicates(confirmations), lost=rows.filter(sent_at__isnull=True).count(),
        errors_5xx=sum(s >= 500 for a in attempts for s in a.statuses), outcomes=dict(outcomes))
    worker.stop()
    assert outcomes == {"confirmed": 20}, [a.detail for a in attempts if a.outcome != "confirmed"]
    assert figures["errors_5xx"] == 0
    assert figures["stored"] == 20 and waiting == rows.count() == 40
    assert figures["lost"] == 0 and figures["duplicated"] == 0
    assert figures["emails_received"] == 40


def sweep_for(celery_app, seconds: float) -> None:
    """What beat does, faster: both sweeps every half second for ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        celery_app.send_task("bookings.tasks.send_pending_notifications")
        celery_app.send_task("outbox.tasks.send_pending_emails")
        time.sleep(0.5)


def coordinator_browser(stack):
    """A coordinator's browser whose session passed TOTP (written here, signed with the
    stack's secret key, as gunicorn checks it)."""
    from django.test import Client, override_settings

    from tests.factories import CoordinatorFactory
    from tests.mfa_support import login_with_mfa

    from .browser import Browser

    with override_settings(SECRET_KEY=stack.env()["SECRET_KEY"]):
        client = Client()
        login_with_mfa(client, CoordinatorFactory(with_totp=True))
    browser = Browser(stack.web_port, client_ip="10.4.9.1")
    browser.cookies["sessionid"] = client.cookies["sessionid"].value
    return browser


def test_mail_server_refusing(web, celery_app, figures):
    """The mail server refuses every message (451, then 550) while young people type their
    codes and one asks for a login code: the appointments stand, each failure is recorded with
    the server's answer and retried with backoff, coordinators see them in admin; once the
    server accepts again each message leaves once, with its row's Message-ID."""
    from django.urls import reverse

    from outbox.models import Email

    from .browser import Browser

    stack = web
    structure = bookable_structure(advisors=2, name="smtp")
    people = [person(i, "smtp") for i in range(10)]
    worker = stack.start_worker("worker-smtp")
    stack.mail.clear()
    held = [hold(stack.web_port, slot, who, client_ip=f"10.4.0.{i + 1}", mail=stack.mail)
            for i, (slot, who) in enumerate(zip(free_slots(structure, 10), people, strict=True))]
    assert all(isinstance(h, Held) for h in held), [h for h in held if not isinstance(h, Held)]
    codes_sent = len(stack.mail.received)
    stack.mail.clear()
    rows = outbox_of(structure).filter(kind__in=["youth_confirmation", "advisor_new"])
    login_url = reverse("account_request_login_code")
    stack.mail.refuse = "451 4.3.0 Service indisponible, reessayez plus tard"
    try:
        attempts = [confirm(h) for h in held]
        returning = Browser(stack.web_port, client_ip="10.4.1.1")
        login_page = returning.post(login_url, {"email": people[0]["email"]})
        returning.close()
        login_code = Email.objects.filter(kind="account/email/login_code",
                                          to=people[0]["email"])
        wait_until(lambda: rows.count() == 20 and not rows.filter(attempts=0).exists(),
                   timeout=60, what="every confirmation tried once")
        sweep_for(celery_app, 6)
        answered_451 = rows.filter(last_error__contains="451").count()
        stack.mail.refuse = "550 5.7.1 Relais refuse pour ce client"
        sweep_for(celery_app, 6)
        failing = list(rows.values_list("attempts", "last_error", "sent_at", "next_attempt_at"))
        admin = coordinator_browser(stack)
        admin_page = admin.get(reverse("admin:bookings_notification_changelist")
                               + "?etat=failing")
        admin_emails = admin.get(reverse("admin:outbox_email_changelist") + "?etat=failing")
        admin.close()
    finally:
        stack.mail.refuse = None
    deadline = time.monotonic() + 60
    while (rows.filter(sent_at__isnull=True).exists()
           or login_code.filter(sent_at__isnull=True).exists()) and time.monotonic() < deadline:
        sweep_for(celery_app, 2)
    worker.stop()
    received = list(stack.mail.received)
    outcomes = Counter(a.outcome for a in attempts)
    expected_ids = set(rows.values_list("message_id", flat=True)) | set(
        login_code.values_list("message_id", flat=True))
    figures.update(
        attempts=len(attempts), codes_sent_before=codes_sent,
        stored=Appointment.objects.filter(structure=structure,
                                          status=AppointmentStatus.CONFIRMED).count(),
        outbox_rows=rows.count() + login_code.count(),
        refused_by_server=stack.mail.refused, answered_451=answered_451,
        attempts_per_row_while_refusing=dict(Counter(a for a, *_ in failing)),
        sent=rows.filter(sent_at__isnull=False).count()
        + login_code.filter(sent_at__isnull=False).count(),
        emails_received=len(received),
        duplicated=duplicates([r.message_id for r in received]),
        lost=len(expected_ids - {r.message_id for r in received}),
        foreign_message_ids=len({r.message_id for r in received} - expected_ids),
        errors_5xx=sum(s >= 500 for a in attempts for s in a.statuses)
        + (login_page.status_code >= 500), outcomes=dict(outcomes))
    assert outcomes == {"confirmed": 10}, [a.detail for a in attempts if a.outcome != "confirmed"]
    assert login_page.status_code == 302 and figures["errors_5xx"] == 0
    assert figures["stored"] == 10 and rows.count() == 20 and login_code.count() == 1
    # Every failure recorded with the server's answer; retried, but with backoff: in 12 s of
    # sweeps every half second, at most 1 + 6 attempts (1, 2, 4, 4 s apart).
    assert all(sent_at is None and "550" in error and next_at is not None
               for _, error, sent_at, next_at in failing)
    assert answered_451 == 20
    assert all(2 <= n <= 7 for n, *_ in failing), figures["attempts_per_row_while_refusing"]
    assert admin_page.status_code == 200 and admin_emails.status_code == 200
    assert admin_page.text.count("SMTPDataError: 550 5.7.1 Relais refuse") == 20
    assert "Relais refuse" in admin_emails.text and people[0]["email"] in admin_emails.text
    assert figures["sent"] == 21 and figures["lost"] == 0
    assert figures["duplicated"] == 0 and figures["foreign_message_ids"] == 0
    assert figures["emails_received"] == 21


def test_a_thousand_concurrent_attempts_on_fifty_slots(web, figures):
    """1,000 young people try 50 slots at once (20 per slot) over HTTP: one appointment per
    slot, no 5xx, every other attempt refused clearly (taken, with the next slots, or a
    limit)."""
    stack = web
    structure = bookable_structure(advisors=1, name="rush")
    slots = free_slots(structure, 50)
    stack.mail.clear()
    csrf = csrf_pair(stack.web_port, slots[0])

    def attempt(i: int):
        slot = slots[i % len(slots)]
        return book(stack.web_port, slot, person(i, "rush"),
                    client_ip=f"10.2.{i // 250}.{i % 250 + 1}", mail=stack.mail,
                    code_timeout=60, csrf=csrf)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=40) as pool:
        attempts = list(pool.map(attempt, range(1000)))
    elapsed = time.monotonic() - started
    outcomes = Counter(a.outcome for a in attempts)
    stored = Appointment.objects.filter(structure=structure)
    per_slot = Counter(stored.filter(status=AppointmentStatus.CONFIRMED)
                       .values_list("starts_at", flat=True))
    figures.update(
        attempts=len(attempts), stored=stored.filter(
            status=AppointmentStatus.CONFIRMED).count(),
        slots=len(slots), max_per_slot=max(per_slot.values(), default=0),
        errors_5xx=sum(s >= 500 for a in attempts for s in a.statuses),
        outcomes=dict(outcomes), seconds_of_load=round(elapsed, 1))
    assert figures["errors_5xx"] == 0, [a.detail for a in attempts if a.outcome == "error"][:3]
    assert outcomes["failed"] == 0, [a.detail for a in attempts if a.outcome == "failed"][:3]
    assert figures["stored"] == 50 and figures["max_per_slot"] == 1
    assert outcomes["confirmed"] == 50
    assert set(outcomes) <= {"confirmed", "taken", "limit"}, outcomes
    assert not Notification.objects.filter(appointment__structure=structure,
                                           appointment__status=AppointmentStatus.PENDING).exists()


def test_worker_killed_while_sending_reminders(web, celery_app, figures):
    """A worker is SIGKILLed in the middle of 200 due reminders; after a new worker starts,
    every reminder has been sent once and none is lost."""
    stack = web
    structure = bookable_structure(advisors=10, name="reminders")
    appointments = due_reminders(structure=structure, count=200)
    stack.mail.clear()
    stack.mail.delay = 0.02  # the batch takes seconds: the kill lands inside it
    worker = stack.start_worker("worker-reminders")
    celery_app.send_task("bookings.tasks.send_due_reminders")
    wait_until(lambda: len(stack.mail.received) >= 40, timeout=90,
               what="the worker sends its first reminders")
    worker.kill()
    sent_before_kill = len(stack.mail.received)
    stack.mail.delay = 0
    worker = stack.start_worker("worker-reminders-restarted")
    rows = outbox_of(structure).filter(kind="youth_reminder")
    deadline = time.monotonic() + 90
    while (rows.count() < 200 or rows.filter(sent_at__isnull=True).exists()) \
            and time.monotonic() < deadline:
        # What beat sends every few minutes.
        celery_app.send_task("bookings.tasks.send_due_reminders")
        celery_app.send_task("bookings.tasks.send_pending_notifications")
        time.sleep(3)
    worker.stop()
    reminders = [r.to[0] for r in stack.mail.received if "Rappel" in r.subject]
    due = {a.youth.email for a in appointments}
    figures.update(
        due=len(appointments), sent_before_kill=sent_before_kill,
        outbox_rows=rows.count(), sent=rows.filter(sent_at__isnull=False).count(),
        emails_received=len(reminders), duplicated=duplicates(reminders),
        lost=len(due - set(reminders)))
    assert sent_before_kill < 200, "the kill came after the batch: nothing was tested"
    assert figures["lost"] == 0 and rows.count() == 200
    assert figures["sent"] == 200
    assert figures["duplicated"] == 0


def test_postgres_restarted_under_load(web, celery_app, figures):
    """PostgreSQL stops while people browse and book: French error pages meanwhile (never a
    stack trace), then the same gunicorn and Celery processes serve again, and no appointment
    is half-written. Phases end on counts of answers (bounded in time), not on a clock, so a
    slow machine tests the same thing."""
    from operations.models import Heartbeat

    from .browser import Browser

    stack = web
    structure = bookable_structure(advisors=2, name="postgres")
    slots = iter(free_slots(structure, 80))
    worker = stack.start_worker("worker-postgres")
    gunicorn_pid = stack.web.process.pid
    pages = ["/", "/rendez-vous/?lieu=33", f"/rendez-vous/{structure.slug}/",
             "/api/v1/structures/", "/sante/"]
    log: list[tuple[str, str, int, bool]] = []  # (phase, url, status, French error page)
    bookings: list[tuple[str, object]] = []
    phase = ["before"]
    stop = threading.Event()

    def browse(n: int):
        browser = Browser(stack.web_port, client_ip=f"10.3.0.{n + 1}", timeout=30)
        i = 0
        while not stop.is_set():
            url = pages[i % len(pages)]
            i += 1
            current = phase[0]
            try:
                response = browser.get(url)
            except Exception:
                log.append((current, url, 0, False))
                continue
            french = ("Un problème est survenu" in response.text  # the 500 page
                      or "Erreur du serveur" in response.text  # the API's JSON error
                      or '"unavailable"' in response.text)  # the health endpoint
            assert "Traceback" not in response.text
            log.append((current, url, response.status_code, french))
        browser.close()

    def booker(n: int):
        i = 0
        while not stop.is_set():
            current = phase[0]
            bookings.append((current, book(
                stack.web_port, next(slots), person(n * 100 + i, "pg"),
                client_ip=f"10.3.1.{n * 50 + i + 1}", mail=stack.mail, code_timeout=30)))
            i += 1

    def answers(name: str, *, ok: bool | None = None) -> int:
        return sum(1 for entry in log if entry[0] == name
                   and (ok is None or (entry[2] < 500) == ok))

    with ThreadPoolExecutor(max_workers=6) as pool:
        futures = [pool.submit(browse, n) for n in range(4)]
        futures += [pool.submit(booker, n) for n in range(2)]
        try:
            wait_until(lambda: answers("before", ok=True) >= 10, timeout=120,
                       what="pages served before the outage")
            phase[0] = "down"
            stack.postgres.stop()
            wait_until(lambda: answers("down") >= 10, timeout=120,
                       what="pages answered while the database is down")
            phase[0] = "restarting"
            stack.postgres.start()
            phase[0] = "after"
            wait_until(lambda: answers("after", ok=True) >= 20, timeout=120,
                       what="pages served after the restart")
        finally:
            stop.set()
            for future in futures:
                future.result()
    connection.close()  # this process's own connection did not survive the restart
    # The worker was not restarted either: its next task reaches the database again.
    before = (Heartbeat.objects.filter(name="celery-worker")
              .values_list("beat_at", flat=True).first())
    celery_app.send_task("operations.tasks.heartbeat")
    wait_until(lambda: Heartbeat.objects.filter(name="celery-worker").exclude(
        beat_at=before).exists() if before else Heartbeat.objects.exists(), timeout=60,
        what="the worker reaches the restarted database")
    worker.stop()
    errors = [entry for entry in log if entry[2] >= 500]
    after = [entry for entry in log if entry[0] == "after"]
    # The first answers after the restart may still meet a connection opened before it.
    settled = after[len(after) // 2:]
    stored = Appointment.objects.filter(structure=structure)
    half_written = [a.pk for a in stored.filter(status=AppointmentStatus.CONFIRMED)
                    if Notification.objects.filter(appointment=a).count() < 2]
    figures.update(
        requests=len(log), requests_during_outage=answers("down"),
        errors_5xx=len(errors), errors_5xx_french=sum(entry[3] for entry in errors),
        errors_5xx_after_restart=sum(entry[2] >= 500 for entry in after),
        errors_5xx_settled=sum(entry[2] >= 500 for entry in settled),
        transport_failures=sum(entry[2] == 0 for entry in log),
        booking_attempts=len(bookings),
        booking_outcomes=dict(Counter(f"{p}:{b.outcome}" for p, b in bookings)),
        stored=stored.count(), confirmed=stored.filter(
            status=AppointmentStatus.CONFIRMED).count(), half_written=len(half_written),
        gunicorn_restarted=stack.web.process.pid != gunicorn_pid)
    assert errors, "the outage was not seen: nothing was tested"
    assert figures["errors_5xx_french"] == len(errors), [e for e in errors if not e[3]][:5]
    assert figures["transport_failures"] == 0
    assert figures["errors_5xx_settled"] == 0
    assert figures["half_written"] == 0 and not figures["gunicorn_restarted"]
