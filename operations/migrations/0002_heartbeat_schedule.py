"""Schedule the worker heartbeat every minute in django-celery-beat (visible in admin).

Idempotent: looked up by name, left alone when it exists.
"""

import json

from django.db import migrations

NAME = "Exploitation : battement de cœur des workers Celery"


def schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = interval_model.objects.get_or_create(every=1, period="minutes")
    task_model.objects.get_or_create(name=NAME, defaults={
        "task": "operations.tasks.heartbeat", "interval": every_minute, "args": json.dumps([])})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("operations", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
