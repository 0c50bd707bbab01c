"""Schedule the daily questionnaire invitations in django-celery-beat (visible in admin).

Idempotent: looked up by name, left alone when it exists (a coordinator's change survives).
"""

import json

from django.db import migrations

NAME = "Évaluation : envoyer les questionnaires du lendemain de l'entretien"


def schedule(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    daily, _ = crontab_model.objects.get_or_create(
        minute="0", hour="10", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="Europe/Paris")
    task_model.objects.get_or_create(name=NAME, defaults={
        "task": "evaluations.tasks.send_evaluation_invitations", "crontab": daily,
        "args": json.dumps([])})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("evaluations", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
