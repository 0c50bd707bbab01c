"""Project-level tasks."""

from celery import shared_task


@shared_task(name="somobilite.health_check")
def health_check() -> str:
    """Lets monitoring (and the test suite) prove that a worker consumes the broker's queue."""
    return "ok"
