"""Writes of the privacy app: the staff access log and its purge."""

from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from .models import AccessAction, StaffAccessLog


def client_ip(request: HttpRequest) -> str | None:
    """The client address; behind the production proxy the first X-Forwarded-For hop."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and settings.SECURE_PROXY_SSL_HEADER:
        return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def access_log_record(
    *, request: HttpRequest, subject_id: int, action: AccessAction, what: str,
    now: datetime | None = None,
) -> StaffAccessLog:
    """Log one staff access to the record of young person ``subject_id``."""
    actor = request.user
    return StaffAccessLog.objects.create(
        at=now or timezone.now(),
        actor=actor,
        actor_email=actor.email,
        subject_id=subject_id,
        action=action,
        what=what[:255],
        path=request.get_full_path()[:500],
        ip_address=client_ip(request),
    )


def access_log_purge(*, now: datetime) -> int:
    """Delete entries older than ACCESS_LOG_RETENTION_DAYS; returns how many were deleted."""
    limit = now - timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS)
    deleted, _ = StaffAccessLog.objects.filter(at__lt=limit).delete()
    return deleted
