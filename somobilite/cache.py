"""A Redis cache that is an optimisation, never a point of failure.

Django's ``RedisCache`` raises when Redis is down or unreachable, and every page that reads the
cache (free slots, search, the API, rate limits) then answers 500. ``FailSoftRedisCache`` keeps
Django's backend and changes one thing: a Redis error is logged as a warning and the operation
degrades to what an empty cache would answer.

- Reads miss (``get`` gives the default, ``get_many`` nothing, ``has_key`` False): callers
  compute live, as on a cold cache.
- Writes are dropped (``set``, ``touch``, ``delete``…; ``set_many`` reports every key as failed).
- ``add`` answers True and ``incr`` answers ``delta``: a lock taken with ``add`` (allauth's rate
  limits) goes ahead and counters restart, so **rate limits fail open** while the cache is away.
  That is the documented direction: a young person must be able to book during an outage; the
  warning says the limits are not enforced.
- After a failure the backend stops calling Redis for ``RETRY_AFTER_SECONDS`` (default 5), so
  an unreachable server costs one connection timeout per process per period, not one per call.
  The socket timeouts (``socket_connect_timeout`` and ``socket_timeout`` in ``OPTIONS``, set by
  the settings from ``CACHE_TIMEOUT_SECONDS``) bound that one attempt.
- When Redis answers again, ``cache_recovered`` is sent (with the cache's ``location``) once per
  process that saw the outage, before the operation that found it back, so that caches holding
  derived data can drop what was written before it (``bookings.slots.cache`` does: its
  invalidations were lost meanwhile).

Why not django-redis' ``IGNORE_EXCEPTIONS``: it answers None to a failed ``add``, so allauth's
rate-limit lock spins for a second and then refuses the request (fail closed, slowly), it logs
every failed call with a traceback, and it has no pause between attempts.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.dispatch import Signal
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

cache_recovered = Signal()
"""Sent with ``location`` (the cache's server URL) when Redis answers again after a failure
this process saw."""

T = TypeVar("T")

_state_lock = threading.Lock()
_down_until: dict[str, float] = {}
"""Per server URL: monotonic time before which Redis is not called (shared by the threads)."""
_outage: set[str] = set()
"""Server URLs whose outage this process has seen and whose recovery it has not yet seen."""


class KeptClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client that keeps one redis-py client per connection pool: Django builds
    a new ``redis.Redis`` for every cache operation, which with redis-py 8 costs more CPU than
    the operation itself (0.19 of 0.33 ms measured; a booking makes dozens, the rate limits
    alone ten). The pools are Django's, unchanged; a ``redis.Redis`` is safe to share between
    threads, and its pool reconnects after a fork or a restart of Redis."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's own choice of server (the primary to write, any to read), kept per pool.
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = super().get_client(key, write=write)
        return client


class FailSoftRedisCache(RedisCache):
    """Django's ``RedisCache`` that degrades to an empty cache on any Redis error (module
    docstring), with kept redis-py clients (``KeptClientRedisCacheClient``). Extra ``OPTIONS``
    key: ``RETRY_AFTER_SECONDS`` (float, default 5)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("RETRY_AFTER_SECONDS", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = KeptClientRedisCacheClient
        self.location = server

    def _guard(self, operation: str, call: Callable[[], T], fallback: T) -> T:
        key = self.location
        if _down_until.get(key, 0.0) > time.monotonic():
            return fallback
        try:
            if key in _outage:  # first attempt after a failure: is Redis back?
                self._cache.get_client(write=True).ping()
                self._recovered()
            return call()
        except (RedisError, OSError) as exc:
            with _state_lock:
                _down_until[key] = time.monotonic() + self.retry_after
                _outage.add(key)
            logger.warning(
                "Cache unavailable (%s on %s: %s): reads miss and writes are dropped for %.0f s; "
                "pages are computed live and rate limits are not enforced.",
                type(exc).__name__, operation, exc, self.retry_after)
            return fallback

    def _recovered(self) -> None:
        """Redis answers again: tell the receivers (once per process and outage) before the
        operation that found it back is made."""
        key = self.location
        with _state_lock:
            if key not in _outage:
                return
            _outage.discard(key)
            _down_until.pop(key, None)
        logger.warning("Cache available again (%s): entries written before the outage are "
                       "dropped.", _safe_location(key))
        cache_recovered.send(sender=type(self), location=key)

    def add(self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT,
            version: int | None = None) -> bool:
        return self._guard("add", lambda: super(FailSoftRedisCache, self).add(
            key, value, timeout, version), True)

    def get(self, key: Any, default: Any | None = None, version: int | None = None) -> Any:
        return self._guard("get", lambda: super(FailSoftRedisCache, self).get(
            key, default, version), default)

    def set(self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT,
            version: int | None = None) -> None:
        return self._guard("set", lambda: super(FailSoftRedisCache, self).set(
            key, value, timeout, version), None)

    def touch(self, key: Any, timeout: float | None = DEFAULT_TIMEOUT,
              version: int | None = None) -> bool:
        return self._guard("touch", lambda: super(FailSoftRedisCache, self).touch(
            key, timeout, version), False)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._guard("delete", lambda: super(FailSoftRedisCache, self).delete(
            key, version), False)

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        return self._guard("get_many", lambda: super(FailSoftRedisCache, self).get_many(
            keys, version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._guard("has_key", lambda: super(FailSoftRedisCache, self).has_key(
            key, version), False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return self._guard("incr", lambda: super(FailSoftRedisCache, self).incr(
            key, delta, version), delta)

    def set_many(self, data: dict[Any, Any], timeout: float | None = DEFAULT_TIMEOUT,
                 version: int | None = None) -> list[Any]:
        return self._guard("set_many", lambda: super(FailSoftRedisCache, self).set_many(
            data, timeout, version), list(data))

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        return self._guard("delete_many", lambda: super(FailSoftRedisCache, self).delete_many(
            keys, version), None)

    def clear(self) -> None:
        self._guard("clear", lambda: super(FailSoftRedisCache, self).clear(), None)


def _safe_location(url: str) -> str:
    """The server URL without its password (for logs)."""
    if "@" in url:
        scheme, _sep, rest = url.partition("://")
        return f"{scheme}://***@{rest.rpartition('@')[2]}"
    return url
