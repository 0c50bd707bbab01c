"""Queueing a task after commit never holds nor breaks the request (somobilite.celery)."""

import logging

import pytest
from django.db import transaction

from somobilite.celery import publish_on_commit
from somobilite.tasks import health_check
from tests.loopback import HangingUpServer, celery_broker, free_port


@pytest.fixture
def hanging_up_broker():
    server = HangingUpServer()
    with celery_broker(server.url):
        yield server
    server.close()


@pytest.mark.django_db
def test_with_the_broker_down_publishing_makes_one_attempt_and_logs_a_warning(
    hanging_up_broker, caplog, django_capture_on_commit_callbacks,
):
    with caplog.at_level(logging.WARNING, logger="somobilite.celery"), \
            django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        publish_on_commit(health_check)
        assert hanging_up_broker.accepted == 0  # nothing before the commit
    assert hanging_up_broker.accepted == 1  # one attempt, no retry loop holding the request
    assert "Broker unavailable, somobilite.health_check not queued" in caplog.text


@pytest.mark.django_db
def test_with_no_broker_listening_publishing_does_not_raise(caplog,
                                                            django_capture_on_commit_callbacks):
    with celery_broker(f"redis://127.0.0.1:{free_port()}/0"), \
            django_capture_on_commit_callbacks(execute=True):
        publish_on_commit(health_check)
    assert "Broker unavailable" in caplog.text


@pytest.mark.django_db
def test_without_a_broker_the_task_runs_in_process_and_its_errors_surface(
    django_capture_on_commit_callbacks,
):
    from somobilite.celery import app

    assert app.conf.task_always_eager
    ran = []

    @app.task(name="tests.failing_task")
    def failing_task(value):
        ran.append(value)
        raise ValueError("a bug in a task must not pass for a broker outage")

    with pytest.raises(ValueError), django_capture_on_commit_callbacks(execute=True):
        publish_on_commit(failing_task, 7)
    assert ran == [7]


@pytest.mark.postgres_only  # a worker thread beside the test: SQLite's in-memory base locks
@pytest.mark.django_db(transaction=True)
def test_a_worker_keeps_its_database_connection_between_tasks_as_django_would(redis_server):
    """Celery's Django fix-up would open a new PostgreSQL connection for every task; the worker
    follows Django's rules instead: kept for ``CONN_MAX_AGE`` (production: 600 s), health-checked
    before the next task (a connection killed by a restart is replaced, the task does not fail),
    closed after each task when ``CONN_MAX_AGE`` is 0."""
    from celery.contrib.testing.worker import start_worker
    from django.db import connection
    from django_structlog.celery.steps import DjangoStructLogInitStep

    from somobilite.celery import app
    from tests.loopback import pause

    seen: list[int] = []

    @app.task(name="tests.backend_pid")
    def backend_pid():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            seen.append(cursor.fetchone()[0])

    def run() -> int:
        count = len(seen)
        backend_pid.apply_async(queue="celery")
        for _ in range(200):
            if len(seen) > count:
                return seen[-1]
            pause(0.05)
        raise AssertionError("the task did not run")

    max_age = connection.settings_dict["CONN_MAX_AGE"]
    # Without django-structlog's step: its receivers would stay connected once this worker has
    # stopped, and a later worker of this test process would log each task twice (test_log).
    app.steps["worker"].discard(DjangoStructLogInitStep)
    try:
        with celery_broker(redis_server.url), \
                start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
            connection.settings_dict["CONN_MAX_AGE"] = 600
            first = run()
            assert run() == run() == first  # one connection for every task
            with connection.cursor() as cursor:  # PostgreSQL restarted: the backend is gone
                cursor.execute("SELECT pg_terminate_backend(%s)", [first])
            replaced = run()
            assert replaced != first
            assert run() == replaced
            connection.settings_dict["CONN_MAX_AGE"] = 0  # the development default
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [replaced])
            run()  # opened with a max age of 0: closed after its task
            assert len({run(), run()}) == 2
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = max_age
        app.steps["worker"].add(DjangoStructLogInitStep)
