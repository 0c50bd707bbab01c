"""Celery tasks: thin wrappers that take ids, read the clock and call the domain functions.

Each is idempotent by state (see ``notifications`` for the outbox and reminders), so a retry or
a second run does no harm. Periodic ones are scheduled by migration 0003 (django-celery-beat
entries that coordinators can see and change in admin).
"""

from typing import Any

from celery import shared_task, signals
from django.utils import timezone

from outbox.delivery import mail_connection

from . import notifications, services


@signals.worker_init.connect
def _warm_up_before_the_first_task(**kwargs: Any) -> None:
    """In a worker's main process, before it forks its children (``notifications.warm_up``)."""
    notifications.warm_up()


@shared_task
def deliver_notification(notification_id: int) -> bool:
    return notifications.deliver(notification_id=notification_id, now=timezone.now())


@shared_task
def deliver_notifications(notification_ids: list[int]) -> int:
    """``deliver_notification`` for each id, in order (``notifications.queue_together``), over
    one connection to the mail server (``outbox.delivery.mail_connection``); how many left."""
    with mail_connection() as connection:
        return sum(notifications.deliver(notification_id=pk, now=timezone.now(),
                                         connection=connection)
                   for pk in notification_ids)


@shared_task
def send_pending_notifications() -> int:
    return notifications.send_pending(now=timezone.now())


@shared_task
def send_due_reminders() -> int:
    return notifications.reminders_send_due(now=timezone.now())


@shared_task
def release_expired_holds() -> int:
    return services.holds_release_expired(now=timezone.now())


@shared_task
def offer_slots_to_waiting_list(advisor_ids: list[int]) -> int:
    return services.waiting_list_offer_slots(advisor_ids=advisor_ids, now=timezone.now())


@shared_task
def send_weekly_compliance_digest() -> int:
    return notifications.compliance_digest_queue(now=timezone.now()).pk


@shared_task
def watch_conventions() -> int | None:
    notification = notifications.convention_watch_run(now=timezone.now())
    return notification.pk if notification else None
