import logging

from celery import shared_task
from django.utils import timezone

from .services import access_log_purge, retention_run

logger = logging.getLogger(__name__)


@shared_task(name="privacy.purge_access_log")
def purge_access_log() -> int:
    deleted = access_log_purge(now=timezone.now())
    logger.info("Access log purge: %s entries deleted", deleted)
    return deleted


@shared_task(name="privacy.retention")
def retention() -> dict[str, int]:
    report = retention_run(now=timezone.now())
    logger.info("Retention run: %s", report)
    return report
