import datetime as dt
import re

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from accounts.models import Role, User
from bookings import services
from bookings.links import (
    appointment_from_manage_token,
    appointment_manage_token,
    appointment_manage_url,
    waiting_list_entry_from_token,
)
from bookings.models import (
    Absence,
    Appointment,
    AppointmentStatus,
    OneOffAvailability,
    RecurringAvailability,
    WaitingListEntry,
)
from bookings.services import BookingError
from tests.factories import (
    AppointmentFactory,
    BookableAdvisorFactory,
    RecurringAvailabilityFactory,
    YouthFactory,
)

from .conftest import NOW, details, paris

pytestmark = pytest.mark.django_db

FRIDAY_9 = paris(2026, 3, 27, 9)
FRIDAY_10 = paris(2026, 3, 27, 10)
FRIDAY_11 = paris(2026, 3, 27, 11)


def hold(advisor, starts_at=FRIDAY_9, *, email="lea@exemple.fr", mode="video", now=NOW,
         client_ip=None, by_account_owner=False, **kw):
    return services.appointment_hold(advisor=advisor, starts_at=starts_at, mode=mode,
                                     details=details(**kw), email=email, now=now,
                                     client_ip=client_ip, by_account_owner=by_account_owner)


def book(advisor, starts_at=FRIDAY_9, *, now=NOW, **kw):
    appointment = hold(advisor, starts_at, now=now, **kw)
    return services.appointment_confirm(appointment=appointment, now=now + dt.timedelta(minutes=2))


# --- Hold and confirm -----------------------------------------------------------------------


def test_hold_creates_a_passwordless_youth_account_and_holds_the_slot(advisor):
    appointment = hold(advisor, email=" Lea@Exemple.fr ")
    youth = User.objects.get(email="lea@exemple.fr")
    assert youth.role == Role.YOUTH and not youth.has_usable_password()
    assert appointment.youth == youth
    assert appointment.status == AppointmentStatus.PENDING
    assert appointment.hold_expires_at == NOW + dt.timedelta(minutes=15)
    assert (appointment.starts_at, appointment.ends_at) == (FRIDAY_9, FRIDAY_10)
    assert appointment.structure == advisor.structure
    assert appointment.consent_at == NOW and appointment.consent_text_version
    # Held: no longer listed, and nobody else can take it.
    with pytest.raises(BookingError, match="vient d'être réservé") as exc:
        hold(advisor, email="autre@exemple.fr")
    assert [s.starts_at for s in exc.value.next_slots] == [FRIDAY_10, paris(2026, 3, 27, 11),
                                                           paris(2026, 4, 3, 9)]


def test_confirm_makes_it_final_and_tells_both_sides(advisor, django_capture_on_commit_callbacks,
                                                     frozen_now):
    appointment = hold(advisor)
    with django_capture_on_commit_callbacks(execute=True):
        appointment = services.appointment_confirm(appointment=appointment,
                                                   now=NOW + dt.timedelta(minutes=3))
    assert appointment.status == AppointmentStatus.CONFIRMED
    assert appointment.reminder_due_at == FRIDAY_9 - dt.timedelta(hours=24)
    assert appointment.video_room and appointment.video_url.endswith(appointment.video_room)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["lea@exemple.fr",
                                                           advisor.user.email])
    # Confirming twice (double click) changes nothing and sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_confirm(appointment=appointment, now=NOW + dt.timedelta(minutes=4))
    assert len(mail.outbox) == 2


def test_the_confirmation_stores_all_it_changes_and_its_history_row_copies_it(advisor,
                                                                              frozen_now):
    """The confirmation writes only the columns it changes: the row read back is the
    appointment it returns, field by field, and so is its history row."""
    appointment = hold(advisor, client_ip="203.0.113.7")
    Appointment.objects.filter(pk=appointment.pk).update(
        reminder_sent_at=NOW - dt.timedelta(days=1))  # a reminder of another time, to clear
    confirmed = services.appointment_confirm(appointment=appointment,
                                             now=NOW + dt.timedelta(minutes=3))
    stored = Appointment.objects.get(pk=confirmed.pk)
    names = [field.attname for field in Appointment._meta.concrete_fields]
    assert {name: getattr(stored, name) for name in names} == \
        {name: getattr(confirmed, name) for name in names}
    assert (stored.status, stored.confirmed_at, stored.hold_client_ip, stored.reminder_sent_at,
            stored.reminder_due_at) == (AppointmentStatus.CONFIRMED,
                                        NOW + dt.timedelta(minutes=3), None, None,
                                        FRIDAY_9 - dt.timedelta(hours=24))
    assert stored.video_room and stored.age_at_interview == 21
    row = stored.history.first()
    kept = [name for name in names if hasattr(row, name)]
    assert {name: getattr(row, name) for name in kept} == \
        {name: getattr(stored, name) for name in kept}


def _locked_read(queries) -> str:
    """The confirmation's first statement on appointments: the row read again, locked (SQLite
    has no ``FOR UPDATE``)."""
    return next(q["sql"] for q in queries
                if q["sql"].startswith("SELECT") and 'FROM "bookings_appointment"' in q["sql"])


def test_the_confirmation_locks_the_row_again_and_reuses_the_relations_already_read(
        advisor, frozen_now):
    """The row itself is always read again under lock (its status may have changed); the
    structure and the young person the caller already read are reused, else joined."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    held = hold(advisor)
    page_read = Appointment.objects.select_related("structure", "youth").get(pk=held.pk)
    Appointment.objects.filter(pk=held.pk).update(status=AppointmentStatus.EXPIRED)
    with pytest.raises(BookingError, match="plus valable"):
        services.appointment_confirm(appointment=page_read, now=NOW)
    Appointment.objects.filter(pk=held.pk).update(status=AppointmentStatus.PENDING)
    with CaptureQueriesContext(connection) as reused:
        confirmed = services.appointment_confirm(appointment=page_read, now=NOW)
    assert "JOIN" not in _locked_read(reused.captured_queries)
    assert confirmed.youth is page_read.youth and confirmed.structure is page_read.structure
    assert confirmed.youth.first_name == "Léa"  # the account named from the booking
    other = hold(advisor, FRIDAY_10, email="sam@exemple.fr")
    bare = Appointment.objects.get(pk=other.pk)
    with CaptureQueriesContext(connection) as joined:
        confirmed = services.appointment_confirm(appointment=bare, now=NOW)
    assert "JOIN" in _locked_read(joined.captured_queries)
    assert confirmed.status == AppointmentStatus.CONFIRMED
    assert (confirmed.youth.email, confirmed.structure) == ("sam@exemple.fr", advisor.structure)


def test_a_new_hold_replaces_the_same_persons_previous_one(advisor):
    first = hold(advisor)
    second = hold(advisor, FRIDAY_10)
    first.refresh_from_db()
    assert first.status == AppointmentStatus.EXPIRED
    assert second.status == AppointmentStatus.PENDING


def test_an_expired_hold_does_not_block_the_slot(advisor):
    hold(advisor, email="lent@exemple.fr")
    later = NOW + dt.timedelta(minutes=16)
    appointment = hold(advisor, now=later)
    assert appointment.status == AppointmentStatus.PENDING
    assert Appointment.objects.filter(status=AppointmentStatus.EXPIRED).count() == 1


def test_forty_eight_hours_edge_at_booking(advisor):
    with pytest.raises(BookingError, match="48 heures"):
        hold(advisor, now=FRIDAY_9 - dt.timedelta(hours=47, minutes=59))
    assert hold(advisor, now=FRIDAY_9 - dt.timedelta(hours=48)).status == "pending"


def test_a_slot_listed_at_exactly_48_hours_is_confirmed_within_its_hold(advisor):
    """The notice is judged when the slot is taken (the hold), not when the code is typed."""
    from bookings.slots import free_slots_for_structure

    listed_at = FRIDAY_9 - dt.timedelta(hours=48)
    listed = free_slots_for_structure(structure=advisor.structure, start=listed_at,
                                      end=FRIDAY_10, now=listed_at)
    assert [slot.starts_at for slot in listed] == [FRIDAY_9]
    appointment = hold(advisor, now=listed_at)
    confirmed = services.appointment_confirm(appointment=appointment,
                                             now=listed_at + dt.timedelta(minutes=1))
    assert confirmed.status == AppointmentStatus.CONFIRMED
    # The hold still ends the promise: after it, nothing is kept.
    late = hold(advisor, FRIDAY_10, now=FRIDAY_10 - dt.timedelta(hours=48),
                email="tard@exemple.fr")
    with pytest.raises(BookingError, match="délai pour confirmer"):
        services.appointment_confirm(appointment=late, now=FRIDAY_10 - dt.timedelta(
            hours=47, minutes=45))


def test_confirmation_after_the_hold_expired_is_refused(advisor):
    appointment = hold(advisor)
    with pytest.raises(BookingError, match="délai pour confirmer"):
        services.appointment_confirm(appointment=appointment, now=NOW + dt.timedelta(minutes=15))
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.EXPIRED


@pytest.mark.parametrize(
    ("overrides", "mode", "message"),
    [
        ({"birth_date": dt.date(1990, 3, 27)}, "video", "35 ans ou moins"),
        ({"postal_code": "75011"}, "video", "Nouvelle-Aquitaine"),
        ({"postal_code": "33999"}, "video", "aucune commune de Nouvelle-Aquitaine"),
        ({"postal_code": "37000"}, "video", "Nouvelle-Aquitaine"),
        ({"birth_date": dt.date(2012, 1, 1)}, "video", "Avant 15 ans"),
        ({"phone": ""}, "phone", "numéro de téléphone"),
        ({"consent": False}, "video", "accord au traitement"),
    ],
)
def test_eligibility_refusals_say_why(advisor, overrides, mode, message):
    with pytest.raises(BookingError, match=message):
        hold(advisor, mode=mode, **overrides)
    assert not Appointment.objects.exists()


def test_a_postal_code_numbered_after_a_neighbouring_departement_is_read_by_its_commune(
        advisor):
    # 37160 follows Indre-et-Loire's sorting office but serves a commune of the Vienne (86).
    appointment = hold(advisor, postal_code="37160", email="vienne@exemple.fr")
    assert appointment.departement == "86"
    # 33220 serves communes of the Gironde and of the Dordogne: its digits say Gironde.
    assert hold(advisor, FRIDAY_10, postal_code="33220",
                email="sainte-foy@exemple.fr").departement == "33"


@pytest.mark.parametrize("birth_date", [dt.date(200, 1, 1), dt.date(2030, 1, 1)])
def test_an_impossible_birth_date_is_refused_by_the_service_too(advisor, birth_date):
    """Whatever the form (or the API), the service says the vocabulary's sentence."""
    with pytest.raises(BookingError, match=r"^Cette date de naissance n'est pas possible\.$"):
        hold(advisor, birth_date=birth_date)
    assert not Appointment.objects.exists()


def test_eligibility_edges(advisor):
    # 36th birthday on the day after the interview: still 35 on the interview day.
    assert hold(advisor, birth_date=dt.date(1990, 3, 28), email="a@exemple.fr")
    # Under 15 with a guardian's email and consent.
    young = hold(advisor, FRIDAY_10, birth_date=dt.date(2012, 1, 1), email="b@exemple.fr",
                 guardian_email="parent@exemple.fr", guardian_consent=True)
    assert young.guardian_email == "parent@exemple.fr" and young.guardian_consent


def test_a_hold_finds_the_account_of_its_address_whatever_its_case_through_the_index(advisor):
    """The account is looked up as its unique constraint compares addresses (``LOWER`` of
    both sides), which the index on ``LOWER(email)`` serves; an account whose address was
    stored with capitals (before addresses were lowered) is found, not duplicated."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    youth = YouthFactory(email="lea@exemple.fr")
    User.objects.filter(pk=youth.pk).update(email="Lea@Exemple.FR")
    with CaptureQueriesContext(connection) as queries:
        appointment = hold(advisor, email="LEA@exemple.fr")
    assert appointment.youth_id == youth.pk
    assert User.objects.filter(email__iexact="lea@exemple.fr").count() == 1
    (look_up,) = [q["sql"] for q in queries if 'FROM "accounts_user"' in q["sql"]
                  and q["sql"].lstrip().startswith("SELECT")]
    assert 'LOWER("accounts_user"."email")' in look_up and "UPPER(" not in look_up


def test_a_professional_address_cannot_book(advisor):
    with pytest.raises(BookingError, match="compte professionnel"):
        hold(advisor, email=advisor.user.email)


def test_at_most_two_upcoming_appointments(advisor):
    youth = YouthFactory(email="lea@exemple.fr")
    AppointmentFactory(advisor=advisor, youth=youth, starts_at=paris(2026, 4, 3, 9))
    AppointmentFactory(advisor=advisor, youth=youth, starts_at=paris(2026, 4, 10, 9))
    # The logged-in owner of the address is told at once.
    with pytest.raises(BookingError, match="déjà 2 rendez-vous"):
        hold(advisor, by_account_owner=True)
    # Anyone else learns it only once the code proved the address (issue 9 §5).
    stranger_hold = hold(advisor)
    assert stranger_hold.status == AppointmentStatus.PENDING
    with pytest.raises(BookingError, match="déjà 2 rendez-vous"):
        services.appointment_confirm(appointment=stranger_hold, now=NOW)
    stranger_hold.refresh_from_db()
    assert stranger_hold.status == AppointmentStatus.EXPIRED
    assert stranger_hold.confirmed_at is None and stranger_hold.hold_client_ip is None
    AppointmentFactory(advisor=advisor, youth=youth, starts_at=paris(2026, 3, 13, 9),
                       status="done")
    Appointment.objects.filter(starts_at=paris(2026, 4, 3, 9)).update(
        status=AppointmentStatus.CANCELLED_BY_YOUTH, confirmed_at=NOW)
    assert hold(advisor, by_account_owner=True).status == AppointmentStatus.PENDING


def test_one_client_address_holds_few_slots_at_once(advisor, settings):
    """Issue 9 §5: invented addresses from one connection cannot hoard a structure's slots."""
    settings.BOOKING_MAX_PENDING_HOLDS_PER_CLIENT = 2
    first = hold(advisor, FRIDAY_9, email="un@exemple.fr", client_ip="198.51.100.7")
    hold(advisor, FRIDAY_10, email="deux@exemple.fr", client_ip="198.51.100.7")
    with pytest.raises(BookingError, match="attendent encore leur code"):
        hold(advisor, FRIDAY_11, email="trois@exemple.fr", client_ip="198.51.100.7")
    assert hold(advisor, FRIDAY_11, email="autre@exemple.fr", client_ip="203.0.113.9")
    # A confirmed hold no longer counts (and forgets the address), nor does an expired one.
    confirmed = services.appointment_confirm(appointment=first, now=NOW)
    assert confirmed.hold_client_ip is None
    assert hold(advisor, paris(2026, 4, 3, 9), email="trois@exemple.fr",
                client_ip="198.51.100.7")


# --- Cancel and move through the signed link ------------------------------------------------


def test_manage_token_round_trip_and_tampering(advisor, frozen_now):
    appointment = book(advisor)
    token = appointment_manage_token(appointment)
    assert appointment_from_manage_token(token) == appointment
    assert appointment_from_manage_token(token[:-2] + "xx") is None
    assert appointment_from_manage_token("n'importe quoi") is None
    assert token in appointment_manage_url(appointment)


def test_cancel_through_the_signed_link(advisor, django_capture_on_commit_callbacks, frozen_now):
    token = appointment_manage_token(book(advisor))
    mail.outbox.clear()
    appointment = appointment_from_manage_token(token)
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(appointment=appointment, by_youth=True,
                                    reason="Empêchement", now=NOW + dt.timedelta(hours=1))
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED_BY_YOUTH
    assert appointment.sequence == 1 and appointment.reminder_due_at is None
    assert appointment.cancel_reason == "Empêchement"
    assert {m.to[0] for m in mail.outbox} == {"lea@exemple.fr", advisor.user.email}
    # The slot is free again; the row stays.
    assert services.slot_is_free(advisor=advisor, starts_at=FRIDAY_9, mode="video", now=NOW)
    with pytest.raises(BookingError, match="plus actif"):
        services.appointment_cancel(appointment=appointment, by_youth=True, reason="",
                                    now=NOW + dt.timedelta(hours=2))


def test_no_cancel_once_started(advisor):
    appointment = book(advisor)
    with pytest.raises(BookingError, match="déjà commencé"):
        services.appointment_cancel(appointment=appointment, by_youth=True, reason="",
                                    now=FRIDAY_9)
    # Until the start, even under 48 hours, cancelling is allowed.
    services.appointment_cancel(appointment=appointment, by_youth=True, reason="",
                                now=FRIDAY_9 - dt.timedelta(minutes=1))


def test_move_through_the_signed_link(advisor, django_capture_on_commit_callbacks, frozen_now):
    appointment = appointment_from_manage_token(appointment_manage_token(book(advisor)))
    mail.outbox.clear()
    new_start = paris(2026, 4, 3, 11)
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.appointment_move(appointment=appointment, new_starts_at=new_start,
                                          mode="in_person", now=NOW + dt.timedelta(hours=1))
    assert moved.pk == appointment.pk
    assert (moved.starts_at, moved.mode, moved.sequence) == (new_start, "in_person", 1)
    assert moved.place.startswith("1 place de la Mairie")
    assert moved.reminder_due_at == new_start - dt.timedelta(hours=24)
    assert moved.reminder_sent_at is None
    assert list(moved.history.order_by("history_date").values_list("starts_at", flat=True))[
        -2:] == [FRIDAY_9, new_start]
    assert {m.to[0] for m in mail.outbox} == {"lea@exemple.fr", advisor.user.email}
    assert services.slot_is_free(advisor=advisor, starts_at=FRIDAY_9, mode="video", now=NOW)


def test_move_obeys_the_rules(advisor):
    appointment = book(advisor)
    AppointmentFactory(advisor=advisor, starts_at=paris(2026, 4, 3, 9))
    with pytest.raises(BookingError, match="vient d'être réservé"):
        services.appointment_move(appointment=appointment, new_starts_at=paris(2026, 4, 3, 9),
                                  mode="video", now=NOW)
    with pytest.raises(BookingError, match="48 heures"):
        services.appointment_move(appointment=appointment, new_starts_at=paris(2026, 3, 20, 11),
                                  mode="video", now=NOW)
    # Same time, other mode: allowed (the appointment does not block itself).
    moved = services.appointment_move(appointment=appointment, new_starts_at=FRIDAY_9,
                                      mode="phone", now=NOW)
    assert moved.mode == "phone" and moved.sequence == 1


# --- Availability ---------------------------------------------------------------------------


def test_overlapping_availability_is_refused_with_a_clear_message(advisor):
    with pytest.raises(BookingError, match="chevauche une disponibilité déjà publiée"):
        services.availability_create_recurring(
            advisor=advisor, weekday=4, start_time=dt.time(11), end_time=dt.time(13),
            valid_from=dt.date(2026, 4, 1), modes=["video"])
    with pytest.raises(BookingError, match="chevauche"):
        services.availability_create_one_off(
            advisor=advisor, date=dt.date(2026, 4, 3), start_time=dt.time(8),
            end_time=dt.time(9, 30), modes=["video"], now=NOW)
    # Same hours on another weekday, or after the end of validity, are fine.
    RecurringAvailability.objects.update(valid_until=dt.date(2026, 5, 31))
    services.availability_create_recurring(
        advisor=advisor, weekday=4, start_time=dt.time(9), end_time=dt.time(12),
        valid_from=dt.date(2026, 6, 1), modes=["phone"])
    one_off = services.availability_create_one_off(
        advisor=advisor, date=dt.date(2026, 3, 25), start_time=dt.time(14),
        end_time=dt.time(16), modes=["video", "phone"], place="", now=NOW)
    assert one_off.modes == ("video", "phone")
    with pytest.raises(BookingError, match="chevauche"):
        services.availability_create_one_off(
            advisor=advisor, date=dt.date(2026, 3, 25), start_time=dt.time(15),
            end_time=dt.time(17), modes=["video"], now=NOW)
    with pytest.raises(BookingError, match="chevauche"):
        services.availability_create_recurring(
            advisor=advisor, weekday=2, start_time=dt.time(15), end_time=dt.time(16),
            valid_from=dt.date(2026, 3, 1), valid_until=dt.date(2026, 3, 31), modes=["video"])


@pytest.mark.parametrize(
    ("start", "end", "modes", "message"),
    [
        (dt.time(10), dt.time(9), ["video"], "L'heure de fin"),
        (dt.time(10), dt.time(10, 30), ["video"], "au moins 60 minutes"),
        (dt.time(10), dt.time(12), [], "au moins une modalité"),
    ],
)
def test_availability_shape_errors(advisor, start, end, modes, message):
    with pytest.raises(BookingError, match=message):
        services.availability_create_one_off(advisor=advisor, date=dt.date(2026, 3, 26),
                                             start_time=start, end_time=end, modes=modes,
                                             now=NOW)


@pytest.mark.postgres_only
def test_database_refuses_overlapping_availability_on_postgresql(advisor):
    OneOffAvailability.objects.create(advisor=advisor, date=dt.date(2026, 3, 25),
                                      start_time=dt.time(9), end_time=dt.time(11))
    with pytest.raises(IntegrityError), transaction.atomic():
        OneOffAvailability.objects.create(advisor=advisor, date=dt.date(2026, 3, 25),
                                          start_time=dt.time(10), end_time=dt.time(12))
    with pytest.raises(IntegrityError), transaction.atomic():
        RecurringAvailability.objects.create(advisor=advisor, weekday=4,
                                             start_time=dt.time(11), end_time=dt.time(12),
                                             valid_from=dt.date(2026, 1, 1))


# --- Absences over booked appointments ------------------------------------------------------


def test_absence_over_bookings_lists_then_cancels_and_tells(
    advisor, django_capture_on_commit_callbacks, frozen_now
):
    appointment = book(advisor)
    other = book(advisor, FRIDAY_10, email="tom@exemple.fr", first_name="Tom")
    untouched = book(advisor, paris(2026, 4, 3, 9), email="zoe@exemple.fr")
    mail.outbox.clear()
    start, end = paris(2026, 3, 27, 8), paris(2026, 3, 27, 18)
    assert services.absence_preview(advisor=advisor, starts_at=start, ends_at=end, now=NOW) == [
        appointment, other]
    with pytest.raises(services.AbsenceOverlapsAppointments) as exc:
        services.absence_create(advisor=advisor, starts_at=start, ends_at=end, kind="short",
                                reason="Rendez-vous médical", confirm_cancellations=False,
                                now=NOW)
    assert exc.value.appointments == [appointment, other]
    assert not Absence.objects.exists()
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        absence = services.absence_create(advisor=advisor, starts_at=start, ends_at=end,
                                          kind="short", reason="Rendez-vous médical",
                                          confirm_cancellations=True, now=NOW)
    assert absence.pk
    for item in (appointment, other):
        item.refresh_from_db()
        assert item.status == AppointmentStatus.CANCELLED_BY_STRUCTURE
        assert "médical" not in item.cancel_reason  # the private reason is not shared
    untouched.refresh_from_db()
    assert untouched.status == AppointmentStatus.CONFIRMED
    youth_mails = [m for m in mail.outbox if m.to[0] in ("lea@exemple.fr", "tom@exemple.fr")]
    assert len(youth_mails) == 2
    assert all("/rendez-vous/" in m.body and "reprendre rendez-vous" in m.body
               for m in youth_mails)


def test_absence_without_bookings_needs_no_confirmation(advisor):
    absence = services.absence_create(advisor=advisor, starts_at=paris(2026, 4, 1),
                                      ends_at=paris(2026, 5, 1), kind="long", reason="Congé",
                                      confirm_cancellations=False, now=NOW)
    assert absence.kind == "long"
    with pytest.raises(BookingError, match="fin de l'absence"):
        services.absence_create(advisor=advisor, starts_at=paris(2026, 4, 1),
                                ends_at=paris(2026, 4, 1), kind="short", reason="x",
                                confirm_cancellations=True, now=NOW)


# --- Waiting list ---------------------------------------------------------------------------


def test_waiting_list_join_is_idempotent_and_validated():
    first = services.waiting_list_join(email="Ana@Exemple.fr", departement="33", mode="video",
                                       now=NOW)
    again = services.waiting_list_join(email="ana@exemple.fr", departement="33", mode="video",
                                       now=NOW + dt.timedelta(days=1))
    assert first.pk == again.pk and WaitingListEntry.objects.count() == 1
    # 8 weeks of elapsed time after the second visit: 13:00 summer time (12:00 winter time).
    assert again.expires_at == paris(2026, 5, 14, 13)
    with pytest.raises(BookingError, match="Nouvelle-Aquitaine"):
        services.waiting_list_join(email="ana@exemple.fr", departement="75", mode="video",
                                   now=NOW)


def _join_confirmed(**kwargs):
    return services.waiting_list_confirm(entry=services.waiting_list_join(**kwargs), now=NOW)


def test_the_waiting_list_is_double_opt_in(django_capture_on_commit_callbacks, frozen_now):
    """Issue 9 §5: an address typed by anyone gets one confirmation email, nothing else."""
    advisor = BookableAdvisorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.waiting_list_join(email="quelquun@exemple.fr", departement="33",
                                           mode="in_person", now=NOW)
    assert entry.confirmed_at is None
    [message] = mail.outbox
    assert message.to == ["quelquun@exemple.fr"] and "Confirmez" in message.subject
    url = re.search(r"https?://\S+/liste-d-attente/\S+/", message.body).group(0)
    assert waiting_list_entry_from_token(url.rstrip("/").rsplit("/", 1)[1]) == entry
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.availability_create_one_off(
            advisor=advisor, date=dt.date(2026, 3, 26), start_time=dt.time(10),
            end_time=dt.time(11), modes=["in_person"], now=NOW)
    assert mail.outbox == []  # never confirmed: never told
    services.waiting_list_confirm(entry=entry, now=NOW)
    assert services.waiting_list_offer_slots(advisor_ids=[advisor.pk], now=NOW) == 1


def test_freed_slot_is_offered_once_to_the_first_people_waiting(
    django_capture_on_commit_callbacks, frozen_now, settings
):
    settings.WAITING_LIST_BATCH_SIZE = 2
    advisor = BookableAdvisorFactory()
    RecurringAvailabilityFactory(advisor=advisor, weekday=4, start_time=dt.time(9),
                                 end_time=dt.time(10), valid_until=dt.date(2026, 3, 31))
    appointment = book(advisor)
    for name in ("un", "deux", "trois"):
        _join_confirmed(email=f"{name}@exemple.fr", departement="33",
                                   mode="in_person", now=NOW)
    _join_confirmed(email="loin@exemple.fr", departement="64", mode="in_person",
                               now=NOW)
    _join_confirmed(email="visio@exemple.fr", departement="64", mode="video",
                               now=NOW)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(appointment=appointment, by_youth=True, reason="",
                                    now=NOW + dt.timedelta(hours=1))
    told = sorted(m.to[0] for m in mail.outbox if "libéré" in m.subject)
    assert told == ["deux@exemple.fr", "un@exemple.fr"]  # the first two waiting
    # Offering again the same slot tells nobody else.
    assert services.waiting_list_offer_slots(advisor_ids=[advisor.pk], now=NOW) == 0
    # A newly published slot goes to the next ones. Video may be taken with any structure;
    # in person only in the structure's département.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.availability_create_one_off(
            advisor=advisor, date=dt.date(2026, 3, 26), start_time=dt.time(10),
            end_time=dt.time(11), modes=["in_person", "video"], now=NOW)
    told = sorted(m.to[0] for m in mail.outbox if "libéré" in m.subject)
    assert told == ["trois@exemple.fr", "visio@exemple.fr"]
    assert WaitingListEntry.objects.filter(notified_at__isnull=True).get().email == (
        "loin@exemple.fr")


# --- Elapsed time across daylight-saving changes (somobilite.clock) -------------------------

CHANGE_SUNDAYS = [dt.date(2026, 3, 29), dt.date(2026, 10, 25), dt.date(2027, 3, 28),
                  dt.date(2027, 10, 31)]


def _paris_on(day: dt.date, hour: int, minute: int = 0, fold: int = 0) -> dt.datetime:
    return paris(day.year, day.month, day.day, hour, minute).replace(fold=fold)


@pytest.mark.parametrize("sunday", CHANGE_SUNDAYS)
def test_the_reminder_is_due_24_hours_of_elapsed_time_before_booked_or_moved(sunday):
    advisor = BookableAdvisorFactory()
    RecurringAvailabilityFactory(advisor=advisor, weekday=6, start_time=dt.time(9),
                                 end_time=dt.time(12))
    now = _paris_on(sunday - dt.timedelta(days=7), 12)
    booked = book(advisor, _paris_on(sunday, 10), now=now)
    assert booked.reminder_due_at.timestamp() == booked.starts_at.timestamp() - 86400
    moved = services.appointment_move(appointment=booked, new_starts_at=_paris_on(sunday, 11),
                                      mode="video", now=now)
    assert moved.reminder_due_at.timestamp() == moved.starts_at.timestamp() - 86400
    assert moved.ends_at.timestamp() - moved.starts_at.timestamp() == 3600


@pytest.mark.parametrize("sunday", [dt.date(2026, 10, 25), dt.date(2027, 10, 31)])
def test_a_hold_lasts_its_minutes_when_the_clocks_go_back(sunday):
    advisor = BookableAdvisorFactory()
    RecurringAvailabilityFactory(advisor=advisor, weekday=1, start_time=dt.time(9),
                                 end_time=dt.time(12))
    ten_to_three_summer_time = _paris_on(sunday, 2, 50, fold=0)  # 15 minutes before the change
    held = hold(advisor, _paris_on(sunday + dt.timedelta(days=9), 9),
                now=ten_to_three_summer_time)
    assert held.hold_expires_at.timestamp() - ten_to_three_summer_time.timestamp() == 15 * 60


# --- Rules that depend on the interview date, on every path that changes it ------------------


def test_a_move_re_checks_the_age_on_the_new_day_and_keeps_the_stored_age_true(advisor):
    """Born 28/03/1990: 35 on Friday 27/03/2026 (accepted), 36 on Friday 03/04/2026."""
    booked = book(advisor, FRIDAY_9, birth_date=dt.date(1990, 3, 28))
    assert booked.age_at_interview == 35
    with pytest.raises(BookingError, match="35 ans ou moins le jour de l'entretien"):
        services.appointment_move(appointment=booked, new_starts_at=paris(2026, 4, 3, 9),
                                  mode="video", now=NOW)
    booked.refresh_from_db()
    assert (booked.starts_at, booked.age_at_interview, booked.sequence) == (FRIDAY_9, 35, 0)


def test_a_move_recomputes_the_age_at_the_interview(advisor):
    booked = book(advisor, FRIDAY_9, birth_date=dt.date(2000, 3, 30), email="b@exemple.fr")
    assert booked.age_at_interview == 25
    moved = services.appointment_move(appointment=booked, new_starts_at=paris(2026, 4, 3, 9),
                                      mode="video", now=NOW)
    assert Appointment.objects.get(pk=moved.pk).age_at_interview == 26


def test_a_birth_date_correction_re_checks_the_rules_and_recomputes_the_age(advisor):
    from tests.factories import CoordinatorFactory

    booked = book(advisor, FRIDAY_9, birth_date=dt.date(2004, 5, 17))
    coordinator = CoordinatorFactory()
    changes = {"birth_date": dt.date(1990, 3, 20)}
    problems = services.appointment_details_problems(appointment=booked, changes=changes,
                                                     now=NOW)
    assert problems and "35 ans ou moins" in problems[0]
    assert booked.birth_date == dt.date(2004, 5, 17)  # nothing touched
    with pytest.raises(BookingError, match="36 ans le 27/03/2026"):
        services.appointment_details_update(appointment=booked, changes=changes,
                                            by=coordinator, now=NOW)
    corrected = services.appointment_details_update(
        appointment=booked, changes={"birth_date": dt.date(1995, 3, 28), "postal_code": "64100"},
        by=coordinator, now=NOW + dt.timedelta(minutes=5))
    stored = Appointment.objects.get(pk=booked.pk)
    assert (stored.age_at_interview, stored.departement) == (30, "64")
    assert corrected.history.first().history_user == coordinator
    # A past interview keeps its correction (no booking rule to re-check), age recomputed.
    past = services.appointment_details_update(
        appointment=booked, changes={"birth_date": dt.date(1989, 1, 1)}, by=coordinator,
        now=paris(2026, 3, 28, 9))
    assert past.age_at_interview == 37


# --- A released hold is never an interview (tester t9a #1) ------------------------------------


def _staff_hold(advisor, starts_at=FRIDAY_9):
    """A booking made by the advisor herself, waiting for the young person's code."""
    return services.appointment_hold(advisor=advisor, starts_at=starts_at, mode="video",
                                     details=details(), email="lea@exemple.fr", now=NOW,
                                     booked_by=advisor.user)


def _release_by_advisor(advisor, held):
    services.appointment_cancel(appointment=held, by_youth=False, now=NOW,
                                reason="Réservation non confirmée, libérée par la structure")


def _release_by_youth(advisor, held):
    services.appointment_cancel(appointment=held, by_youth=True, now=NOW, reason="Empêchement")


def _release_by_account_deletion(advisor, held):
    from privacy.services import user_erase

    user_erase(user=held.youth, now=NOW)


def _release_by_absence(advisor, held):
    services.absence_create(advisor=advisor, starts_at=FRIDAY_9, ends_at=FRIDAY_11,
                            kind="short", reason="Formation", confirm_cancellations=True,
                            now=NOW)


def _release_by_deleted_availability(advisor, held):
    services.availability_change(availability=advisor.recurring_availabilities.get(),
                                 changes=None, confirm_cancellations=True, now=NOW)


def _release_by_running_out(advisor, held):
    services.holds_release_expired(now=held.hold_expires_at + dt.timedelta(minutes=1))


def _release_by_another_hold(advisor, held):
    hold(advisor, FRIDAY_11, email="lea@exemple.fr")


def _release_by_a_refused_confirmation(advisor, held):
    with pytest.raises(BookingError):
        services.appointment_confirm(appointment=held,
                                     now=held.hold_expires_at + dt.timedelta(minutes=1))


RELEASES = [_release_by_advisor, _release_by_youth, _release_by_account_deletion,
            _release_by_absence, _release_by_deleted_availability, _release_by_running_out,
            _release_by_another_hold, _release_by_a_refused_confirmation]


@pytest.mark.parametrize("staff", [True, False], ids=["advisor_booking", "online_booking"])
@pytest.mark.parametrize("release", RELEASES, ids=lambda f: f.__name__.removeprefix("_"))
def test_a_hold_released_by_any_path_is_expired_and_never_an_interview(
        advisor, release, staff, django_capture_on_commit_callbacks):
    """The kind of fault: a hold released before its code was typed became « annulé par la
    structure » (or « par le ou la jeune ») and counted as a booked interview and a
    cancellation. Whoever or whatever releases it, it is expired, was never confirmed, tells
    nobody, and no figure counts it."""
    from bookings.statistics import Filters, interview_counts, interviews

    held = _staff_hold(advisor) if staff else hold(advisor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        release(advisor, held)
    held.refresh_from_db()
    assert (held.status, held.confirmed_at) == (AppointmentStatus.EXPIRED, None)
    assert not mail.outbox
    march = Filters(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    assert not interviews(march).exists()
    assert interview_counts(march, "outcome", now=NOW) == {}


def test_a_confirmed_appointment_is_still_cancelled_by_whoever_cancels_it(advisor):
    """Only the unconfirmed hold is released: a confirmed one keeps its cancelled status."""
    confirmed = book(advisor)
    services.appointment_cancel(appointment=confirmed, by_youth=False, now=NOW, reason="")
    confirmed.refresh_from_db()
    assert confirmed.status == AppointmentStatus.CANCELLED_BY_STRUCTURE
    assert confirmed.confirmed_at is not None


def test_the_database_refuses_a_cancelled_appointment_never_confirmed(advisor):
    """``appointment_confirmed_at_matches_status``: cancelled means confirmed first."""
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentFactory(advisor=advisor, starts_at=FRIDAY_9, confirmed_at=None,
                           status=AppointmentStatus.CANCELLED_BY_STRUCTURE)


class TestHomeDepartementIsNeverMissing:
    """Tester t9b F6: whatever path creates an appointment with a postal code, its home
    département follows, by the booking's rule (``departement_of_postal_code``)."""

    @pytest.mark.parametrize(("postal_code", "expected"), [
        ("86000", "86"), ("37160", "86"), ("33220", "33"), ("64100", "64")])
    def test_filled_from_the_postal_code_on_save(self, postal_code, expected):
        appointment = AppointmentFactory(postal_code=postal_code, departement="")
        appointment.refresh_from_db()
        assert appointment.departement == expected

    def test_an_explicit_departement_and_an_erased_postal_code_are_kept(self):
        appointment = AppointmentFactory(postal_code="33000", departement="24")
        assert appointment.departement == "24"
        appointment.postal_code = ""
        appointment.save(update_fields=["postal_code"])
        appointment.refresh_from_db()
        assert appointment.departement == "24"

    def test_save_with_update_fields_writes_the_departement_too(self):
        appointment = AppointmentFactory(postal_code="", departement="")
        appointment.postal_code = "87000"
        appointment.save(update_fields=["postal_code"])
        appointment.refresh_from_db()
        assert appointment.departement == "87"

    def test_the_database_refuses_a_postal_code_without_departement(self):
        appointment = AppointmentFactory(postal_code="", departement="")
        with pytest.raises(IntegrityError), transaction.atomic():
            Appointment.objects.filter(pk=appointment.pk).update(postal_code="33000")
