"""Schedule the outbox sweep every minute in django-celery-beat (visible and editable in admin):
it retries the emails whose task was lost or whose attempt failed (see ``outbox.delivery``).
Every minute because login codes are valid 10 minutes.

Looked up by name and left alone when it exists, so a coordinator's change survives later
migrations.
"""

import json

from django.db import migrations

NAME = "E-mails : envoyer ceux en attente ou en échec"
TASK = "outbox.tasks.send_pending_emails"


def schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = interval_model.objects.get_or_create(every=1, period="minutes")
    task_model.objects.get_or_create(
        name=NAME, defaults={"task": TASK, "interval": every_minute, "args": json.dumps([])})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0001_email"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
