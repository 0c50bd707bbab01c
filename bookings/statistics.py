"""Interview statistics for coordinators (the figures of the annual report).

They read only the fields an appointment keeps once its young person is anonymised (age at
the interview, département, status, domains, mode, structure, dates, outcome), so the figures
of a past year never change when people are erased.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from .models import Appointment, AppointmentStatus

PARIS = ZoneInfo("Europe/Paris")

AGE_BANDS = ((0, 14, "moins de 15 ans"), (15, 17, "15-17 ans"), (18, 25, "18-25 ans"),
             (26, 30, "26-30 ans"), (31, 200, "31 ans et plus"))


def age_band(age: int | None) -> str:
    if age is None:
        return "non renseigné"
    return next(label for low, high, label in AGE_BANDS if low <= age <= high)


@dataclass
class InterviewStatistics:
    booked: int = 0
    done: int = 0
    no_show: int = 0
    #: Cancelled by the young person at the last minute (recorded by the advisor after the
    #: start): a booked interview that did not take place, apart from no-shows.
    late_cancelled: int = 0
    cancelled: int = 0
    by_structure: Counter = field(default_factory=Counter)
    by_departement: Counter = field(default_factory=Counter)
    by_mode: Counter = field(default_factory=Counter)
    by_month: Counter = field(default_factory=Counter)
    by_age_band: Counter = field(default_factory=Counter)
    by_status: Counter = field(default_factory=Counter)
    by_domain: Counter = field(default_factory=Counter)


def interview_statistics(*, start: date, end: date) -> InterviewStatistics:
    """Figures for interviews that start between ``start`` and ``end`` (inclusive)."""
    stats = InterviewStatistics()
    rows = Appointment.objects.filter(
        starts_at__date__gte=start, starts_at__date__lte=end,  # dates in Europe/Paris
    ).exclude(status__in=[AppointmentStatus.PENDING, AppointmentStatus.EXPIRED]).values_list(
        "status", "structure__public_name", "departement", "mode", "starts_at",
        "age_at_interview", "youth_status", "domains",
    )
    for status, structure, departement, mode, starts_at, age, youth_status, domains in rows:
        if status in (AppointmentStatus.CANCELLED_BY_YOUTH,
                      AppointmentStatus.CANCELLED_BY_STRUCTURE):
            stats.cancelled += 1
            continue
        stats.booked += 1
        stats.done += status == AppointmentStatus.DONE
        stats.no_show += status == AppointmentStatus.NO_SHOW
        stats.late_cancelled += status == AppointmentStatus.LATE_CANCELLED
        stats.by_structure[structure] += 1
        stats.by_departement[departement] += 1
        stats.by_mode[mode] += 1
        stats.by_month[starts_at.astimezone(PARIS).strftime("%Y-%m")] += 1
        stats.by_age_band[age_band(age)] += 1
        stats.by_status[youth_status] += 1
        stats.by_domain.update(domains)
    return stats
