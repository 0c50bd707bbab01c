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
