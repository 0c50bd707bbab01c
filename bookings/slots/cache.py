"""Cache of what advisors offer (availability net of absences, public holidays and the
bookability rules), shared through the Django cache and invalidated by a version token; and,
in each process, the index of the appointments that make offered slots busy, under a second
token.

Why: offered slots derive from advisors, their structures, conventions and training,
availability and absences — data that changes a few times a day — while the pages listing free
slots are read all the time. Appointments change more often: they are never stored in the shared
cache. The selectors subtract them either with one live, indexed query, or with an index of all
active appointments of the booking window kept in process memory under the appointments token.

Invalidation: every saved or deleted row of an input model replaces the offers token, every
saved or deleted appointment (and every ``Appointment.objects`` bulk write, see
``bookings.models.AppointmentQuerySet``) the appointments token, so entries written under a
previous token are never read again. The handlers below hold no business rule; they only
invalidate. A write made inside a transaction replaces the shared token when the transaction
commits; until then that transaction reads and fills entries under a private token of its own
(it sees its change at once, and other processes never see entries computed from data that may
still be rolled back); for appointments it simply reads them live. Writes that send no signal
(``bulk_create`` or ``update`` of the input models, raw SQL, data migrations) must call
``bump_availability_version()`` / ``bump_appointments_version()``; entries also expire after
``ENTRY_SECONDS``.

The receivers are connected by ``BookingsConfig.ready`` (and whenever ``bookings.slots.free``
imports this module).

The cache is an optimisation, never a point of failure: when the shared cache cannot be reached
(``somobilite.cache``: reads miss, writes are dropped) there is no token, ``get`` misses,
``put`` keeps nothing and appointments are read live, so every read is computed live.
Invalidations made during the outage are lost, so a process that saw it replaces both tokens
when the cache answers again (``cache_recovered``); a process that dies before that leaves
entries at most ``ENTRY_SECONDS`` old.

Entries are read through a per-process memo that keeps one generation: the entries of the
current shared token only (a new token empties it), so a worker's memory is bounded by the size
of one generation whatever the number of invalidations. A region-wide entry is then not
unpickled on every request. Within one HTTP request the shared tokens are read once, in one
round trip (the request sees the offers and appointments as they were when it started, as if
served a few milliseconds earlier); a write made by the request itself forgets them.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from typing import Any

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_init, post_save

from accounts.models import User
from advisors.models import Advisor, Convention, Structure, TrainingAttendance, TrainingSession
from somobilite.cache import cache_recovered

from ..models import (
    BUSY_FIELDS,
    Absence,
    Appointment,
    OneOffAvailability,
    RecurringAvailability,
    appointments_written,
)

FORMAT = 3
"""Raise when the shape of cached entries changes (a deployment then ignores older ones)."""
ENTRY_SECONDS = 60 * 60
PRIVATE_MEMO_SIZE = 16
"""Entries kept per process for the private tokens of open transactions (tests, admin)."""

INPUT_MODELS = (Structure, Convention, Advisor, TrainingSession, TrainingAttendance,
                RecurringAvailability, OneOffAvailability, Absence)

OFFERS, APPOINTMENTS, DERIVED, LASTING = "offers", "appointments", "derived", "lasting"
"""The two tokens: what is offered (shared entries), and the active appointments; the
process memo of what derives from both (keyed by both tokens); and the process entries that
outlive the tokens (``kept_get``)."""

_PRIVATE = "_bookings_slot_cache_private"
"""Prefix of attributes of the (per-thread) connection: per token kind, the (token, on-commit
callback) of each write made in the open transaction."""
PRIVATE_PREFIX = "private-"

_WAS_ACTIVE = "_slot_cache_was_active"
"""Key, in a loaded User's ``__dict__``, of ``is_active`` as loaded (to tell whether a save
changed it)."""

_request = Local()
"""``active`` during an HTTP request, and the shared ``versions`` it read."""


class _Generation:
    """The process memo of one token kind: the entries of one shared token (a new token drops
    them all), and a few entries of private tokens."""

    def __init__(self) -> None:
        self.version: str | None = None
        self.entries: dict[str, Any] = {}
        self.private: OrderedDict[str, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, version: str, key: str) -> Any | None:
        with self.lock:
            if version.startswith(PRIVATE_PREFIX):
                return self.private.get(key)
            return self.entries.get(key) if version == self.version else None

    def put(self, version: str, key: str, value: Any) -> None:
        with self.lock:
            if version.startswith(PRIVATE_PREFIX):
                self.private[key] = value
                while len(self.private) > PRIVATE_MEMO_SIZE:
                    self.private.popitem(last=False)
                return
            if version != self.version:
                self.version, self.entries = version, {}
            self.entries[key] = value

    def clear(self) -> None:
        with self.lock:
            self.version, self.entries = None, {}
            self.private.clear()


class _Lasting(_Generation):
    """Process entries kept whatever the tokens: their users compare what each was computed
    from (see ``kept_get``)."""

    def get(self, version: str, key: str) -> Any | None:
        with self.lock:
            return self.entries.get(key)

    def put(self, version: str, key: str, value: Any) -> None:
        with self.lock:
            self.entries[key] = value


_memo = {OFFERS: _Generation(), APPOINTMENTS: _Generation(), DERIVED: _Generation(),
         LASTING: _Lasting()}


def _version_key(kind: str = OFFERS) -> str:
    # The database name keeps apart databases sharing one cache (tests, benchmark, site).
    return f"bookings:{kind}-version:{connection.settings_dict['NAME']}"


def _shared_versions() -> dict[str, str | None]:
    """Both shared tokens (created when missing, e.g. after the cache was cleared), read in one
    round trip, once per HTTP request; None while the shared cache is unavailable."""
    versions: dict[str, str | None] | None = getattr(_request, "versions", None)
    if versions:
        return versions
    keys = {kind: _version_key(kind) for kind in (OFFERS, APPOINTMENTS)}
    found = cache.get_many(list(keys.values()))
    versions = {}
    for kind, key in keys.items():
        version = found.get(key)
        if version is None:
            cache.add(key, uuid.uuid4().hex, timeout=None)
            version = cache.get(key)
        versions[kind] = version
    if None not in versions.values() and getattr(_request, "active", False):
        _request.versions = versions
    return versions


def availability_version() -> str | None:
    """The token to read and fill offers entries with: the private one of the current
    transaction when it wrote an input, else the shared one. None when the shared cache is
    unavailable: then nothing is read from or kept in the cache."""
    private = _private_token(OFFERS)
    if private is not None:
        return private
    return _shared_versions()[OFFERS]


def appointments_version() -> str | None:
    """The token of the appointments index, or None while the open transaction wrote an
    appointment, or while the shared cache is unavailable (appointments are then read live)."""
    if _private_token(APPOINTMENTS) is not None:
        return None
    return _shared_versions()[APPOINTMENTS]


def bump_availability_version() -> None:
    """Forget every cached offers entry (of the current database)."""
    _bump(OFFERS)


def bump_appointments_version() -> None:
    """Forget every process's index of appointments (of the current database)."""
    _bump(APPOINTMENTS)


def _bump(kind: str) -> None:
    _request.versions = None
    cache.set(_version_key(kind), uuid.uuid4().hex, timeout=None)


def _private_token(kind: str) -> str | None:
    """The token of the last write of the open transaction that is not rolled back: a write's
    on-commit callback stays pending until the transaction commits, and is discarded when the
    transaction, or the savepoint the write was made in, rolls back."""
    stack = getattr(connection, f"{_PRIVATE}_{kind}", None)
    if not stack:
        return None
    # Entries are (savepoint ids, callback, robust).
    pending = ({id(entry[1]) for entry in connection.run_on_commit}
               if connection.in_atomic_block else set())
    while stack and id(stack[-1][1]) not in pending:
        stack.pop()
    token: str | None = stack[-1][0] if stack else None
    return token


def _entry_key(version: str, parts: tuple[object, ...]) -> str:
    return ":".join(["bookings:offers", str(FORMAT), version,
                     str(settings.INTERVIEW_DURATION_MINUTES), *map(str, parts)])


def get(version: str | None, parts: tuple[object, ...]) -> Any | None:
    """The offers entry stored under ``parts`` for ``version``, or None (always without a
    version)."""
    if version is None:
        return None
    key = _entry_key(version, parts)
    value = _memo[OFFERS].get(version, key)
    if value is not None or version.startswith(PRIVATE_PREFIX):
        return value
    value = cache.get(key)
    if value is not None:
        _memo[OFFERS].put(version, key, value)
    return value


def put(version: str | None, parts: tuple[object, ...], value: Any) -> None:
    """Store ``value`` (treated as read-only from now on) under ``parts`` for ``version``
    (nothing without a version)."""
    if version is None:
        return
    key = _entry_key(version, parts)
    if not version.startswith(PRIVATE_PREFIX):
        cache.set(key, value, timeout=ENTRY_SECONDS)
    _memo[OFFERS].put(version, key, value)


def local_get(version: str, parts: tuple[object, ...], *, kind: str = APPOINTMENTS) -> Any | None:
    """An entry of this process only (see ``local_put``)."""
    return _memo[kind].get(version, ":".join(map(str, parts)))


def local_put(version: str, parts: tuple[object, ...], value: Any, *,
              kind: str = APPOINTMENTS) -> None:
    """Keep ``value`` (read-only from now on) in this process until ``version`` changes: the
    appointments token (``APPOINTMENTS``), or both tokens joined (``DERIVED``). What derives
    from the appointments is cheaper to rebuild than to share."""
    _memo[kind].put(version, ":".join(map(str, parts)), value)


def kept_get(parts: tuple[object, ...]) -> Any | None:
    """An entry of this process kept whatever the tokens (see ``keep``)."""
    return _memo[LASTING].get("", ":".join(map(str, parts)))


def keep(parts: tuple[object, ...], value: Any) -> None:
    """Keep ``value`` in this process until replaced under the same ``parts``, whatever the
    tokens: for values that carry the tokens and inputs they were computed from, and are
    checked against them by whoever reads them (one value per ``parts``: bounded)."""
    _memo[LASTING].put("", ":".join(map(str, parts)), value)


def _request_started(**_kwargs: object) -> None:
    _request.active, _request.versions = True, None


def _request_finished(**_kwargs: object) -> None:
    _request.active, _request.versions = False, None


def _invalidate(kind: str) -> None:
    _request.versions = None
    if not connection.in_atomic_block:  # autocommit: the change is visible to all already
        _bump(kind)
        return

    def publish() -> None:
        _bump(kind)

    attribute = f"{_PRIVATE}_{kind}"
    stack = getattr(connection, attribute, None)
    if stack is None:
        stack = []
        setattr(connection, attribute, stack)
    transaction.on_commit(publish)
    stack.append((f"{PRIVATE_PREFIX}{uuid.uuid4().hex}", publish))


def _cache_recovered(sender: object, **kwargs: object) -> None:
    _bump(OFFERS)
    _bump(APPOINTMENTS)


def _input_saved(sender: object, **kwargs: object) -> None:
    _invalidate(OFFERS)


def _appointment_saved(sender: object, update_fields: frozenset[str] | None = None,
                       **kwargs: object) -> None:
    # Reminders, anonymisation, notes: what does not change when a slot is busy changes nothing.
    if update_fields is not None and not BUSY_FIELDS.intersection(update_fields):
        return
    _invalidate(APPOINTMENTS)


def _appointments_written(sender: object, fields: frozenset[str] | None = None,
                          **kwargs: object) -> None:
    if fields is not None and not BUSY_FIELDS.intersection(fields):
        return
    _invalidate(APPOINTMENTS)


def _user_loaded(sender: object, instance: User, **kwargs: object) -> None:
    # Deferred (not loaded) stays unknown: a save then invalidates, to be safe.
    if "is_active" in instance.__dict__:
        instance.__dict__[_WAS_ACTIVE] = instance.is_active


def _user_saved(sender: object, instance: User, created: bool,
                update_fields: frozenset[str] | None = None, **kwargs: object) -> None:
    # Of an account, only ``is_active`` matters to what is offered (and a new account has no
    # designation yet): youth accounts saved while booking, logins, leave the cache alone.
    if created or (update_fields is not None and "is_active" not in update_fields):
        return
    if "is_active" in instance.__dict__:
        if instance.__dict__.get(_WAS_ACTIVE) == instance.is_active:
            return
        instance.__dict__[_WAS_ACTIVE] = instance.is_active
    _invalidate(OFFERS)


for _model in INPUT_MODELS:
    post_save.connect(_input_saved, sender=_model, dispatch_uid=f"slot_cache_{_model.__name__}")
    post_delete.connect(_input_saved, sender=_model,
                        dispatch_uid=f"slot_cache_del_{_model.__name__}")
post_save.connect(_appointment_saved, sender=Appointment, dispatch_uid="slot_cache_appointment")
post_delete.connect(_appointment_saved, sender=Appointment,
                    dispatch_uid="slot_cache_del_appointment")
appointments_written.connect(_appointments_written, dispatch_uid="slot_cache_appointments")
cache_recovered.connect(_cache_recovered, dispatch_uid="slot_cache_recovered")
request_started.connect(_request_started, dispatch_uid="slot_cache_request_started")
request_finished.connect(_request_finished, dispatch_uid="slot_cache_request_finished")
post_init.connect(_user_loaded, sender=User, dispatch_uid="slot_cache_user_init")
post_save.connect(_user_saved, sender=User, dispatch_uid="slot_cache_user")
post_delete.connect(_input_saved, sender=User, dispatch_uid="slot_cache_del_user")
