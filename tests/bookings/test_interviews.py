"""Attendance, confidential notes and follow-up of an interview (bookings.interviews)."""

import datetime as dt

import pytest
from django.test import RequestFactory

from bookings.interviews import (
    appointment_attendance_record,
    appointment_follow_up_date_set,
    attendance_closed_reason,
    follow_up_add,
    interview_note_add,
    interview_notes_read,
)
from bookings.models import AppointmentStatus, AttendanceRecord, FollowUpEntry
from bookings.services import BookingError
from privacy.models import StaffAccessLog
from tests.bookings.conftest import paris
from tests.factories import AdvisorUserFactory, AppointmentFactory, BookableAdvisorFactory

pytestmark = pytest.mark.django_db

STARTS = paris(2026, 3, 19, 9)


@pytest.fixture
def appointment():
    return AppointmentFactory(advisor=BookableAdvisorFactory(), starts_at=STARTS)


def test_attendance_is_refused_before_the_start(appointment):
    advisor = appointment.advisor.user
    with pytest.raises(BookingError, match=r"pas encore commencé.*19/03/2026 à 09:00"):
        appointment_attendance_record(appointment=appointment, status=AppointmentStatus.DONE,
                                      by=advisor, now=STARTS - dt.timedelta(minutes=1))
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED
    assert not AttendanceRecord.objects.exists()


def test_attendance_from_the_start_then_corrected_with_a_trace(appointment):
    advisor = appointment.advisor.user
    colleague = AdvisorUserFactory(first_name="Bastien", last_name="Collègue")
    appointment_attendance_record(appointment=appointment, status=AppointmentStatus.NO_SHOW,
                                  by=advisor, now=STARTS)
    later = STARTS + dt.timedelta(days=2)
    appointment_attendance_record(appointment=appointment,
                                  status=AppointmentStatus.LATE_CANCELLED, by=colleague,
                                  now=later)
    # Recording the status it already has writes nothing.
    appointment_attendance_record(appointment=appointment,
                                  status=AppointmentStatus.LATE_CANCELLED, by=colleague,
                                  now=later)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.LATE_CANCELLED
    trace = list(AttendanceRecord.objects.filter(appointment=appointment)
                 .values_list("previous_status", "status", "recorded_by", "recorded_by_name",
                              "recorded_at"))
    assert trace == [
        ("confirmed", "no_show", advisor.pk, advisor.get_full_name(), STARTS),
        ("no_show", "late_cancelled", colleague.pk, "Bastien Collègue", later),
    ]
    assert appointment.history.order_by("-history_id").first().history_user == colleague


@pytest.mark.parametrize("status", ["cancelled_by_youth", "cancelled_by_structure", "expired"])
def test_no_attendance_for_an_interview_that_did_not_stay_booked(status):
    appointment = AppointmentFactory(starts_at=STARTS, status=status)
    with pytest.raises(BookingError, match="pas eu lieu"):
        appointment_attendance_record(appointment=appointment, status=AppointmentStatus.DONE,
                                      by=appointment.advisor.user, now=STARTS)


def test_attendance_accepts_only_the_three_outcomes(appointment):
    with pytest.raises(BookingError, match="Choisissez"):
        appointment_attendance_record(appointment=appointment,
                                      status=AppointmentStatus.CONFIRMED,
                                      by=appointment.advisor.user, now=STARTS)


def test_notes_are_added_and_each_reading_is_logged(appointment):
    advisor = appointment.advisor.user
    with pytest.raises(BookingError, match="vide"):
        interview_note_add(appointment=appointment, text="   ", by=advisor, now=STARTS)
    note = interview_note_add(appointment=appointment, text=" Veut partir en septembre. ",
                              by=advisor, now=STARTS)
    assert note.text == "Veut partir en septembre."
    assert note.author_name == advisor.get_full_name()
    # A note of another interview with the same structure is shown too; another
    # structure's is not.
    earlier = AppointmentFactory(advisor=appointment.advisor, youth=appointment.youth,
                                 starts_at=STARTS - dt.timedelta(days=60))
    interview_note_add(appointment=earlier, text="Premier entretien.", by=advisor,
                       now=STARTS - dt.timedelta(days=60))
    elsewhere = AppointmentFactory(youth=appointment.youth,
                                   starts_at=STARTS - dt.timedelta(days=30))
    interview_note_add(appointment=elsewhere, text="Ailleurs.", by=elsewhere.advisor.user,
                       now=STARTS - dt.timedelta(days=30))

    request = RequestFactory().get("/espace-conseil/")
    request.user = advisor
    notes = interview_notes_read(appointment=appointment, request=request, now=STARTS)
    assert [n.text for n in notes] == ["Premier entretien.", "Veut partir en septembre."]
    log = StaffAccessLog.objects.get()
    assert (log.actor, log.subject_id, log.action, log.what, log.at) == (
        advisor, appointment.youth_id, "view", "Notes d'entretien", STARTS)


def test_no_note_on_an_unconfirmed_hold():
    hold = AppointmentFactory(starts_at=STARTS, status="pending", confirmed_at=None,
                              hold_expires_at=STARTS)
    with pytest.raises(BookingError, match="pas confirmé"):
        interview_note_add(appointment=hold, text="x", by=hold.advisor.user, now=STARTS)


def test_follow_up_rules(appointment):
    advisor = appointment.advisor.user
    now = STARTS + dt.timedelta(days=3)
    with pytest.raises(BookingError, match="après l'entretien"):
        follow_up_add(appointment=appointment, happened_on=STARTS.date(), channel="email",
                      summary="x", by=advisor, now=STARTS - dt.timedelta(hours=1))
    with pytest.raises(BookingError, match="futur"):
        follow_up_add(appointment=appointment, happened_on=now.date() + dt.timedelta(days=1),
                      channel="email", summary="x", by=advisor, now=now)
    with pytest.raises(BookingError, match="précéder"):
        follow_up_add(appointment=appointment, happened_on=STARTS.date() - dt.timedelta(days=1),
                      channel="email", summary="x", by=advisor, now=now)
    with pytest.raises(BookingError, match="comment"):
        follow_up_add(appointment=appointment, happened_on=now.date(), channel="pigeon",
                      summary="x", by=advisor, now=now)
    entry = follow_up_add(appointment=appointment, happened_on=now.date(), channel="phone",
                          summary="Envoyé le lien du PVT.", by=advisor, now=now)
    assert FollowUpEntry.objects.get() == entry
    assert (entry.author, entry.created_at) == (advisor, now)


def test_follow_up_date_is_in_the_coming_year(appointment):
    advisor = appointment.advisor.user
    today = STARTS.date()
    for bad in (today, today + dt.timedelta(days=400)):
        with pytest.raises(BookingError, match="douze prochains mois"):
            appointment_follow_up_date_set(appointment=appointment, on=bad, by=advisor,
                                           now=STARTS)
    appointment_follow_up_date_set(appointment=appointment, on=today + dt.timedelta(days=14),
                                   by=advisor, now=STARTS)
    appointment.refresh_from_db()
    assert appointment.follow_up_on == today + dt.timedelta(days=14)
    appointment_follow_up_date_set(appointment=appointment, on=None, by=advisor, now=STARTS)
    appointment.refresh_from_db()
    assert appointment.follow_up_on is None


# --- Programmes sent after an interview: once per appointment and set (tester t9a #3) -------


def _send_world(staff_world):
    from matching.services import profile_prefill_from_booking
    from tests.factories import ProgrammeSheetFactory
    from tests.staff_world import NOW as STAFF_NOW

    profile_prefill_from_booking(youth=staff_world.youth, birth_date=dt.date(2004, 5, 17),
                                 postal_code="33000", status="student", domains=["internship"],
                                 project="", now=STAFF_NOW)
    return [ProgrammeSheetFactory(slug=f"fiche-{i}", domains=["internship"]) for i in range(3)]


def test_the_same_set_is_sent_once_per_appointment_in_any_order(staff_world):
    from bookings.interviews import SelectionAlreadySent, interview_programmes_send
    from matching.models import ProgrammeRecommendation
    from tests.factories import AppointmentFactory
    from tests.staff_world import NOW as STAFF_NOW
    from tests.staff_world import paris as staff_paris

    world = staff_world
    first, second, third = _send_world(world)

    def send(appointment, sheets):
        return interview_programmes_send(appointment=appointment, advisor_user=world.advisor.user,
                                         sheets=sheets, message="", now=STAFF_NOW)

    sent = send(world.appointment, [first, second])
    with pytest.raises(SelectionAlreadySent) as refused:
        send(world.appointment, [second, first, first])
    assert refused.value.recommendation == sent
    assert "le 19 mars 2026 à 10:30" in refused.value.message
    send(world.appointment, [first, second, third])  # another set
    later = AppointmentFactory(advisor=world.advisor, youth=world.youth,
                               starts_at=staff_paris(2026, 4, 2, 9))
    send(later, [first, second])  # the same set after another interview
    assert ProgrammeRecommendation.objects.count() == 3


def test_the_database_refuses_a_second_link_for_the_same_set(staff_world):
    from django.db import IntegrityError, transaction

    from bookings.interviews import interview_programmes_send, selection_key
    from bookings.models import InterviewSelection
    from tests.staff_world import NOW as STAFF_NOW

    world = staff_world
    sheets = _send_world(world)
    sent = interview_programmes_send(appointment=world.appointment,
                                     advisor_user=world.advisor.user, sheets=sheets,
                                     message="", now=STAFF_NOW)
    other = interview_programmes_send(appointment=world.appointment,
                                      advisor_user=world.advisor.user, sheets=sheets[:1],
                                      message="", now=STAFF_NOW)
    link = InterviewSelection.objects.get(recommendation=other)
    link.sheets_key = selection_key(sheets)
    with pytest.raises(IntegrityError), transaction.atomic():
        link.save()
    assert InterviewSelection.objects.get(recommendation=sent).sheets_key == selection_key(
        reversed(sheets))


BEFORE = STARTS - dt.timedelta(days=1)
CANCELLED_AT = paris(2026, 3, 16, 14, 5)


@pytest.mark.parametrize(("status", "expected"), [
    (AppointmentStatus.CANCELLED_BY_STRUCTURE,
     "Rendez-vous annulé par la structure (le 16/03/2026 à 14:05, motif : Formation) : il "
     "n'a pas eu lieu, pas de présence à enregistrer."),
    (AppointmentStatus.CANCELLED_BY_YOUTH,
     "Rendez-vous annulé par le ou la jeune (le 16/03/2026 à 14:05, motif : Formation) : il "
     "n'a pas eu lieu, pas de présence à enregistrer."),
    (AppointmentStatus.EXPIRED,
     "Réservation jamais confirmée, le créneau a été libéré (le 16/03/2026 à 14:05, motif : "
     "Formation) : l'entretien n'a pas eu lieu, pas de présence à enregistrer."),
])
@pytest.mark.parametrize("now", [BEFORE, STARTS + dt.timedelta(hours=2)], ids=["before", "after"])
def test_an_appointment_that_will_never_take_place_says_so_before_and_after_its_start(
        status, expected, now):
    """Tester t9a #8: a cancelled appointment said « la présence s'enregistre … à partir du »
    its start: it never will. Its state, by whom, when and why, instead, whatever the time;
    and the service refuses with the same sentence."""
    appointment = AppointmentFactory(advisor=BookableAdvisorFactory(), starts_at=STARTS,
                                     status=status, cancelled_at=CANCELLED_AT,
                                     cancel_reason="Formation")
    assert attendance_closed_reason(appointment=appointment, now=now) == expected
    with pytest.raises(BookingError) as refused:
        appointment_attendance_record(appointment=appointment, status=AppointmentStatus.DONE,
                                      by=appointment.advisor.user, now=now)
    assert refused.value.message == expected


def test_a_cancellation_with_nothing_known_and_a_pending_hold_say_their_state():
    advisor = BookableAdvisorFactory()
    unknown = AppointmentFactory(advisor=advisor, starts_at=STARTS,
                                 status=AppointmentStatus.CANCELLED_BY_STRUCTURE)
    assert attendance_closed_reason(appointment=unknown, now=BEFORE) == (
        "Rendez-vous annulé par la structure : il n'a pas eu lieu, pas de présence à "
        "enregistrer.")
    pending = AppointmentFactory(advisor=advisor, starts_at=STARTS + dt.timedelta(hours=1),
                                 status=AppointmentStatus.PENDING,
                                 hold_expires_at=STARTS)
    assert "en attente de la confirmation du ou de la jeune" in attendance_closed_reason(
        appointment=pending, now=BEFORE)


def test_attendance_is_open_from_the_start_of_a_confirmed_or_recorded_interview(appointment):
    assert attendance_closed_reason(appointment=appointment, now=STARTS) == ""
    appointment.status = AppointmentStatus.NO_SHOW
    assert attendance_closed_reason(appointment=appointment, now=STARTS) == ""
