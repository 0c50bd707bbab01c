"""The search for a structure: where the young person lives (a ``territory.places.Place``)
and the interview mode give the structures to show, nearest first, each with its next free
slot.

Public contract:
- ``structures_near(*, place, mode, now) -> SearchResults``. Groups, in this order:
  ``local`` (the structures of the commune, or of the postal code), ``departement`` (the other
  structures of its département) and ``remote`` (structures elsewhere in the region with a free
  video or phone slot: any structure of the region may hold a remote interview). Without a
  place, every structure is in ``departement`` (the whole region) — for a remote mode, those
  with a free slot in it. Within a group: the soonest free slot first, structures without one
  last, then by name. A mode of ``None`` means any mode; ``in_person`` has no remote group.

Cost: no query when the region's offers are cached (the active structures come from
``slots.active_structures`` and the first free slots from
``slots.next_free_slot_by_structure_and_mode``, both kept in ``slots.cache``); otherwise the
queries of those two, whatever the number of structures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from territory.places import Place

from .models import REMOTE_MODES, Mode
from .slots import Slot, StructureRow, active_structures, next_free_slot_by_structure_and_mode

_FAR = dt.datetime.max.replace(tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class SearchRow:
    structure: StructureRow
    slot: Slot | None
    """The next free slot in the modes of the search (None: no free slot in the horizon)."""
    mode: str | None
    """The mode to show the structure's slots in (the search's, or the remote mode of the
    next remote slot in the ``remote`` group)."""


@dataclass(frozen=True, slots=True)
class SearchResults:
    local: tuple[SearchRow, ...]
    departement: tuple[SearchRow, ...]
    remote: tuple[SearchRow, ...]

    @property
    def any_free(self) -> bool:
        return any(row.slot for rows in (self.local, self.departement, self.remote)
                   for row in rows)

    @property
    def empty(self) -> bool:
        return not (self.local or self.departement or self.remote)


def structures_near(*, place: Place | None, mode: str | None,
                    now: dt.datetime) -> SearchResults:
    """See the module docstring. ``now`` is an aware datetime (the 48-hour rule and the
    horizon count from it); ``mode`` is a ``Mode`` value or None."""
    by_mode = next_free_slot_by_structure_and_mode(now=now)
    modes = (mode,) if mode else tuple(Mode.values)
    remote_modes = () if mode == Mode.IN_PERSON else (
        (mode,) if mode in REMOTE_MODES else tuple(m for m in Mode.values if m in REMOTE_MODES))
    remote_only = mode in REMOTE_MODES
    local: list[SearchRow] = []
    departement: list[SearchRow] = []
    remote: list[SearchRow] = []
    for structure in active_structures():
        firsts = by_mode.get(structure.pk, {})
        near = place is None or structure.departement == place.departement
        if near:
            slot, slot_mode = _first(firsts, modes)
            if slot is None and remote_only:
                continue
            row = SearchRow(structure, slot, mode)
            is_local = place is not None and place.is_local(
                commune=structure.commune, postal_code=structure.postal_code,
                departement=structure.departement)
            (local if is_local else departement).append(row)
        elif remote_modes:
            slot, slot_mode = _first(firsts, remote_modes)
            if slot is not None:
                remote.append(SearchRow(structure, slot, mode or slot_mode))
    return SearchResults(local=_sorted(local), departement=_sorted(departement),
                         remote=_sorted(remote))


def _first(firsts: dict[str, Slot], modes: tuple[str, ...]) -> tuple[Slot | None, str | None]:
    """The soonest of the first free slots in ``modes``, and the mode it was found for."""
    found = [(firsts[m].starts_at, i, m) for i, m in enumerate(modes) if m in firsts]
    if not found:
        return None, None
    _starts_at, _i, found_mode = min(found)
    return firsts[found_mode], found_mode


def _sorted(rows: list[SearchRow]) -> tuple[SearchRow, ...]:
    return tuple(sorted(rows, key=lambda row: (
        row.slot.starts_at if row.slot else _FAR, row.structure.public_name)))
