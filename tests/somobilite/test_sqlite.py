"""The SQLite development database (run-demo.sh, somobilite/settings/base.py): two requests
that write at the same moment wait for each other instead of one failing with "database is
locked" (a double click on « Confirmer mon rendez-vous » gave a 500)."""

import threading

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.db.utils import ConnectionHandler, OperationalError

from tests.loopback import pause

pytestmark = [
    pytest.mark.skipif(not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
                       reason="the settings of the SQLite database (run with PostgreSQL)"),
]

ALIAS = "sqlite_file"


@pytest.fixture
def sqlite_file(tmp_path, monkeypatch, django_db_blocker):
    """An alias for a SQLite file with the project's settings; each thread that uses it opens
    its own connection, as the development server's request threads do."""
    configured = ConnectionHandler().configure_settings({"default": {}, ALIAS: {
        **settings.DATABASES["default"], "NAME": str(tmp_path / "db.sqlite3"),
        "OPTIONS": dict(settings.DATABASES["default"].get("OPTIONS", {})), "TEST": {}}})
    monkeypatch.setitem(connections.settings, ALIAS, configured[ALIAS])
    with django_db_blocker.unblock():  # a file of its own, not the test database
        with connections[ALIAS].cursor() as cursor:
            cursor.execute("CREATE TABLE appointment (confirmations INTEGER)")
            cursor.execute("INSERT INTO appointment VALUES (0)")
        yield
        connections[ALIAS].close()
        del connections[ALIAS]


def _confirm(*, wrote: threading.Event | None, wait_for: threading.Event | None,
             errors: list) -> None:
    """What a confirmation does: in one transaction, read the row, then write it."""
    try:
        if wait_for is not None:
            assert wait_for.wait(timeout=10)
        with transaction.atomic(using=ALIAS), connections[ALIAS].cursor() as cursor:
            cursor.execute("SELECT confirmations FROM appointment")
            cursor.execute("UPDATE appointment SET confirmations = confirmations + 1")
            if wrote is not None:
                wrote.set()
                pause(0.5)  # still writing when the other request reads and writes
    except OperationalError as error:
        errors.append(str(error))
    finally:
        connections[ALIAS].close()


def test_two_requests_writing_at_once_wait_for_each_other(sqlite_file):
    wrote, errors = threading.Event(), []
    threads = [threading.Thread(target=_confirm, kwargs={"wrote": wrote, "wait_for": None,
                                                         "errors": errors}),
               threading.Thread(target=_confirm, kwargs={"wrote": None, "wait_for": wrote,
                                                         "errors": errors})]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT confirmations FROM appointment")
        assert cursor.fetchone() == (2,)
