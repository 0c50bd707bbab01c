"""Fault scenarios (issue 18 §3): the production stack on loopback, faults injected, figures
kept. Run by .ci/run: ``python -m pytest scenarios -p no:django``.

This process seeds and checks the scenario database through the ORM (test settings pointed at
the stack's PostgreSQL and Redis); the app under test runs in gunicorn and Celery processes with
the production settings.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tests.loopback import free_port

FIGURES: list[dict] = []
REPORT = Path(os.environ.get("SCENARIO_REPORT", "scenario-figures.json"))


def pytest_configure(config):
    # Ports are chosen now, before Django reads its settings; the stack starts the servers.
    os.environ["SCENARIO_PG_PORT"] = str(free_port())
    os.environ["DATABASE_URL"] = (
        f"postgres://somobilite:somobilite@127.0.0.1:{os.environ['SCENARIO_PG_PORT']}/somobilite")
    os.environ["SCENARIO_REDIS_PORT"] = str(free_port(skip={int(os.environ["SCENARIO_PG_PORT"])}))
    os.environ["REDIS_URL"] = f"redis://127.0.0.1:{os.environ['SCENARIO_REDIS_PORT']}/0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "somobilite.settings.test"
    import django

    django.setup()


@pytest.fixture(scope="session")
def stack():
    from .stack import Stack

    stack = Stack(pg_port=int(os.environ["SCENARIO_PG_PORT"]),
                  redis_port=int(os.environ["SCENARIO_REDIS_PORT"]))
    started = time.monotonic()
    try:
        stack.start()
        print(f"\n[stack ready in {time.monotonic() - started:.0f} s: {stack.logs}]")
        yield stack
    finally:
        stack.close()


@pytest.fixture
def figures(request):
    """The scenario's figures (attempts, stored, sent, duplicated, lost, 5xx…), printed at the
    end of the run and written to ``SCENARIO_REPORT``."""
    row: dict = {"scenario": request.node.name}
    started = time.monotonic()
    yield row
    row["seconds"] = round(time.monotonic() - started, 1)
    FIGURES.append(row)


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.section("scenario figures")
    for row in FIGURES:
        terminalreporter.write_line(json.dumps(row, ensure_ascii=False))
    REPORT.write_text(json.dumps(FIGURES, ensure_ascii=False, indent=2) + "\n")
