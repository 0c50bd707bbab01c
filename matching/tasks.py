"""Celery tasks of the matching app (take ids, idempotent by state)."""

from celery import shared_task
from django.utils import timezone

from . import notifications


@shared_task
def recommendation_email_send(recommendation_id: int) -> bool:
    return notifications.recommendation_email_send(recommendation_id=recommendation_id,
                                                   now=timezone.now())
