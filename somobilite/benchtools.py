"""What the in-process benchmarks (``bench_*`` management commands, run by ``make bench``)
share: medians of repeated calls, SQL statements counted through requests, and a world built
inside a transaction that is always rolled back. Domain-free."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction


def median_ms(func: Callable[[], Any], runs: int,
              clock: Callable[[], float] = time.perf_counter) -> float:
    """Median duration of ``runs`` calls of ``func``, in milliseconds, by ``clock``
    (``time.process_time`` for CPU time: on a shared machine the wall clock also counts waiting
    for a core)."""
    timings = []
    for _ in range(runs):
        start = clock()
        func()
        timings.append((clock() - start) * 1000)
    return statistics.median(timings)


class _QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool,
                 context: dict[str, Any]) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def count_queries(func: Callable[[], Any]) -> int:
    """SQL statements run by ``func()`` (``connection.execute_wrapper``): unlike
    CaptureQueriesContext it sees through requests, which reset Django's query log."""
    counter = _QueryCounter()
    with connection.execute_wrapper(counter):
        func()
    return counter.count


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run the block in a transaction that is rolled back at its end, whatever happens:
    the benchmark's rows never stay in the database."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass
