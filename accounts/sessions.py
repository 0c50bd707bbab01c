"""Sessions in the database (``SESSION_ENGINE``), with fewer statements per write.

Django's database store, unchanged in what it keeps and when, but:

- a new session key is not looked up first (``SELECT 1 … LIMIT 1``): the row is inserted
  "must create", and a key already taken makes that insert fail and a new key be drawn, which
  Django's ``create`` already does (the look-up only made a collision, a 1-in-36³² event,
  cheaper);
- outside a transaction, a write is one statement (``INSERT`` or ``UPDATE``) instead of
  ``BEGIN`` / statement / ``COMMIT``: one statement is atomic by itself in autocommit. Inside a
  transaction Django's own ``save`` runs (a savepoint, so that a failed insert leaves the outer
  transaction usable);
- deleting a session (``cycle_key`` at login, ``flush`` at logout) is one ``DELETE`` by key
  instead of reading the row first;
- ``cycle_key`` (a new key at login, against session fixation) deletes the old row and leaves
  the new one to the response's save, as Django's ``flush`` does: one ``INSERT`` with the
  logged-in data, instead of an ``INSERT`` of the data before login then an ``UPDATE``;
- reading a session (every request that carries a session cookie and looks at the session:
  the logged-in pages, the booking's code page) is the same one ``SELECT`` of its data by key
  and expiry, written by hand instead of built by the ORM's ``get``: 0.25 ms of CPU instead of
  0.8-1.0 ms per request (session 8, in process), the largest single cost of a logged-in
  request after its two log lines.

A session opened and then logged in by code (the booking pages: hold, then confirmation) made
15 statements for its session, now 5 (measured by ``tests/accounts/test_sessions.py``). Sessions
stay in PostgreSQL, not in the cache: while Redis is away a cached session would go stale (a
logout undone when Redis answers again), see the README, "Performance".
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import DatabaseError, IntegrityError, connections, router
from django.db.models import Field
from django.utils import timezone
from django.utils.crypto import get_random_string


class SessionStore(DatabaseSessionStore):
    """Django's database session store with one statement per write (see the module)."""

    def load(self) -> dict[str, Any]:
        """The session's data: its row read by key among the rows not yet expired, then decoded
        (Django's ``decode``: ``{}`` for data that does not verify). A missing or expired row
        reads as ``{}`` and the key is dropped, so that a save draws a new one, exactly as
        Django's ``load``. One statement, written by hand: Django's ``QuerySet.get`` costs
        three times as much CPU as the statement itself (see the module)."""
        if self.session_key is None:
            return {}
        model = self.model
        connection = connections[router.db_for_read(model)]
        quote = connection.ops.quote_name
        meta = model._meta

        def column(name: str) -> str:
            field = meta.get_field(name)
            assert isinstance(field, Field)  # the session model's own columns
            return quote(str(field.column))

        sql = (f"SELECT {column('session_data')} FROM {quote(meta.db_table)} "
               f"WHERE {column('session_key')} = %s AND {column('expire_date')} > %s")
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key,
                                 connection.ops.adapt_datetimefield_value(timezone.now())])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        data: dict[str, Any] = self.decode(row[0])
        return data

    def _get_new_session_key(self) -> str:
        """A random key, not looked up: ``create`` draws again when its insert collides."""
        return get_random_string(32, VALID_KEY_CHARS)

    def save(self, must_create: bool = False) -> None:
        """Write the session: insert it (``must_create``, ``CreateError`` when the key is
        taken) or update it (``UpdateError`` when its row is gone, e.g. a concurrent logout),
        as one statement outside a transaction; inside one, Django's own ``save``."""
        if self.session_key is None:
            return self.create()
        using = router.db_for_write(self.model)
        connection = connections[using]
        if connection.in_atomic_block or not connection.get_autocommit():
            return super().save(must_create=must_create)
        data = self._get_session(no_load=must_create)  # type: ignore[attr-defined]  # Django's, as in its save()
        obj = self.create_model_instance(data)
        try:
            obj.save(force_insert=must_create, force_update=not must_create, using=using)
        except IntegrityError:
            if must_create:
                raise CreateError from None
            raise
        except DatabaseError:
            if not must_create:
                raise UpdateError from None
            raise
        return None

    def delete(self, session_key: str | None = None) -> None:
        """Delete the session ``session_key`` (default: this one) by its key, in one statement;
        nothing happens when it is already gone."""
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self.model(session_key=session_key).delete()

    def cycle_key(self) -> None:
        """Keep the data under a new key: the old row is deleted now (one ``DELETE``); the new
        key is drawn and its row inserted when the session is saved next (the response's
        ``SessionMiddleware``), with everything the login added. Until then ``session_key`` is
        None, as after Django's ``flush``."""
        data = self._get_session()  # type: ignore[attr-defined]  # Django's, as in its cycle_key()
        key = self.session_key
        self._session_key = None
        self._session_cache = data
        self.modified = True
        if key:
            self.delete(key)
