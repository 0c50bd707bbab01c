"""The network's figures of a year, on the hand-built year of tests/reports/world.py."""

import datetime as dt

import pytest

from advisors.statistics import network_figures, reference_day
from tests.reports.world import Year

pytestmark = pytest.mark.django_db


def test_network_of_a_finished_year_and_the_year_before():
    Year()
    year = network_figures(year=2025, today=dt.date(2026, 1, 15))
    assert year.reference_day == dt.date(2025, 12, 31)
    # A and B signed in 2024; C signed on 1 February 2025, ended on 1 August 2025.
    assert (year.structures_in_force_start, year.structures_in_force_end) == (2, 2)
    assert (year.conventions_signed, year.conventions_ended) == (1, 1)
    assert (year.advisors_start, year.advisors_end) == (2, 2)
    assert (year.advisors_designated, year.advisors_withdrawn) == (0, 0)
    assert year.advisors_trained == 2
    by_kind = {t.kind: (t.sessions, t.registered, t.attended) for t in year.training}
    assert by_kind == {"initial": (1, 3, 2), "network_event": (1, 2, 1), "further": (0, 0, 0)}
    assert [(s.date, s.registered, s.attended) for s in year.sessions] == [
        (dt.date(2025, 4, 10), 3, 2), (dt.date(2025, 6, 20), 2, 1)]

    before = network_figures(year=2024, today=dt.date(2026, 1, 15))
    assert (before.structures_in_force_start, before.structures_in_force_end) == (0, 2)
    assert (before.conventions_signed, before.conventions_ended) == (2, 0)
    assert (before.advisors_designated, before.advisors_trained) == (2, 2)


def test_a_year_in_progress_counts_up_to_today():
    Year()
    # On 1 July 2025 C's end (1 August) is only scheduled: not counted as ended yet.
    year = network_figures(year=2025, today=dt.date(2025, 7, 1))
    assert year.reference_day == dt.date(2025, 7, 1)
    assert (year.structures_in_force_end, year.conventions_ended) == (3, 0)
    assert [s.date for s in year.sessions] == [dt.date(2025, 4, 10), dt.date(2025, 6, 20)]


def test_a_year_not_begun_is_refused():
    with pytest.raises(ValueError, match="has not begun"):
        reference_day(2027, dt.date(2026, 12, 31))
