"""Celery tasks of the annual report (the sweep is scheduled by migration 0002 in
django-celery-beat)."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(soft_time_limit=25 * 60, time_limit=26 * 60)
def render_annual_report(report_id: int) -> str | None:
    """Renders a requested report (idempotent: a report no longer pending is left alone).
    Returns its status."""
    report = services.annual_report_run(report_id=report_id, now=timezone.now())
    return report.status if report else None


@shared_task
def sweep_annual_reports() -> tuple[int, int]:
    """Requeues lost requests and fails reports whose worker died (see the service)."""
    return services.annual_report_sweep(now=timezone.now())
