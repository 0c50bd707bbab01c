"""The "first look" of "Mon espace": before the interview, the programmes the matching engine
ranks first on the young person's own profile, with its met and missing lines. The same
engine and the same published sheets as the advisor's matching, no rule of its own. Nothing
is sent to anyone; what was shown and what the young person opened is kept
(``FirstLookView``) so the advisor can see it in the interview screen.

Public contract:
- ``first_look_for_youth(*, profile, on) -> FirstLook`` (read): ``ready`` False until the
  profile has a birth date and at least one wish (domain, zone or country); ``items`` the
  first ``FIRST_LOOK_SIZE`` results. Three queries at most (sheets version, titles;
  converting the sheets is cached per process), whatever the number of sheets.
- ``first_look_record_shown(*, youth, items, now)`` (write, one query): remember what was
  shown (first and last time, rank).
- ``first_look_record_opened(*, youth, slug, now) -> bool`` (write): the young person opened
  a sheet from the panel; False when it was not shown to them.
- ``first_look_views_for_youth(*, youth) -> list[FirstLookView]`` (read, for the advisor's
  interview screen): what the young person was shown, with ``sheet`` loaded, by rank of the
  last display; ``opened_at`` / ``times_opened`` say what they opened. One query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeGuard

from django.db.models import F

from accounts.models import User
from programmes.selectors import published_sheet_data, published_sheets

from .engine import match
from .models import FirstLookView, MobilityProfile
from .services import profile_data

FIRST_LOOK_SIZE = 3


@dataclass(frozen=True, slots=True)
class FirstLookItem:
    sheet_id: int
    slug: str
    title: str
    summary: str
    met: tuple[str, ...]
    missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FirstLook:
    ready: bool
    items: tuple[FirstLookItem, ...] = ()


def profile_ready_for_first_look(profile: MobilityProfile | None,
                                 ) -> TypeGuard[MobilityProfile]:
    """A birth date (age conditions) and at least one wish to rank by (True: ``profile`` is
    one)."""
    return (profile is not None and profile.birth_date is not None
            and bool(profile.wish_domains or profile.wish_zones or profile.wish_countries))


def first_look_for_youth(*, profile: MobilityProfile | None, on: dt.date) -> FirstLook:
    """See the module docstring; ``on`` is the Paris date the ages are counted on."""
    if not profile_ready_for_first_look(profile):
        return FirstLook(ready=False)
    result = match(profile_data(profile), published_sheet_data(), on=on)
    top = result.results[:FIRST_LOOK_SIZE]
    sheets = {row["slug"]: row for row in published_sheets().filter(
        slug__in=[item.slug for item in top]).values("id", "slug", "title", "summary")}
    return FirstLook(ready=True, items=tuple(
        FirstLookItem(sheet_id=sheets[item.slug]["id"], slug=item.slug,
                      title=sheets[item.slug]["title"], summary=sheets[item.slug]["summary"],
                      met=item.met, missing=item.missing)
        for item in top if item.slug in sheets))


def first_look_record_shown(*, youth: User, items: Sequence[FirstLookItem],
                            now: dt.datetime) -> None:
    """Upsert one row per sheet shown: ``first_shown_at`` kept, ``last_shown_at`` and
    ``rank`` (1 = first) updated."""
    if not items:
        return
    FirstLookView.objects.bulk_create(
        [FirstLookView(youth=youth, sheet_id=item.sheet_id, first_shown_at=now,
                       last_shown_at=now, rank=rank)
         for rank, item in enumerate(items, start=1)],
        update_conflicts=True, unique_fields=["youth", "sheet"],
        update_fields=["last_shown_at", "rank"])


def first_look_record_opened(*, youth: User, slug: str, now: dt.datetime) -> bool:
    """Count an opening of a sheet shown to ``youth``; False if it was never shown."""
    return bool(FirstLookView.objects.filter(youth=youth, sheet__slug=slug).update(
        opened_at=now, times_opened=F("times_opened") + 1))


def first_look_views_for_youth(*, youth: User) -> list[FirstLookView]:
    return list(FirstLookView.objects.filter(youth=youth).select_related("sheet")
                .order_by("-last_shown_at", "rank"))
