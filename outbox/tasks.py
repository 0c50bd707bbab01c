"""Celery tasks of the outbox: thin wrappers reading the clock (idempotent by state, see
``delivery``). The sweep is scheduled every minute by migration 0002."""

from celery import shared_task
from django.utils import timezone

from . import delivery


@shared_task
def deliver_email(email_id: int) -> bool:
    return delivery.email_deliver(email_id=email_id, now=timezone.now())


@shared_task
def send_pending_emails() -> int:
    return delivery.emails_send_pending(now=timezone.now())
