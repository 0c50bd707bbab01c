"""Schedule the monthly list of sheets to review in django-celery-beat (visible and editable in
admin): the 1st of each month at 8:00, Paris time.

Looked up by name and left alone when it exists, so a coordinator's change of schedule
survives later migrations.
"""

import json

from django.db import migrations

NAME = "Fiches dispositifs : e-mail mensuel des fiches à revoir"
TASK = "programmes.tasks.send_review_digest"


def schedule(apps, schema_editor):
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    first_of_month, _ = crontab_model.objects.get_or_create(
        minute="0", hour="8", day_of_week="*", day_of_month="1", month_of_year="*",
        timezone="Europe/Paris")
    task_model.objects.get_or_create(
        name=NAME, defaults={"task": TASK, "crontab": first_of_month, "args": json.dumps([])})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0003_proposals_and_review_digest"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
