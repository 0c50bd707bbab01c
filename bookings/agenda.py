"""Reads of the advisors' agenda, and the one permission-aware fetcher of an appointment for
staff (the interview screen and everything on it goes through it).

Public contract (keyword-only arguments, aware datetimes):

- ``appointment_get_for_staff(*, user, public_id, coordinator_mfa) -> Appointment``: raises
  ``Appointment.DoesNotExist`` when the appointment is unknown, was never confirmed, or is
  not for this person (an advisor of another structure, a coordinator whose session did not
  pass two-factor authentication, a young person).
- ``staff_hold_get(*, user, public_id) -> Appointment``: an unconfirmed booking an advisor of
  the structure made for a young person (to type the code, send it again or release it).
- ``structure_advisors(*, structure_id) -> list[Advisor]``: current advisors of a structure.
- ``agenda_appointments(*, advisor_ids, start, end) -> list[Appointment]``,
  ``appointments_to_fill_in(*, advisor_ids, now) -> list[Appointment]``,
  ``follow_ups_due(*, advisor_ids, until) -> list[Appointment]``: one query each, whatever the
  number of appointments, with the advisor, the young person and their profile loaded.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from accounts.models import User
from advisors.models import Advisor

from .models import ATTENDANCE_STATUSES, Appointment, AppointmentStatus

#: What the agenda shows: booked interviews, those already recorded, and the bookings made by
#: an advisor that wait for the young person's confirmation.
AGENDA_Q = (Q(status__in=[AppointmentStatus.CONFIRMED, *ATTENDANCE_STATUSES])
            | Q(status=AppointmentStatus.PENDING, booked_by__isnull=False))


def _with_people(appointments: QuerySet[Appointment]) -> QuerySet[Appointment]:
    return appointments.select_related("advisor__user", "structure", "youth__mobility_profile")


def _in_structure_of(user: User) -> Q:
    """Appointments of a structure where ``user`` is currently designated (a user holds at
    most one current designation, so the join adds no row)."""
    return Q(structure__advisors__user=user, structure__advisors__withdrawn_on__isnull=True)


def _public_id(value: object) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise Appointment.DoesNotExist from None


def appointment_get_for_staff(*, user: User, public_id: object, coordinator_mfa: bool
                              ) -> Appointment:
    """The appointment ``public_id`` for a staff member who may open its interview screen:

    - an advisor currently designated in the appointment's structure (colleagues included);
    - a coordinator whose session passed two-factor authentication (``coordinator_mfa``);
    - never a young person, a withdrawn advisor, or anybody for an appointment that was never
      confirmed (a hold proves nothing about the young person: issue 9 §2).

    Raises ``Appointment.DoesNotExist`` otherwise, the same for an unknown id, so the two
    cannot be told apart. Loads the structure, the advisor and the young person's profile.
    """
    appointments = _with_people(Appointment.objects.filter(
        public_id=_public_id(public_id), confirmed_at__isnull=False,
        youth__anonymised_at__isnull=True))
    if user.is_coordinator and coordinator_mfa:
        return appointments.get()
    if user.is_advisor:
        return appointments.get(_in_structure_of(user))
    raise Appointment.DoesNotExist


def staff_hold_get(*, user: User, public_id: object) -> Appointment:
    """A booking made by staff for a young person, whatever became of it since (waiting for
    the code, confirmed, released, cancelled: its page says which), for the advisors of its
    structure. Only what the advisor typed is on it; it opens nothing of the young person's
    account. Raises ``Appointment.DoesNotExist``."""
    if not user.is_advisor:
        raise Appointment.DoesNotExist
    return Appointment.objects.select_related("advisor__user", "structure").get(
        _in_structure_of(user), public_id=_public_id(public_id), booked_by__isnull=False)


def structure_advisors(*, structure_id: int) -> list[Advisor]:
    """The advisors currently designated in a structure, by name (one query)."""
    return list(Advisor.objects.filter(structure_id=structure_id, withdrawn_on__isnull=True)
                .select_related("user").order_by("user__first_name", "user__last_name", "pk"))


def agenda_appointments(*, advisor_ids: Iterable[int], start: dt.datetime,
                        end: dt.datetime) -> list[Appointment]:
    """Appointments of these advisors starting in ``[start, end)``, by start time."""
    return list(_with_people(Appointment.objects.filter(
        AGENDA_Q, advisor_id__in=list(advisor_ids), starts_at__gte=start, starts_at__lt=end,
    )).order_by("starts_at", "advisor_id"))


def appointments_to_fill_in(*, advisor_ids: Iterable[int], now: dt.datetime,
                            ) -> list[Appointment]:
    """Confirmed appointments whose start has passed and whose attendance is not recorded,
    oldest first (the agenda counts and lists them before anything else)."""
    return list(_with_people(Appointment.objects.filter(
        advisor_id__in=list(advisor_ids), status=AppointmentStatus.CONFIRMED,
        starts_at__lte=now,
    )).order_by("starts_at"))


def follow_ups_due(*, advisor_ids: Iterable[int], until: dt.date) -> list[Appointment]:
    """Appointments with a "follow up on" date on or before ``until`` (Paris date), soonest
    first."""
    return list(_with_people(Appointment.objects.filter(
        advisor_id__in=list(advisor_ids), follow_up_on__isnull=False, follow_up_on__lte=until,
    )).order_by("follow_up_on", "starts_at"))
