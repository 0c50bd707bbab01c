"""Each app says what personal data it holds about a user, in its own ``personal_data`` module.

An app registers a provider with ``register(...)``: how to export the data of one person, how
to erase or anonymise it, and which related dates count as that person's activity (for the
retention period). The privacy services call every provider, so a new app that stores personal
data joins the export, the deletion and the retention task by registering, without any change
here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ExportFn = Callable[[Any], Any]
EraseFn = Callable[..., None]
PurgeFn = Callable[..., dict[str, int]]


@dataclass(frozen=True)
class PersonalDataProvider:
    label: str
    export: ExportFn
    erase: EraseFn
    order: int = 100
    """Erasure runs in increasing order; the account itself is erased last (order 1000)."""
    activity_lookups: tuple[str, ...] = field(default_factory=tuple)
    """User-relative lookups of datetimes that count as activity, e.g. "appointments__ends_at"."""
    purge_expired: PurgeFn | None = None
    """Deletes short-lived data past its expiry (unconfirmed holds…); returns counts by kind."""


_providers: dict[str, PersonalDataProvider] = {}


def register(
    label: str,
    *,
    export: ExportFn,
    erase: EraseFn,
    order: int = 100,
    activity_lookups: tuple[str, ...] = (),
    purge_expired: PurgeFn | None = None,
) -> None:
    _providers[label] = PersonalDataProvider(
        label, export, erase, order, activity_lookups, purge_expired
    )


def providers() -> list[PersonalDataProvider]:
    return sorted(_providers.values(), key=lambda p: (p.order, p.label))
