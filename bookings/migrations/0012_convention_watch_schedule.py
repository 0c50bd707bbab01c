"""Schedule the daily convention watch in django-celery-beat (visible in admin).

Idempotent: looked up by name, left alone when it exists (a coordinator's change survives).
"""

import json

from django.db import migrations

NAME = "Conventions : veille quotidienne (changements et échéances à 30 jours)"


def schedule(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    early_morning, _ = crontab_model.objects.get_or_create(
        minute="30", hour="6", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="Europe/Paris")
    task_model.objects.get_or_create(name=NAME, defaults={
        "task": "bookings.tasks.watch_conventions", "crontab": early_morning,
        "args": json.dumps([])})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("bookings", "0011_alter_notification_kind"),
        ("advisors", "0002_conventionevent"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
