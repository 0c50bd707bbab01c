"""Schedule the periodic booking tasks in django-celery-beat (visible and editable in admin).

Idempotent: entries are looked up by name and left alone when they already exist, so a
coordinator's change of schedule survives later migrations.
"""

import json

from django.db import migrations

EVERY_FIVE_MINUTES = [
    ("Rendez-vous : envoyer les rappels dus", "bookings.tasks.send_due_reminders"),
    ("Rendez-vous : envoyer les e-mails en attente", "bookings.tasks.send_pending_notifications"),
    ("Rendez-vous : libérer les réservations non confirmées",
     "bookings.tasks.release_expired_holds"),
]
WEEKLY_DIGEST = ("Rendez-vous : synthèse hebdomadaire de conformité",
                 "bookings.tasks.send_weekly_compliance_digest")


def schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every_five, _ = interval_model.objects.get_or_create(every=5, period="minutes")
    for name, task in EVERY_FIVE_MINUTES:
        task_model.objects.get_or_create(
            name=name, defaults={"task": task, "interval": every_five, "args": json.dumps([])})
    monday_morning, _ = crontab_model.objects.get_or_create(
        minute="0", hour="8", day_of_week="1", day_of_month="*", month_of_year="*",
        timezone="Europe/Paris")
    name, task = WEEKLY_DIGEST
    task_model.objects.get_or_create(
        name=name, defaults={"task": task, "crontab": monday_morning, "args": json.dumps([])})


def unschedule(apps, schema_editor):
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    names = [name for name, _ in EVERY_FIVE_MINUTES] + [WEEKLY_DIGEST[0]]
    task_model.objects.filter(name__in=names).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("bookings", "0002_postgres_no_overlap"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
