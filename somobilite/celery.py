"""Celery application (without a broker URL the settings make tasks run in-process), and the one
way the apps queue a task after commit."""

from __future__ import annotations

import logging
import logging.config
import os
from typing import Any

from celery import Celery, Task, signals
from django.db import close_old_connections, transaction
from django_structlog.celery.steps import DjangoStructLogInitStep
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "somobilite.settings.local")

app = Celery("somobilite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["somobilite"])
# Worker side of django-structlog: each task's lines carry its id and the request id of the
# request that queued it (somobilite/log.py).
app.steps["worker"].add(DjangoStructLogInitStep)


@signals.setup_logging.connect
def _logging_from_django_settings(**kwargs: Any) -> None:
    """Workers and beat log like the web app (settings.LOGGING), not Celery's own format."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@signals.task_prerun.connect
@signals.task_postrun.connect
def _database_connections_as_around_a_request(sender: Task[..., Any] | None = None,
                                              **kwargs: Any) -> None:
    """Before and after each task a worker runs, its database connections follow Django's rules
    for a request (``close_old_connections``): closed once older than ``CONN_MAX_AGE`` (at
    once when it is 0, the development default), after an error or a transaction left open,
    and health-checked before their next use (``CONN_HEALTH_CHECKS``: a connection that died
    with a PostgreSQL restart is replaced, the task does not fail).

    Celery's own Django fix-up closes every connection before and after every task unless
    ``CELERY_DB_REUSE_MAX`` is set (then only every that many tasks; settings/base.py sets it):
    a new PostgreSQL connection per task (TCP, authentication, a backend process) cost the
    worker and PostgreSQL more CPU than the task's two emails (issue 17). Tasks run eagerly
    (tests, no broker) are left alone: they run inside the caller's request or transaction."""
    if sender is not None and getattr(sender.request, "is_eager", False):
        return
    close_old_connections()


def publish_on_commit(task: Task[..., Any], *args: Any) -> None:
    """Queue ``task(*args)`` once the current transaction commits (at once outside one).

    Publishing is bounded (one connection attempt by default, ``CELERY_PUBLISH_MAX_RETRIES``;
    ``CELERY_BROKER_CONNECT_TIMEOUT_SECONDS``): when the broker is down the request is not held
    and gets no error; a warning is logged and the work is left to its periodic sweep, which
    finds it from the database state (the outbox for emails, the expired holds, …). Only use it
    for work that such a sweep picks up."""

    def publish() -> None:
        if task.app.conf.task_always_eager:  # no broker: the task runs here, errors surface
            task.apply_async(args)
            return
        try:
            task.apply_async(args)
        except (KombuError, RedisError, OSError) as exc:
            logger.warning("Broker unavailable, %s not queued (%s: %s); its periodic sweep "
                           "will do it.", task.name, type(exc).__name__, exc)

    transaction.on_commit(publish)
