"""Overlaps of an advisor's availability periods: the period a new weekly or one-off period
would overlap (used by the availability services and the admin forms, which show the same
message).

Public names: ``recurring_availability_clash(...)``, ``one_off_availability_clash(...)``.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from advisors.models import Advisor

from .models import OneOffAvailability, RecurringAvailability


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
