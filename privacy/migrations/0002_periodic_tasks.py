"""Schedule the nightly privacy jobs in django-celery-beat (visible and editable in admin).

Entries are looked up by name and left alone when they exist, so a coordinator's change of
schedule survives later migrations.
"""

import json

from django.db import migrations

NIGHTLY = [
    ("Données personnelles : anonymisation après la durée de conservation", "privacy.retention",
     "3"),
    ("Données personnelles : purge du journal des accès", "privacy.purge_access_log", "4"),
]


def schedule(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, hour in NIGHTLY:
        crontab, _ = crontab_model.objects.get_or_create(
            minute="15", hour=hour, day_of_week="*", day_of_month="*", month_of_year="*",
            timezone="Europe/Paris")
        task_model.objects.get_or_create(
            name=name, defaults={"task": task, "crontab": crontab, "args": json.dumps([])})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[name for name, _, _ in NIGHTLY]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
