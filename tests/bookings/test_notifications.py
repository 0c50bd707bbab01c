import datetime as dt

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from icalendar import Calendar

from bookings import notifications, services
from bookings.models import Notification, NotificationKind
from tests.factories import AppointmentFactory, RecurringAvailabilityFactory
from tests.loopback import celery_broker, free_port

from .conftest import NOW, details, paris

pytestmark = pytest.mark.django_db

FRIDAY_9 = paris(2026, 3, 27, 9)


@pytest.fixture
def booked(advisor, django_capture_on_commit_callbacks, frozen_now):
    appointment = services.appointment_hold(advisor=advisor, starts_at=FRIDAY_9, mode="video",
                                            details=details(), email="lea@exemple.fr", now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        return services.appointment_confirm(appointment=appointment, now=NOW)


def ics_of(message) -> Calendar:
    (name, content, mimetype), = message.attachments
    assert name == "rendez-vous.ics" and mimetype.startswith("text/calendar")
    return Calendar.from_ical(content)


def event_of(calendar: Calendar):
    (event,) = calendar.walk("VEVENT")
    return event


def test_confirmation_email_is_french_html_and_text_with_ics(booked):
    youth_mail = next(m for m in mail.outbox if m.to == ["lea@exemple.fr"])
    assert "confirmé" in youth_mail.subject and "27/03/2026 à 09:00" in youth_mail.subject
    assert "vendredi 27 mars 2026" in youth_mail.body and "09:00" in youth_mail.body
    assert booked.video_url in youth_mail.body
    assert "/rendez-vous/gerer/" in youth_mail.body  # the signed management link
    html, mimetype = youth_mail.alternatives[0]
    assert mimetype == "text/html" and "<a href=" in html
    calendar = ics_of(youth_mail)
    assert str(calendar["METHOD"]) == "REQUEST"
    event = event_of(calendar)
    assert str(event["UID"]) == f"{booked.public_id}@somobilite.fr"
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == FRIDAY_9
    assert str(event["STATUS"]) == "CONFIRMED"
    advisor_mail = next(m for m in mail.outbox if m.to != ["lea@exemple.fr"])
    assert "Nouveau rendez-vous" in advisor_mail.subject and "Léa Fictive" in advisor_mail.body


def test_move_then_cancel_update_the_same_calendar_entry(
    booked, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.appointment_move(appointment=booked,
                                          new_starts_at=paris(2026, 4, 3, 10), mode="video",
                                          now=NOW)
    change = next(m for m in mail.outbox if m.to == ["lea@exemple.fr"])
    assert "déplacé" in change.subject and "vendredi 27 mars 2026" in change.body
    (advisor_notice,) = (m for m in mail.outbox if m.to == [booked.advisor.user.email])
    assert "Rendez-vous déplacé au 03/04/2026 à 10:00" in advisor_notice.subject
    event = event_of(ics_of(change))
    assert str(event["UID"]) == f"{booked.public_id}@somobilite.fr"
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == paris(2026, 4, 3, 10)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(appointment=moved, by_youth=True, reason="", now=NOW)
    cancellation = next(m for m in mail.outbox if m.to == ["lea@exemple.fr"])
    calendar = ics_of(cancellation)
    assert str(calendar["METHOD"]) == "CANCEL"
    event = event_of(calendar)
    assert (str(event["STATUS"]), int(event["SEQUENCE"])) == ("CANCELLED", 2)
    assert str(event["UID"]) == f"{booked.public_id}@somobilite.fr"


def test_reminder_is_sent_once_even_when_the_task_runs_twice(booked):
    mail.outbox.clear()
    due = FRIDAY_9 - dt.timedelta(hours=24)
    assert notifications.reminders_send_due(now=due - dt.timedelta(minutes=1)) == 0
    assert notifications.reminders_send_due(now=due) == 1
    assert notifications.reminders_send_due(now=due + dt.timedelta(minutes=5)) == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("[So Mobilité] Rappel")
    booked.refresh_from_db()
    assert booked.reminder_sent_at == due


def test_booking_exactly_48_hours_before_gets_its_reminder(advisor):
    booked_at = FRIDAY_9 - dt.timedelta(hours=48)
    appointment = services.appointment_hold(advisor=advisor, starts_at=FRIDAY_9, mode="phone",
                                            details=details(), email="lea@exemple.fr",
                                            now=booked_at)
    appointment = services.appointment_confirm(appointment=appointment, now=booked_at)
    assert appointment.reminder_due_at == FRIDAY_9 - dt.timedelta(hours=24) > booked_at
    mail.outbox.clear()
    assert notifications.reminders_send_due(now=FRIDAY_9 - dt.timedelta(hours=24)) == 1
    assert len(mail.outbox) == 1


def test_moving_changes_the_reminder_and_cancelling_drops_it(booked):
    due = FRIDAY_9 - dt.timedelta(hours=24)
    notifications.reminders_send_due(now=due)
    moved = services.appointment_move(appointment=booked, new_starts_at=paris(2026, 4, 3, 9),
                                      mode="video", now=due + dt.timedelta(hours=1))
    assert moved.reminder_sent_at is None
    assert moved.reminder_due_at == paris(2026, 4, 2, 9)
    mail.outbox.clear()
    assert notifications.reminders_send_due(now=FRIDAY_9) == 0  # the old time is gone
    services.appointment_cancel(appointment=moved, by_youth=True, reason="", now=FRIDAY_9)
    assert notifications.reminders_send_due(now=paris(2026, 4, 2, 10)) == 0
    assert mail.outbox == []


def test_late_booking_reminder_is_due_at_once():
    appointment = AppointmentFactory(starts_at=paris(2026, 3, 19, 9),
                                     reminder_due_at=paris(2026, 3, 18, 9))
    assert notifications.reminders_send_due(now=NOW) == 1
    appointment.refresh_from_db()
    assert appointment.reminder_sent_at == NOW
    # Past appointments never get a reminder.
    AppointmentFactory(starts_at=paris(2026, 3, 18, 9), reminder_due_at=paris(2026, 3, 17, 9))
    assert notifications.reminders_send_due(now=NOW) == 0


def test_a_lost_task_is_caught_by_the_sweep_and_failures_are_kept(booked, settings):
    # The outbox row exists even if the broker never got the task (no on_commit here).
    row = notifications.queue(kind=NotificationKind.YOUTH_REMINDER, to="lea@exemple.fr",
                              appointment=booked, now=NOW)
    mail.outbox.clear()
    assert notifications.send_pending(now=NOW) == 0  # still within the grace period
    settings.EMAIL_BACKEND = "tests.bookings.test_notifications.BrokenBackend"
    assert notifications.send_pending(now=NOW + dt.timedelta(minutes=5)) == 0
    row.refresh_from_db()
    assert row.sent_at is None and row.attempts == 1 and "SMTP" in row.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications.send_pending(now=NOW + dt.timedelta(minutes=10)) == 1
    assert notifications.send_pending(now=NOW + dt.timedelta(minutes=15)) == 0
    assert len(mail.outbox) == 1
    assert notifications.deliver(notification_id=row.pk, now=NOW) is False  # already sent


def test_with_the_broker_down_a_confirmation_waits_in_the_outbox_for_the_sweep(
    advisor, settings, frozen_now, django_capture_on_commit_callbacks,
):
    settings.OUTBOX_SWEEP_DELAY_SECONDS = 30
    appointment = services.appointment_hold(advisor=advisor, starts_at=FRIDAY_9, mode="video",
                                            details=details(), email="lea@exemple.fr", now=NOW)
    mail.outbox.clear()
    with celery_broker(f"redis://127.0.0.1:{free_port()}/0"), \
            django_capture_on_commit_callbacks(execute=True):
        services.appointment_confirm(appointment=appointment, now=NOW)
    rows = Notification.objects.filter(appointment=appointment)
    assert rows.count() == 2 and not rows.filter(sent_at__isnull=False).exists()
    assert mail.outbox == []
    assert notifications.send_pending(now=NOW + dt.timedelta(seconds=29)) == 0
    assert notifications.send_pending(now=NOW + dt.timedelta(seconds=30)) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(rows.values_list("to", flat=True))
    assert notifications.send_pending(now=NOW + dt.timedelta(minutes=5)) == 0


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise OSError("SMTP server unreachable")


def test_compliance_digest_lists_structures_below_the_minimum(advisor, frozen_now):
    from tests.factories import ConventionFactory, StructureFactory

    quiet = StructureFactory(public_name="Info Jeunes Silencieuse")
    ConventionFactory(structure=quiet)
    row = notifications.compliance_digest_queue(now=NOW)
    assert row.to == "coordination@somobilite.fr"
    notifications.deliver(notification_id=row.pk, now=NOW)
    message = mail.outbox[-1]
    assert "Info Jeunes Silencieuse" in message.body
    own = [r for r in row.payload["rows"] if r["structure"] == advisor.structure.public_name]
    # Three hours every Friday: below the minimum only when Friday is a holiday (1 and 8 May).
    assert [(r["week"], r["reason"]) for r in own] == [
        ("2026-S18", "jour férié dans la semaine"), ("2026-S19", "jour férié dans la semaine")]
    assert Notification.objects.get(pk=row.pk).sent_at == NOW


# --- Messages that waited tell what was true when they were decided -------------------------

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
BROKEN = "tests.bookings.test_notifications.BrokenBackend"


def sent_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def test_a_reminder_that_waited_is_dropped_once_the_appointment_is_cancelled(
    booked, settings, django_capture_on_commit_callbacks
):
    # Claimed at 09:01 the day before, refused by the SMTP server.
    settings.EMAIL_BACKEND = BROKEN
    assert notifications.reminders_send_due(now=paris(2026, 3, 26, 9, 1)) == 0
    reminder = Notification.objects.get(kind=NotificationKind.YOUTH_REMINDER)
    assert reminder.attempts == 1 and reminder.sent_at is None
    # The young person cancels at 09:02; the SMTP server is back.
    settings.EMAIL_BACKEND = LOCMEM
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(appointment=booked, by_youth=True, reason="",
                                    now=paris(2026, 3, 26, 9, 2))
    assert ["annulé" in m.subject for m in mail.outbox] == [True, True]
    mail.outbox.clear()
    # The sweep at 09:11 does not send "Rappel : votre rendez-vous … le 27/03/2026 à 09:00".
    assert notifications.send_pending(now=paris(2026, 3, 26, 9, 11)) == 0
    assert mail.outbox == []
    reminder.refresh_from_db()
    assert reminder.sent_at is None and reminder.obsolete_at == paris(2026, 3, 26, 9, 11)
    assert "plus récent" in reminder.obsolete_reason
    assert notifications.send_pending(now=paris(2026, 3, 26, 9, 20)) == 0  # stays dropped


def test_a_late_confirmation_never_follows_the_cancellation(
    advisor, settings, django_capture_on_commit_callbacks, frozen_now
):
    held = services.appointment_hold(advisor=advisor, starts_at=FRIDAY_9, mode="video",
                                     details=details(), email="lea@exemple.fr", now=NOW)
    settings.EMAIL_BACKEND = BROKEN
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = services.appointment_confirm(appointment=held, now=NOW)
    assert mail.outbox == []
    settings.EMAIL_BACKEND = LOCMEM
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(appointment=confirmed, by_youth=True, reason="", now=NOW)
    (cancellation,) = sent_to("lea@exemple.fr")
    assert str(ics_of(cancellation)["METHOD"]) == "CANCEL"
    assert int(event_of(ics_of(cancellation))["SEQUENCE"]) == 1
    mail.outbox.clear()
    assert notifications.send_pending(now=NOW + dt.timedelta(minutes=10)) == 0
    assert mail.outbox == []  # neither "est confirmé" nor "Nouveau rendez-vous"
    dropped = Notification.objects.filter(obsolete_at__isnull=False)
    assert sorted(dropped.values_list("kind", "sequence")) == [
        (NotificationKind.ADVISOR_NEW, 0), (NotificationKind.YOUTH_CONFIRMATION, 0)]


def test_a_message_is_rendered_from_what_it_was_about_when_queued(booked):
    """Details corrected after the email was decided do not leak into it, .ics included."""
    row = notifications.queue(kind=NotificationKind.YOUTH_REMINDER, to="lea@exemple.fr",
                              appointment=booked, now=NOW)
    booked.__class__.objects.filter(pk=booked.pk).update(
        first_name="Autre", starts_at=paris(2026, 3, 27, 11), ends_at=paris(2026, 3, 27, 12))
    mail.outbox.clear()
    assert notifications.deliver(notification_id=row.pk, now=NOW) is True
    (message,) = mail.outbox
    assert "Bonjour Léa" in message.body and "Autre" not in message.body
    assert "27/03/2026 à 09:00" in message.subject and "09:00 – 10:00" in message.body
    assert row.payload["sequence"] == row.sequence == 0


def test_every_calendar_version_goes_out_with_the_content_it_belongs_to(
    booked, settings, django_capture_on_commit_callbacks
):
    """Moves and a cancellation while the SMTP server is down, then the sweep: each recipient
    gets only the latest version, and no SEQUENCE is ever seen with two contents."""
    settings.EMAIL_BACKEND = BROKEN
    appointment = booked
    with django_capture_on_commit_callbacks(execute=True):
        for new_start in (paris(2026, 4, 3, 9), paris(2026, 4, 3, 10)):
            appointment = services.appointment_move(appointment=appointment,
                                                    new_starts_at=new_start, mode="video",
                                                    now=NOW)
    settings.EMAIL_BACKEND = LOCMEM
    mail.outbox.clear()
    assert notifications.send_pending(now=NOW + dt.timedelta(minutes=10)) == 2
    versions = {}
    for message in mail.outbox:
        calendar = ics_of(message)
        event = event_of(calendar)
        content = (str(calendar["METHOD"]), event.decoded("DTSTART"))
        assert versions.setdefault(int(event["SEQUENCE"]), content) == content
    (youth_mail,) = sent_to("lea@exemple.fr")
    assert int(event_of(ics_of(youth_mail))["SEQUENCE"]) == 2
    assert event_of(ics_of(youth_mail)).decoded("DTSTART") == paris(2026, 4, 3, 10)
    assert "vendredi 3 avril 2026" in youth_mail.body


def test_a_second_move_never_drops_the_first_advisors_notice(
    advisor, settings, django_capture_on_commit_callbacks, frozen_now
):
    from tests.factories import BookableAdvisorFactory, RecurringAvailabilityFactory

    colleagues = [BookableAdvisorFactory(structure=advisor.structure) for _ in range(2)]
    for colleague in colleagues:
        RecurringAvailabilityFactory(advisor=colleague, weekday=4, start_time=dt.time(14),
                                     end_time=dt.time(16))
    held = services.appointment_hold(advisor=advisor, starts_at=FRIDAY_9, mode="phone",
                                     details=details(), email="lea@exemple.fr", now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        appointment = services.appointment_confirm(appointment=held, now=NOW)
    settings.EMAIL_BACKEND = BROKEN
    with django_capture_on_commit_callbacks(execute=True):
        appointment = services.appointment_move(
            appointment=appointment, new_starts_at=paris(2026, 3, 27, 14), mode="phone",
            advisor=colleagues[0], now=NOW)
        appointment = services.appointment_move(
            appointment=appointment, new_starts_at=paris(2026, 3, 27, 15), mode="phone",
            advisor=colleagues[1], now=NOW)
    settings.EMAIL_BACKEND = LOCMEM
    mail.outbox.clear()
    notifications.send_pending(now=NOW + dt.timedelta(minutes=10))
    first, second, third = (a.user.email for a in (advisor, *colleagues))
    # The first advisor still learns the interview left her calendar, at its old time.
    (notice,) = sent_to(first)
    assert "annulé" in notice.subject and "27/03/2026 à 09:00" in notice.subject
    assert "09:00 – 10:00" in notice.body
    assert str(ics_of(notice)["METHOD"]) == "CANCEL"
    assert int(event_of(ics_of(notice))["SEQUENCE"]) == 1
    # The second one gets only the withdrawal (her "moved to you" was superseded).
    (withdrawn,) = sent_to(second)
    assert str(ics_of(withdrawn)["METHOD"]) == "CANCEL" and "14:00 – 15:00" in withdrawn.body
    (moved,) = sent_to(third)
    assert str(ics_of(moved)["METHOD"]) == "REQUEST" and "15:00 – 16:00" in moved.body
    # She never had it at 09:00: a new appointment for her, not « déplacé ».
    assert "Nouveau rendez-vous le 27/03/2026 à 15:00" in moved.subject
    assert "déplacé" not in moved.subject + moved.body
    (youth_mail,) = sent_to("lea@exemple.fr")
    assert int(event_of(ics_of(youth_mail))["SEQUENCE"]) == 2


def test_a_reminder_that_waited_past_the_start_is_dropped(booked, settings):
    settings.EMAIL_BACKEND = BROKEN
    notifications.reminders_send_due(now=paris(2026, 3, 26, 9))
    settings.EMAIL_BACKEND = LOCMEM
    mail.outbox.clear()
    assert notifications.send_pending(now=paris(2026, 3, 27, 9, 5)) == 0
    assert mail.outbox == []
    reminder = Notification.objects.get(kind=NotificationKind.YOUTH_REMINDER)
    assert "déjà commencé" in reminder.obsolete_reason


def test_phone_interview_wording_differs_for_the_advisor_and_the_young_person(
    advisor, django_capture_on_commit_callbacks, frozen_now
):
    held = services.appointment_hold(advisor=advisor, starts_at=FRIDAY_9, mode="phone",
                                     details=details(), email="lea@exemple.fr", now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_confirm(appointment=held, now=NOW)
    (youth_mail,) = sent_to("lea@exemple.fr")
    (advisor_mail,) = sent_to(advisor.user.email)
    assert "Vous serez appelé·e au 06 00 00 00 01" in youth_mail.body
    assert "appelé·e" not in advisor_mail.body
    assert "C'est vous qui appelez la personne, au 06 00 00 00 01" in advisor_mail.body
    assert "C'est vous qui appelez la personne" in advisor_mail.alternatives[0][0]
    location = str(event_of(ics_of(advisor_mail))["LOCATION"])
    assert "vous appelez la personne au 06 00 00 00 01" in location
    # The young person's management link is not handed to the advisor.
    assert "/rendez-vous/gerer/" not in advisor_mail.body
    assert "DESCRIPTION" not in event_of(ics_of(advisor_mail))


def test_a_code_email_that_waited_is_dropped_once_resent_or_confirmed(
    advisor, settings, django_capture_on_commit_callbacks, frozen_now
):
    """An advisor books for a young person (code by email): an earlier copy never goes out
    after a new code, and no "confirm" email after the confirmation."""
    settings.EMAIL_BACKEND = BROKEN
    with django_capture_on_commit_callbacks(execute=True):
        held = services.appointment_hold(
            advisor=advisor, starts_at=paris(2026, 3, 20, 10), mode="video", details=details(),
            email="lea@exemple.fr", now=NOW, booked_by=advisor.user)
        services.staff_hold_resend(appointment=held, now=NOW + dt.timedelta(minutes=1))
    settings.EMAIL_BACKEND = LOCMEM
    first, second = Notification.objects.filter(kind=NotificationKind.YOUTH_STAFF_HOLD
                                                ).order_by("pk")
    later = NOW + dt.timedelta(minutes=5)
    assert notifications.deliver(notification_id=first.pk, now=later) is False
    first.refresh_from_db()
    assert "envoyé à nouveau" in first.obsolete_reason
    settings.EMAIL_BACKEND = BROKEN
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_confirm(appointment=held, now=later)
    settings.EMAIL_BACKEND = LOCMEM
    mail.outbox.clear()
    notifications.send_pending(now=later + dt.timedelta(minutes=10))
    assert sorted(m.subject.split(" ")[2] for m in mail.outbox) == ["Nouveau", "Votre"]
    assert not any("Confirmez" in m.subject for m in mail.outbox)
    second.refresh_from_db()
    assert "confirmée ou libérée" in second.obsolete_reason


def test_a_notification_sent_twice_carries_the_same_message_id(booked):
    """A worker killed after the SMTP server accepted the message and before the row was
    marked sent sends it again: same Message-ID, which mail clients collapse."""
    row = notifications.queue(kind=NotificationKind.YOUTH_REMINDER, to="lea@exemple.fr",
                              appointment=booked, now=NOW)
    mail.outbox.clear()
    assert notifications.deliver(notification_id=row.pk, now=NOW) is True
    Notification.objects.filter(pk=row.pk).update(sent_at=None)  # the record was lost
    assert notifications.deliver(notification_id=row.pk, now=NOW) is True
    first, second = mail.outbox
    assert first.message()["Message-ID"] == second.message()["Message-ID"] == row.message_id
    assert Notification.objects.get(pk=row.pk).attempts == 2


def test_a_failed_notification_waits_for_its_backoff(booked, settings):
    row = notifications.queue(kind=NotificationKind.YOUTH_REMINDER, to="lea@exemple.fr",
                              appointment=booked, now=NOW)
    settings.EMAIL_BACKEND = BROKEN
    assert notifications.deliver(notification_id=row.pk, now=NOW) is False
    row.refresh_from_db()
    assert row.next_attempt_at == NOW + dt.timedelta(seconds=60)
    assert row.last_error == "OSError: SMTP server unreachable"
    settings.EMAIL_BACKEND = LOCMEM
    mail.outbox.clear()
    assert notifications.send_pending(now=NOW + dt.timedelta(seconds=59)) == 0
    assert notifications.send_pending(now=NOW + dt.timedelta(seconds=60)) == 1
    assert mail.outbox[0].message()["Message-ID"] == row.message_id


def test_after_the_warm_up_a_worker_s_first_emails_compile_no_template(booked, monkeypatch):
    """``warm_up`` (run by a Celery worker before it forks its children) compiles every email
    template: the first confirmation of a fresh worker no longer pays for it."""
    from django.template import base, engines

    for loader in engines["django"].engine.template_loaders:
        loader.reset()  # a fresh process: nothing compiled yet
    compiled = []
    original = base.Template.compile_nodelist
    monkeypatch.setattr(base.Template, "compile_nodelist",
                        lambda self: compiled.append(self.origin.template_name) or original(self))
    notifications.warm_up()
    assert "bookings/email/youth_confirmation.html" in compiled
    compiled.clear()
    for row in Notification.objects.filter(appointment=booked):
        message = notifications.build_message(row, now=NOW)
        assert message.alternatives and message.attachments
    assert compiled == []


def test_a_confirmation_email_for_the_first_of_a_month_says_1er(
        advisor, django_capture_on_commit_callbacks, frozen_now):
    RecurringAvailabilityFactory(advisor=advisor, weekday=2, start_time=dt.time(9),
                                 end_time=dt.time(12))
    appointment = services.appointment_hold(
        advisor=advisor, starts_at=paris(2026, 4, 1, 9), mode="video", details=details(),
        email="lea@exemple.fr", now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_confirm(appointment=appointment, now=NOW)
    youth_mail = next(m for m in mail.outbox if m.to == ["lea@exemple.fr"])
    assert "mercredi 1er avril 2026" in youth_mail.body
    assert "mercredi 1er avril 2026" in youth_mail.alternatives[0][0]


APPOINTMENT_KINDS = [kind for kind in notifications.SUBJECTS
                     if kind in notifications.ICS_METHOD or kind in (
                         NotificationKind.YOUTH_REMINDER, NotificationKind.YOUTH_STAFF_HOLD)]


@pytest.mark.parametrize("kind", APPOINTMENT_KINDS)
@pytest.mark.parametrize("empty", [
    {"mode": "video", "video_url": ""},
    {"mode": "in_person", "place": ""},
    {"mode": "phone", "phone": ""},
    {"status": "cancelled_by_structure", "cancel_reason": ""},
], ids=["video_without_room", "place_unknown", "phone_erased", "reason_unknown"])
def test_no_appointment_email_shows_a_label_or_a_link_without_its_value(advisor, kind, empty):
    """Tester t9a #7: the email of a booking an advisor made (visio) read « Lien de la visio : »
    with nothing after it, HTML ``<a href=""></a>``: the room exists only at confirmation. The
    kind: any value an email names before it exists (or once erased). Every email about an
    appointment, with each such value empty, says what stands instead."""
    staff = services.appointment_hold(advisor=advisor, starts_at=paris(2026, 3, 27, 9),
                                      mode="video", details=details(), email="lea@exemple.fr",
                                      now=NOW, booked_by=advisor.user)
    snapshot = {**notifications.appointment_snapshot(staff), **empty,
                "old_starts_at": staff.starts_at.isoformat()}
    row = notifications._row(kind=kind, to="lea@exemple.fr", now=NOW, appointment=staff,
                             payload=None, snapshot=snapshot)
    message = notifications.build_message(row, now=NOW)
    text, page = message.body, message.alternatives[0][0]
    assert 'href=""' not in page and "<a href=\"\"" not in page
    assert not [line for line in text.splitlines() if line.rstrip().endswith(":")
                and line.startswith("- ")], text
    assert "Motif : ." not in text and "Motif : ." not in page
    assert "</strong> : </li>" not in page


def test_the_email_of_an_advisor_s_video_booking_says_the_link_comes_with_the_confirmation(
        advisor, django_capture_on_commit_callbacks, frozen_now):
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_hold(advisor=advisor, starts_at=paris(2026, 3, 27, 9),
                                  mode="video", details=details(), email="lea@exemple.fr",
                                  now=NOW, booked_by=advisor.user)
    (sent,) = mail.outbox
    said = "le lien de la visio vous sera envoyé avec la confirmation du rendez-vous"
    assert f"- Visio : {said}" in sent.body and "Lien de la visio" not in sent.body
    assert said in sent.alternatives[0][0] and "<a href=\"\"" not in sent.alternatives[0][0]
