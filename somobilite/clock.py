"""Elapsed time and wall-clock time, kept apart.

Python adds a ``timedelta`` to an aware datetime on its *wall clock*: 24 hours before Sunday
29 March 2026 11:00 in Europe/Paris gives Saturday 11:00, which is only 23 hours earlier (the
clocks went forward at 2:00). Every rule that speaks of a duration — the 48-hour notice, the
reminder 24 hours before, the hold of a slot, the booking horizon, the length of an interview,
retention delays — means elapsed time, so it goes through ``after`` / ``before``, which compute
in UTC.

Wall-clock arithmetic is right only for "the same local time on another day" (a weekly
availability at 9:00 is at 9:00 in summer and in winter): build those with ``paris_at``.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
UTC = dt.UTC


def after(moment: dt.datetime, duration: dt.timedelta) -> dt.datetime:
    """``moment`` plus ``duration`` of elapsed time, as an aware UTC datetime.

    Raises ``ValueError`` for a naive ``moment`` (its instant is unknown).
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"aware datetime expected, got {moment!r}")
    return moment.astimezone(UTC) + duration


def before(moment: dt.datetime, duration: dt.timedelta) -> dt.datetime:
    """``moment`` minus ``duration`` of elapsed time, as an aware UTC datetime (see ``after``)."""
    return after(moment, -duration)


def paris_at(day: dt.date, time: dt.time) -> dt.datetime:
    """The Europe/Paris wall-clock ``time`` on ``day`` (weekly recurrence, day boundaries).

    On the autumn change a time read twice is its first occurrence (summer time); on the
    spring change a time that does not exist is read with the winter offset (so 2:30 is
    3:30 summer time) — use ``paris_exists`` to skip those.
    """
    return dt.datetime.combine(day, time, tzinfo=PARIS)


def paris_exists(day: dt.date, time: dt.time) -> bool:
    """Whether the wall-clock ``time`` happens on ``day`` in Europe/Paris (False inside the
    hour skipped when the clocks go forward)."""
    moment = paris_at(day, time)
    back = moment.astimezone(UTC).astimezone(PARIS)
    return (back.date(), back.time()) == (day, time)
