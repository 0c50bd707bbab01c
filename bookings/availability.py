"""Reads about an advisor's availability periods: the period a new weekly or one-off period
would overlap (used by the availability services and the admin forms, which show the same
message), and what to tell the advisor about a period just published.

Public names: ``recurring_availability_clash(...)``, ``one_off_availability_clash(...)``,
``unused_end(...)``, ``publication_notes(...)``, ``first_bookable_day(...)``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from advisors.models import Advisor
from somobilite import clock

from .models import OneOffAvailability, RecurringAvailability
from .slots import is_public_holiday


def recurring_availability_clash(
    *, advisor: Advisor, weekday: int, start_time: dt.time, end_time: dt.time,
    valid_from: dt.date, valid_until: dt.date | None, exclude_pk: int | None = None,
) -> RecurringAvailability | OneOffAvailability | None:
    """An existing period of the advisor that a new weekly period would overlap, if any."""
    recurring = RecurringAvailability.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=valid_from),
        advisor=advisor, weekday=weekday, start_time__lt=end_time, end_time__gt=start_time,
    )
    if exclude_pk is not None:
        recurring = recurring.exclude(pk=exclude_pk)
    one_offs = OneOffAvailability.objects.filter(
        advisor=advisor, date__gte=valid_from, start_time__lt=end_time, end_time__gt=start_time)
    if valid_until is not None:
        recurring = recurring.filter(valid_from__lte=valid_until)
        one_offs = one_offs.filter(date__lte=valid_until)
    return recurring.first() or next((o for o in one_offs if o.date.weekday() == weekday), None)


def one_off_availability_clash(
    *, advisor: Advisor, date: dt.date, start_time: dt.time, end_time: dt.time,
    exclude_pk: int | None = None,
) -> RecurringAvailability | OneOffAvailability | None:
    """An existing period of the advisor that a new one-off period would overlap, if any."""
    one_offs = OneOffAvailability.objects.filter(
        advisor=advisor, date=date, start_time__lt=end_time, end_time__gt=start_time)
    if exclude_pk is not None:
        one_offs = one_offs.exclude(pk=exclude_pk)
    return one_offs.first() or RecurringAvailability.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=date),
        advisor=advisor, weekday=date.weekday(), valid_from__lte=date,
        start_time__lt=end_time, end_time__gt=start_time,
    ).first()


def unused_end(*, start_time: dt.time, end_time: dt.time) -> tuple[dt.time, dt.time] | None:
    """The end of a period (wall clock, same day) too short for one more interview, as
    (from, to), or None when the period is a whole number of interviews. The slot calendar
    cuts a period into ``INTERVIEW_DURATION_MINUTES`` steps from its start
    (``bookings.slots.calendar._window``): 09:00–10:30 gives 09:00 only, 10:00–10:30 unused."""
    minutes = settings.INTERVIEW_DURATION_MINUTES
    first = start_time.hour * 60 + start_time.minute
    last = end_time.hour * 60 + end_time.minute
    if last <= first or (last - first) % minutes == 0:
        return None
    used = first + (last - first) // minutes * minutes
    return dt.time(used // 60, used % 60), end_time


def publication_notes(*, availability: RecurringAvailability | OneOffAvailability,
                      now: dt.datetime) -> list[str]:
    """What to tell the advisor about a period she just published, in French sentences (none
    is a refusal: the period is saved and right):

    - the end of the period that cannot hold a one-hour interview (``unused_end``; tester
      t9a #10: a 09:00–10:30 range silently left 30 minutes unused);
    - for a period whose first day (``first_bookable_day``: the one-off's date, a weekly
      period's first weekday in its validity) is beyond the booking horizon
      (``BOOKING_HORIZON_WEEKS`` after ``now``, SPEC §3), the day young people will start
      seeing it (testers t9a #5, t9c #6): planning ahead is legitimate;
    - a weekly period whose validity holds no day to offer (nothing will ever be bookable).
    """
    notes = []
    unused = unused_end(start_time=availability.start_time, end_time=availability.end_time)
    if unused is not None:
        notes.append(_("Les entretiens durent %(minutes)s minutes : la fin de cette plage, "
                       "de %(start)s à %(end)s, ne peut pas en accueillir un et ne sera pas "
                       "proposée.") % {"minutes": settings.INTERVIEW_DURATION_MINUTES,
                                     "start": unused[0].strftime("%H:%M"),
                                     "end": unused[1].strftime("%H:%M")})
    first_day = first_bookable_day(availability=availability, now=now)
    if first_day is None:
        notes.append(_("Cette plage ne tombe sur aucun jour ouvré à venir entre ses dates de "
                       "validité : elle ne proposera aucun créneau aux jeunes."))
        return notes
    first_start = clock.paris_at(first_day, availability.start_time)
    opens_at = clock.before(first_start, dt.timedelta(weeks=settings.BOOKING_HORIZON_WEEKS))
    if opens_at > now:
        day = opens_at.astimezone(clock.PARIS).strftime("%d/%m/%Y")
        if isinstance(availability, OneOffAvailability):
            notes.append(_("Cette date est au-delà de l'horizon de réservation "
                           "(%(weeks)s semaines) : les jeunes pourront réserver ce créneau à "
                           "partir du %(day)s.")
                         % {"weeks": settings.BOOKING_HORIZON_WEEKS, "day": day})
        else:
            notes.append(_("Cette plage commence au-delà de l'horizon de réservation "
                           "(%(weeks)s semaines) : les jeunes pourront réserver son premier "
                           "créneau, le %(first)s, à partir du %(day)s.")
                         % {"weeks": settings.BOOKING_HORIZON_WEEKS, "day": day,
                            "first": first_day.strftime("%d/%m/%Y")})
    return notes


def first_bookable_day(*, availability: RecurringAvailability | OneOffAvailability,
                       now: dt.datetime) -> dt.date | None:
    """The first Paris day, from ``now`` on, on which ``availability`` offers its period: the
    one-off's date, or the weekly period's first weekday within its validity that is not a
    French public holiday (the slot calendar skips them, ``bookings.slots``). None when there
    is none (a validity holding no such day, or ended)."""
    today = now.astimezone(clock.PARIS).date()
    if isinstance(availability, OneOffAvailability):
        return availability.date if availability.date >= today else None
    day = max(availability.valid_from, today)
    day += dt.timedelta(days=(availability.weekday - day.weekday()) % 7)
    # A few weeks at most: two holidays never fall on the same weekday in a row for long.
    for _week in range(10):
        if availability.valid_until is not None and day > availability.valid_until:
            return None
        if not is_public_holiday(day):
            return day
        day += dt.timedelta(weeks=1)
    return None
