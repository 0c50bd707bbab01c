"""The young person's appointment lists.

The rest of what bookings reads lives by responsibility: the slot calendar and the free-slot
engine in ``bookings.slots``, the weekly minimum in ``bookings.compliance``, the overlaps of
availability periods in ``bookings.availability``, the public directory in
``bookings.directory`` and the young people an advisor follows in ``bookings.followup``.

Public names: ``appointments_upcoming_for_youth(*, youth, now)``,
``appointment_get_for_youth(*, youth, public_id)``,
``appointments_released_by(*, advisor_id, now)``.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import Q, QuerySet

from accounts.models import User

from .models import Appointment, AppointmentStatus


def appointments_upcoming_for_youth(*, youth: User, now: dt.datetime) -> QuerySet[Appointment]:
    """Active appointments not yet started (pending holds still running included)."""
    return (
        Appointment.objects.filter(youth=youth, starts_at__gt=now)
        .filter(Q(status=AppointmentStatus.CONFIRMED)
                | Q(status=AppointmentStatus.PENDING, hold_expires_at__gt=now))
        .select_related("structure", "advisor__user")
        .order_by("starts_at")
    )


def appointment_get_for_youth(*, youth: User, public_id: uuid.UUID | str) -> Appointment | None:
    """The young person's own appointment (``public_id``: a UUID or its text), with its
    structure, or None (also for a malformed id or somebody else's appointment). Its ``youth``
    is ``youth`` itself (no second read of the account).

    One query: a look-up by the unique ``public_id``, without the ORDER BY ``.first()`` would
    add (issue 17: the confirmed page is the last of every booking)."""
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        return None
    try:
        appointment = (Appointment.objects.select_related("structure")
                       .get(youth=youth, public_id=public_id))
    except Appointment.DoesNotExist:
        return None
    appointment.youth = youth
    return appointment


def appointments_released_by(*, advisor_id: int, now: dt.datetime) -> list[Appointment]:
    """The advisor's appointments a change stamped at ``now`` (the exact aware datetime the
    service was given) cancelled or released: what an absence or a changed availability just
    did, for a message that counts it exactly (``services.cancellation_summary``)."""
    return list(Appointment.objects.filter(advisor_id=advisor_id, cancelled_at=now))
