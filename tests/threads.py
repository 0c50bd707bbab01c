"""Threads released together, for the tests of races on PostgreSQL (two tabs, a double click,
a rush on one slot): each thread has its own database connection, closed when it ends."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def run_at_once(target: Callable[[int, threading.Barrier], Any], threads: int) -> list:
    """``target(i, barrier)`` in ``threads`` threads; ``barrier`` lets them meet before the
    part that races. Returns what each returned, or the exception it raised (the test
    inspects both)."""
    barrier = threading.Barrier(threads)
    results: list = [None] * threads

    def worker(i: int) -> None:
        try:
            results[i] = target(i, barrier)
        except Exception as exc:  # the test inspects what each thread got
            results[i] = exc
        finally:
            connection.close()

    started = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join(timeout=60)
    return results
