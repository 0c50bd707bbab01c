"""What is free, and when. ONE function decides it; pages list what it returns and the booking
service re-checks with it under a lock, so a listed slot is bookable and a booked one is never
listed.

Modules: ``calendar`` (the rules of a slot and the ``Calendar`` that loads a period),
``free`` (the free-slot engine), ``cache`` (the offers cache and its invalidation). Import the
public names below from ``bookings.slots``.

Public contract (keyword-only arguments, aware datetimes, Europe/Paris wall clock):

- ``Slot``: frozen dataclass ``advisor_id, structure_id, starts_at, ends_at, modes, place``
  (``starts_at``/``ends_at`` in Europe/Paris; ``key`` identifies the slot). ``PARIS`` is the
  Europe/Paris time zone.
- ``free_slots(*, advisors, start, end, now, mode=None) -> list[Slot]``: free slots of the
  advisors of a queryset starting in ``[start, end)``, sorted by start then advisor.
- ``free_slots_for_structure(*, structure, start, end, now, mode=None) -> list[Slot]``
  (``iter_free_slots_for_structure``, same arguments: the same slots, built as they are read);
  ``structure_slot_offered(*, structure, advisor_id, starts_at, mode, now) -> Slot | None``:
  one of them (what the booking form shows; the services decide with ``slot_is_free``).
- ``structure_get_active(*, slug) -> Structure | None`` (cached, for the free-slot pages).
- ``active_structures() -> list[StructureRow]`` (cached, for the region-wide lists: what they
  show of each active structure, by département then name). ``MODES``: the modes, in order.
- ``next_free_slots_for_structure(*, structure, now, mode=None, limit=3) -> list[Slot]``.
- ``next_free_slot_by_structure(*, now, mode=None, departement=None) -> dict[int, Slot]``:
  the region-wide list (structure id → first free slot within the horizon); ``departement``
  filters on the structure's département (pass None for remote modes, which any structure of
  the region may serve).
- ``next_free_slot_by_structure_and_mode(*, now, departement=None)
  -> dict[int, dict[str, Slot]]``: the same, per mode, in one pass (for the public JSON).
- ``slot_is_free(*, advisor, starts_at, mode, now, exclude_appointment_id=None)
  -> Slot | None``: used by the booking services under a row lock.
- ``booking_window(now) -> (earliest, latest)``: the 48-hour rule and the horizon;
  ``interview_duration() -> timedelta``.
- ``is_public_holiday(day) -> bool``, ``public_holiday_name(day) -> str | None`` (« Noël »),
  ``slots_by_day(slots) -> list[(date, list[Slot])]``.
- ``active_appointments(...)`` / ``active_appointment_rows(...)``: the appointments that hold
  a slot (confirmed, or pending with a hold still running) over some days.

Elsewhere: the weekly minimum (``bookings.compliance``), the overlaps of availability periods
(``bookings.availability``), the young person's lists (``bookings.selectors``).

Rules: recurring and one-off availability, minus absences, French public holidays
(metropolitan) and active appointments (confirmed, or pending with a hold not yet expired);
only advisors bookable on the day of the slot (``advisors.selectors`` rules: current
designation, active account, initial training attended, active structure whose convention is in
force with services started); starts at least ``BOOKING_MIN_NOTICE_HOURS`` after ``now`` and no
later than ``now + BOOKING_HORIZON_WEEKS``.

Cost: four queries (advisors with their training date, their structures' conventions, weekly
and one-off availability, absences and active appointments of the window), then pure Python,
whatever the amount of data. The listing functions (``free_slots_for_structure``, ``next_free_*``)
keep what is *offered* (availability net of holidays, absences and bookability, over the booking
window) in ``bookings.slots.cache``, which every change of those inputs invalidates; a read from
the cache costs at most one query, the live one of the active appointments (hand-written SQL,
indexed). The region-wide lists (``next_free_*_by_structure*``) do not compute every offer of
the window: they walk each structure's days from the start of the window and stop as soon as
the question is answered (every mode a period of the structure offers found). Each process
keeps, until an appointment changes, the index of every appointment holding a slot of the
window (then read by every page of the process: no query at all), and what each structure's
walk found; when the offers token changes, the region's ``Calendar`` is loaded again (four
queries) and a structure's walk is kept if its inputs are equal (``Calendar.inputs_of``), so
one advisor's change makes one structure cold, not the region. The authority used under lock
(``slot_is_free``), ``free_slots`` on any queryset and ``bookings.compliance.weekly_compliance``
always read everything live.
"""

from .calendar import (
    MODES,
    PARIS,
    Slot,
    active_appointment_rows,
    active_appointments,
    booking_window,
    interview_duration,
    is_public_holiday,
    public_holiday_name,
)
from .free import (
    StructureRow,
    active_structures,
    free_slots,
    free_slots_for_structure,
    iter_free_slots_for_structure,
    next_free_slot_by_structure,
    next_free_slot_by_structure_and_mode,
    next_free_slots_for_structure,
    slot_is_free,
    slots_by_day,
    structure_get_active,
    structure_slot_offered,
)

__all__ = [
    "MODES",
    "PARIS",
    "Slot",
    "StructureRow",
    "active_appointment_rows",
    "active_appointments",
    "active_structures",
    "booking_window",
    "free_slots",
    "free_slots_for_structure",
    "interview_duration",
    "is_public_holiday",
    "iter_free_slots_for_structure",
    "next_free_slot_by_structure",
    "next_free_slot_by_structure_and_mode",
    "next_free_slots_for_structure",
    "public_holiday_name",
    "slot_is_free",
    "slots_by_day",
    "structure_get_active",
    "structure_slot_offered",
]
