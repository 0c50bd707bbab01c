import datetime as dt

import pytest
import time_machine
from django_celery_beat.models import PeriodicTask

from operations import tasks
from operations.models import Heartbeat

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def test_the_heartbeat_is_scheduled_every_minute_and_editable_in_admin():
    task = PeriodicTask.objects.get(task="operations.tasks.heartbeat")
    assert task.enabled and (task.interval.every, task.interval.period) == (1, "minutes")


def test_the_heartbeat_task_records_the_time_in_one_row_run_after_run():
    with time_machine.travel(NOW, tick=False):
        tasks.heartbeat.delay()
    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        tasks.heartbeat.delay()
    assert list(Heartbeat.objects.values_list("name", "beat_at")) == [
        ("celery-worker", NOW + dt.timedelta(minutes=1))]
