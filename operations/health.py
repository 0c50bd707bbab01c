"""Health checks (django-health-check) beyond the library's database and cache checks: the
Celery broker answers, and a worker ran the heartbeat task recently.

Messages stay generic (no host, URL or credential): they are shown to coordinators only, and
logged by the library.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.conf import settings
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

from .models import Heartbeat
from .services import WORKER


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection (one attempt, bounded by the broker's connect
    timeout). Skipped when tasks run in-process (no broker configured)."""

    def run(self) -> None:
        from somobilite.celery import app

        if app.conf.task_always_eager:
            return
        try:
            with app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=0)
        except Exception as exc:  # kombu and transport errors alike
            raise ServiceUnavailable("broker unreachable") from exc


@dataclasses.dataclass
class WorkerHeartbeat(HealthCheck):
    """A worker ran the heartbeat task within ``CELERY_HEARTBEAT_MAX_AGE_SECONDS``. Skipped
    when tasks run in-process."""

    async def run(self) -> None:
        from somobilite.celery import app

        if app.conf.task_always_eager:
            return
        # Async ORM: the query runs in the request's own thread and connection (a query in
        # the checks' thread pool would leave a connection open in that thread).
        beat_at = await (Heartbeat.objects.filter(name=WORKER)
                         .values_list("beat_at", flat=True).afirst())
        if beat_at is None:
            raise ServiceUnavailable("no heartbeat from a worker yet")
        age = timezone.now() - beat_at
        if age > dt.timedelta(seconds=settings.CELERY_HEARTBEAT_MAX_AGE_SECONDS):
            raise ServiceUnavailable(f"last worker heartbeat {int(age.total_seconds())} s ago")
