"""Celery tasks of the programmes app (take ids, idempotent by state). The monthly digest is
scheduled by migration 0004 (a django-celery-beat entry coordinators can change in admin)."""

from celery import shared_task
from django.utils import timezone

from . import notifications


@shared_task
def proposal_outcome_email_send(proposal_id: int) -> bool:
    return notifications.proposal_outcome_email_send(proposal_id=proposal_id,
                                                     now=timezone.now())


@shared_task
def send_review_digest() -> bool:
    return notifications.review_digest_send(now=timezone.now())
