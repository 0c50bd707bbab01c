"""Celery tasks of the operations app (scheduled by migration 0002 in django-celery-beat)."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def heartbeat() -> None:
    """Sent every minute by the scheduler; a worker running it proves beat, broker and worker
    work (the health endpoint reads the time it records)."""
    services.heartbeat_record(now=timezone.now())
