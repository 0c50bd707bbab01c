"""Writes of the operations app."""

import datetime as dt

from .models import Heartbeat

WORKER = "celery-worker"


def heartbeat_record(*, name: str = WORKER, now: dt.datetime) -> Heartbeat:
    """Record that ``name`` is alive at ``now`` (aware, UTC or any zone): one row per name,
    created the first time."""
    heartbeat, _created = Heartbeat.objects.update_or_create(name=name,
                                                             defaults={"beat_at": now})
    return heartbeat
