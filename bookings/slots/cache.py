"""Cache of what advisors offer (availability net of absences, public holidays and the
bookability rules), shared through the Django cache and invalidated by a version token.

Why: offered slots derive from advisors, their structures, conventions and training,
availability and absences — data that changes a few times a day — while the pages listing free
slots are read all the time. Appointments change often and are never cached: the selectors
subtract them with one live, indexed query on every call.

Invalidation: every saved or deleted row of an input model replaces the token, so entries
written under the previous one are never read again. The handlers below hold no business rule;
they only invalidate this cache. A write made inside a transaction replaces the shared token
when the transaction commits; until then that transaction reads and fills entries under a
private token of its own (it sees its change at once, and other processes never see entries
computed from data that may still be rolled back). Writes that send no signal
(``QuerySet.update``, ``bulk_create``, raw SQL, data migrations) must call
``bump_availability_version()``; entries also expire after ``ENTRY_SECONDS``.

The receivers are connected by ``BookingsConfig.ready`` (and whenever ``bookings.slots.free``
imports this module).

The cache is an optimisation, never a point of failure: when the shared cache cannot be reached
(``somobilite.cache``: reads miss, writes are dropped) there is no token, ``get`` misses and
``put`` keeps nothing, so every read is computed live. Invalidations made during the outage are
lost, so a process that saw it replaces the token when the cache answers again
(``cache_recovered``); a process that dies before that leaves entries at most ``ENTRY_SECONDS``
old.

Entries are read through a small per-process memo (keyed by the token, so no stale read): a
region-wide entry is then not unpickled on every request. Within one HTTP request the shared
token is read once (the request sees the offers as they were when it started, as if served a
few milliseconds earlier); a write made by the request itself forgets it.
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

from ..models import Absence, OneOffAvailability, RecurringAvailability

FORMAT = 2
"""Raise when the shape of cached entries changes (a deployment then ignores older ones)."""
ENTRY_SECONDS = 60 * 60
MEMO_SIZE = 128
"""Entries kept unpickled per process: a region-wide one holds some 16,000 offers (a few MB)."""

INPUT_MODELS = (Structure, Convention, Advisor, TrainingSession, TrainingAttendance,
                RecurringAvailability, OneOffAvailability, Absence)

_PRIVATE = "_bookings_slot_cache_private"
"""Attribute of the (per-thread) connection: the (token, on-commit callback) of each write to an
input made in the open transaction."""
PRIVATE_PREFIX = "private-"

_request = Local()
"""``active`` during an HTTP request, and the shared ``version`` it read."""

_memo: OrderedDict[str, Any] = OrderedDict()
_memo_lock = threading.Lock()


def _version_key() -> str:
    # The database name keeps apart databases sharing one cache (tests, benchmark, site).
    return f"bookings:offers-version:{connection.settings_dict['NAME']}"


def availability_version() -> str | None:
    """The token to read and fill entries with: the private one of the current transaction
    when it wrote an input, else the shared one (created when missing, e.g. after the cache
    was cleared), read once per HTTP request. None when the shared cache is unavailable: then
    nothing is read from or kept in the cache."""
    private = _private_token()
    if private is not None:
        return private
    version = getattr(_request, "version", None)
    if version is not None:
        return version
    key = _version_key()
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        version = cache.get(key)
    if version is None:
        return None
    if getattr(_request, "active", False):
        _request.version = version
    return version


def bump_availability_version() -> None:
    """Forget every cached entry (of the current database)."""
    _request.version = None
    cache.set(_version_key(), uuid.uuid4().hex, timeout=None)


def _private_token() -> str | None:
    """The token of the last write of the open transaction that is not rolled back: a write's
    on-commit callback stays pending until the transaction commits, and is discarded when the
    transaction, or the savepoint the write was made in, rolls back."""
    stack = getattr(connection, _PRIVATE, None)
    if not stack:
        return None
    pending = ({id(func) for _sids, func, _robust in connection.run_on_commit}
               if connection.in_atomic_block else set())
    while stack and id(stack[-1][1]) not in pending:
        stack.pop()
    return stack[-1][0] if stack else None


def _entry_key(version: str, parts: tuple) -> str:
    return ":".join(["bookings:offers", str(FORMAT), version,
                     str(settings.INTERVIEW_DURATION_MINUTES), *map(str, parts)])


def get(version: str | None, parts: tuple) -> Any | None:
    """The entry stored under ``parts`` for ``version``, or None (always without a version)."""
    if version is None:
        return None
    key = _entry_key(version, parts)
    with _memo_lock:
        if key in _memo:
            _memo.move_to_end(key)
            return _memo[key]
    if version.startswith(PRIVATE_PREFIX):
        return None
    value = cache.get(key)
    if value is not None:
        _remember(key, value)
    return value


def put(version: str | None, parts: tuple, value: Any) -> None:
    """Store ``value`` (treated as read-only from now on) under ``parts`` for ``version``
    (nothing without a version)."""
    if version is None:
        return
    key = _entry_key(version, parts)
    if not version.startswith(PRIVATE_PREFIX):
        cache.set(key, value, timeout=ENTRY_SECONDS)
    _remember(key, value)


def _remember(key: str, value: Any) -> None:
    with _memo_lock:
        _memo[key] = value
        _memo.move_to_end(key)
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)


def _request_started(**_kwargs) -> None:
    _request.active, _request.version = True, None


def _request_finished(**_kwargs) -> None:
    _request.active, _request.version = False, None


def _invalidate() -> None:
    _request.version = None
    if not connection.in_atomic_block:  # autocommit: the change is visible to all already
        bump_availability_version()
        return

    def publish() -> None:
        bump_availability_version()

    stack = getattr(connection, _PRIVATE, None)
    if stack is None:
        stack = []
        setattr(connection, _PRIVATE, stack)
    transaction.on_commit(publish)
    stack.append((f"{PRIVATE_PREFIX}{uuid.uuid4().hex}", publish))


def _cache_recovered(sender, **kwargs) -> None:
    bump_availability_version()


def _input_saved(sender, **kwargs) -> None:
    _invalidate()


def _user_loaded(sender, instance: User, **kwargs) -> None:
    # Deferred (not loaded) stays unknown: a save then invalidates, to be safe.
    if "is_active" in instance.__dict__:
        instance._slot_cache_was_active = instance.is_active


def _user_saved(sender, instance: User, created: bool, update_fields=None, **kwargs) -> None:
    # Of an account, only ``is_active`` matters to what is offered (and a new account has no
    # designation yet): youth accounts saved while booking, logins, leave the cache alone.
    if created or (update_fields is not None and "is_active" not in update_fields):
        return
    if "is_active" in instance.__dict__:
        if getattr(instance, "_slot_cache_was_active", None) == instance.is_active:
            return
        instance._slot_cache_was_active = instance.is_active
    _invalidate()


for _model in INPUT_MODELS:
    post_save.connect(_input_saved, sender=_model, dispatch_uid=f"slot_cache_{_model.__name__}")
    post_delete.connect(_input_saved, sender=_model,
                        dispatch_uid=f"slot_cache_del_{_model.__name__}")
cache_recovered.connect(_cache_recovered, dispatch_uid="slot_cache_recovered")
request_started.connect(_request_started, dispatch_uid="slot_cache_request_started")
request_finished.connect(_request_finished, dispatch_uid="slot_cache_request_finished")
post_init.connect(_user_loaded, sender=User, dispatch_uid="slot_cache_user_init")
post_save.connect(_user_saved, sender=User, dispatch_uid="slot_cache_user")
post_delete.connect(_input_saved, sender=User, dispatch_uid="slot_cache_del_user")
