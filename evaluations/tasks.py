"""Celery task of the questionnaire: daily, scheduled by migration 0002 (django-celery-beat);
idempotent by the database (see ``services.evaluations_invite_due``)."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def send_evaluation_invitations() -> int:
    return services.evaluations_invite_due(now=timezone.now())
