import datetime as dt

import pytest
import time_machine
from django.core import mail
from django_celery_beat.models import PeriodicTask

from bookings import tasks
from bookings.models import Appointment, AppointmentStatus, Notification
from tests.factories import AppointmentFactory

from .conftest import NOW, paris

pytestmark = pytest.mark.django_db


def test_periodic_tasks_are_scheduled_and_editable_in_admin():
    scheduled = dict(PeriodicTask.objects.values_list("task", "enabled"))
    for name in ("send_due_reminders", "send_pending_notifications", "release_expired_holds",
                 "send_weekly_compliance_digest"):
        assert scheduled[f"bookings.tasks.{name}"] is True
    reminders = PeriodicTask.objects.get(task="bookings.tasks.send_due_reminders")
    assert (reminders.interval.every, reminders.interval.period) == (5, "minutes")
    digest = PeriodicTask.objects.get(task="bookings.tasks.send_weekly_compliance_digest")
    assert (digest.crontab.day_of_week, digest.crontab.hour) == ("1", "8")


def test_reminder_task_run_twice_sends_one_email():
    AppointmentFactory(starts_at=paris(2026, 3, 19, 10))
    with time_machine.travel(NOW, tick=False):
        assert tasks.send_due_reminders.delay().get() == 1
        assert tasks.send_due_reminders.delay().get() == 0
    assert len(mail.outbox) == 1


def test_release_expired_holds_task():
    held = AppointmentFactory(status="pending", hold_expires_at=NOW - dt.timedelta(seconds=1),
                              starts_at=paris(2026, 3, 27, 9))
    running = AppointmentFactory(status="pending", hold_expires_at=NOW + dt.timedelta(minutes=5),
                                 starts_at=paris(2026, 3, 27, 10))
    with time_machine.travel(NOW, tick=False):
        assert tasks.release_expired_holds() == 1
        assert tasks.release_expired_holds() == 0
    assert Appointment.objects.get(pk=held.pk).status == AppointmentStatus.EXPIRED
    assert Appointment.objects.get(pk=running.pk).status == AppointmentStatus.PENDING


def test_sweep_and_digest_tasks_are_idempotent(advisor):
    with time_machine.travel(NOW, tick=False):
        pk = tasks.send_weekly_compliance_digest()
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        assert tasks.send_pending_notifications() == 1
        assert tasks.send_pending_notifications() == 0
        assert tasks.deliver_notification(pk) is False
    assert Notification.objects.get(pk=pk).sent_at is not None
    assert len(mail.outbox) == 1


def test_a_confirmation_queues_one_task_for_its_two_emails(advisor,
                                                           django_capture_on_commit_callbacks):
    """Both emails of a confirmation (young person, advisor) leave in one task, in order, with
    one snapshot; running that task again sends nothing more."""
    from bookings import services
    from bookings.notifications import NotificationKind

    with time_machine.travel(NOW, tick=False):
        held = _held_for_lea(advisor)
        with django_capture_on_commit_callbacks() as callbacks:
            services.appointment_confirm(appointment=held, now=NOW)
        rows = list(Notification.objects.order_by("pk"))
        assert [(row.kind, row.to) for row in rows] == [
            (NotificationKind.YOUTH_CONFIRMATION, "lea@exemple.fr"),
            (NotificationKind.ADVISOR_NEW, advisor.user.email)]
        assert rows[0].payload == rows[1].payload
        assert rows[0].message_id != rows[1].message_id
        assert {row.created_at for row in rows} == {NOW} and {row.sequence for row in rows} == {0}
        assert not mail.outbox
        for callback in callbacks:
            callback()
        assert [message.to for message in mail.outbox] == [["lea@exemple.fr"],
                                                           [advisor.user.email]]
        assert tasks.deliver_notifications([row.pk for row in rows]) == 0
    assert not Notification.objects.filter(sent_at__isnull=True).exists()
    assert len(mail.outbox) == 2


def test_each_email_of_a_confirmation_costs_its_lock_and_its_record(
        advisor, django_capture_on_commit_callbacks):
    """The task of a confirmation locks each row and, in the same statement, finds that no
    later row supersedes it: two statements per email (the lock, the record of the send). The
    young person's email and its .ics carry the same management link."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from icalendar import Calendar

    from bookings import services

    with time_machine.travel(NOW, tick=False):
        held = _held_for_lea(advisor)
        with django_capture_on_commit_callbacks() as callbacks:
            services.appointment_confirm(appointment=held, now=NOW)
        with CaptureQueriesContext(connection) as queries:
            for callback in callbacks:
                callback()
    outbox = [q["sql"] for q in queries.captured_queries if "bookings_notification" in q["sql"]]
    assert [sql.split()[0] for sql in outbox] == ["SELECT", "UPDATE", "SELECT", "UPDATE"]
    assert "EXISTS" in outbox[0] and "EXISTS" in outbox[2]
    youth_mail, advisor_mail = mail.outbox
    assert advisor_mail.to == [advisor.user.email]
    (_name, ics, _type), = youth_mail.attachments
    link = str(Calendar.from_ical(ics).walk("VEVENT")[0]["DESCRIPTION"]).split(" : ", 1)[1]
    assert "/rendez-vous/gerer/" in link and link in youth_mail.body
    assert Notification.objects.filter(sent_at=NOW).count() == 2


def test_the_two_emails_of_a_confirmation_leave_over_one_smtp_connection(
        advisor, smtp, django_capture_on_commit_callbacks):
    """In production each email opened its own SMTP connection: the task of a confirmation
    now opens one for both (the young person's, then the advisor's)."""
    from bookings import services

    with time_machine.travel(NOW, tick=False):
        held = _held_for_lea(advisor)
        with django_capture_on_commit_callbacks(execute=True):
            services.appointment_confirm(appointment=held, now=NOW)
    youth, staff = smtp.received
    assert youth.to == ["lea@exemple.fr"] and staff.to == [advisor.user.email]
    assert youth.peer == staff.peer
    assert "est confirmé" in youth.subject and "Nouveau rendez-vous" in staff.subject
    assert Notification.objects.filter(sent_at=NOW).count() == 2


def _held_for_lea(advisor):
    """Léa holds the advisor's Friday 27 March 2026, 09:00 (video), at NOW."""
    from bookings import services

    from .conftest import details

    return services.appointment_hold(advisor=advisor, starts_at=paris(2026, 3, 27, 9),
                                     mode="video", details=details(), email="lea@exemple.fr",
                                     now=NOW)
