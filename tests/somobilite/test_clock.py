"""Elapsed time is computed in UTC; wall-clock times are built for a day (somobilite.clock)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from somobilite import clock

PARIS = ZoneInfo("Europe/Paris")
HOUR = dt.timedelta(hours=1)
# The Sundays the clocks change in 2026 and 2027 (forward in March, back in October).
SPRING = [dt.date(2026, 3, 29), dt.date(2027, 3, 28)]
AUTUMN = [dt.date(2026, 10, 25), dt.date(2027, 10, 31)]


def paris(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


@pytest.mark.parametrize("day", SPRING + AUTUMN)
def test_after_and_before_count_elapsed_hours_across_the_change(day):
    saturday_noon = paris(day - dt.timedelta(days=1), 12)
    sunday_noon = paris(day, 12)
    # Python's own arithmetic on the wall clock: 24 "hours" that are 23 or 25.
    wall = (sunday_noon.timestamp() - saturday_noon.timestamp()) / 3600
    assert wall in (23, 25)
    assert clock.after(saturday_noon, 24 * HOUR).timestamp() - saturday_noon.timestamp() == 86400
    assert clock.before(sunday_noon, 24 * HOUR).timestamp() == sunday_noon.timestamp() - 86400
    assert clock.after(saturday_noon, 48 * HOUR).tzinfo == dt.UTC


def test_spring_forward_noon_to_noon_is_23_hours_and_24_hours_later_is_13_00():
    assert clock.after(paris(SPRING[0] - dt.timedelta(days=1), 12), 24 * HOUR) == paris(
        SPRING[0], 13)
    assert clock.after(paris(AUTUMN[0] - dt.timedelta(days=1), 12), 24 * HOUR) == paris(
        AUTUMN[0], 11)


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="aware"):
        clock.after(dt.datetime(2026, 3, 29, 12), HOUR)  # noqa: DTZ001 (naive on purpose)


@pytest.mark.parametrize("day", SPRING)
def test_the_skipped_hour_does_not_exist(day):
    assert not clock.paris_exists(day, dt.time(2, 30))
    assert clock.paris_exists(day, dt.time(1, 59)) and clock.paris_exists(day, dt.time(3))


@pytest.mark.parametrize("day", AUTUMN)
def test_the_repeated_hour_exists_and_reads_as_summer_time(day):
    assert clock.paris_exists(day, dt.time(2, 30))
    assert clock.paris_at(day, dt.time(2, 30)).utcoffset() == 2 * HOUR
