"""Writes of the privacy app: the staff access log and its purge."""

from datetime import datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from accounts.client_ip import client_ip
from accounts.http import AuthenticatedHttpRequest
from accounts.models import Role, User
from somobilite import clock

from .models import AccessAction, StaffAccessLog
from .registry import providers


def access_log_record(
    *,
    request: AuthenticatedHttpRequest,
    subject_id: int,
    action: AccessAction,
    what: str,
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
    limit = clock.before(now, timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS))
    deleted, _ = StaffAccessLog.objects.filter(at__lt=limit).delete()
    return deleted


class PrivacyError(Exception):
    """A rule forbids this request; the message is shown to the person."""


def user_data_export(*, user: User, now: datetime) -> dict[str, Any]:
    """Everything held about ``user``, one section per app (the "download my data" file)."""
    data: dict[str, Any] = {"generated_at": now.isoformat(), "service": "So Mobilité"}
    for provider in providers():
        data[provider.label] = provider.export(user)
    return data


def user_erase(*, user: User, now: datetime) -> None:
    """Erase or anonymise everything identifying ``user`` (account deletion, retention).

    Each app erases its part (future appointments are cancelled and advisors told, past ones
    keep only non-identifying statistics fields), the account last, all in one transaction.
    """
    if user.is_staff or not user.is_youth:
        raise PrivacyError("Seuls les comptes de jeunes sont supprimés par ce moyen.")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.anonymised_at:
            return
        for provider in providers():
            provider.erase(locked, now=now)


def inactive_youth(*, now: datetime) -> QuerySet[User]:
    """Young people whose last activity is older than the retention period."""
    limit = now - relativedelta(months=settings.PERSONAL_DATA_RETENTION_MONTHS)
    lookups = [lookup for p in providers() for lookup in p.activity_lookups]
    annotations = {f"last_{i}": Max(lookup) for i, lookup in enumerate(lookups)}
    users = User.objects.filter(role=Role.YOUTH, anonymised_at__isnull=True).annotate(**annotations)
    condition = Q()
    for name in annotations:
        condition &= Q(**{f"{name}__lt": limit}) | Q(**{f"{name}__isnull": True})
    return users.filter(condition)


def retention_run(*, now: datetime) -> dict[str, int]:
    """Nightly: anonymise inactive young people and purge expired short-lived data.

    Idempotent: a second run the same night finds nothing left to do.
    """
    report: dict[str, int] = {"anonymised": 0}
    for user in inactive_youth(now=now):
        user_erase(user=user, now=now)
        report["anonymised"] += 1
    for provider in providers():
        if provider.purge_expired:
            for kind, count in provider.purge_expired(now=now).items():
                report[kind] = report.get(kind, 0) + count
    return report
