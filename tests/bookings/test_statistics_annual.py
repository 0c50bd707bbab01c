"""The interview figures added for the annual report, on the hand-built year of
tests/reports/world.py."""

import datetime as dt

import pytest

from bookings.statistics import (
    Filters,
    attendance,
    attendance_from_outcomes,
    interview_counts,
    interviews_by_structure_and_outcome,
    young_people_received,
)
from tests.reports.world import NOW, Year

pytestmark = pytest.mark.django_db

YEAR_2025 = Filters(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))


def test_interviews_by_structure_and_outcome_agree_with_the_other_figures():
    world = Year()
    counts = interviews_by_structure_and_outcome(YEAR_2025, now=NOW)
    assert counts == {
        world.a.pk: {"done": 3, "no_show": 1, "cancelled_by_youth": 1},
        world.b.pk: {"done": 1, "late_cancelled": 1},
    }
    whole = {key[0]: n for key, n in interview_counts(YEAR_2025, "outcome", now=NOW).items()}
    assert attendance_from_outcomes(whole) == attendance(YEAR_2025, now=NOW)
    rate = attendance_from_outcomes(counts[world.a.pk]).no_show_rate
    assert rate == 0.25


def test_young_people_received_counts_each_person_once():
    Year()
    assert young_people_received(YEAR_2025) == 3  # Y1 twice, Y2, Y5; no-shows not received
    assert young_people_received(Filters(start=dt.date(2024, 1, 1),
                                         end=dt.date(2024, 12, 31))) == 1
