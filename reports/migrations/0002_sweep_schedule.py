"""Schedule the annual reports' sweep every five minutes in django-celery-beat (visible in
admin). Idempotent: looked up by name, left alone when it exists."""

import json

from django.db import migrations

NAME = "Bilans annuels : relance des demandes perdues et des rendus interrompus"


def schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every_five_minutes, _ = interval_model.objects.get_or_create(every=5, period="minutes")
    task_model.objects.get_or_create(name=NAME, defaults={
        "task": "reports.tasks.sweep_annual_reports", "interval": every_five_minutes,
        "args": json.dumps([])})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
