"""Celery runs tasks in-process without a broker, on Redis with one; with REDIS_URL set (CI), a real
worker consumes tasks from Redis."""

import os
import subprocess
import sys

import pytest

from somobilite.celery import app
from somobilite.tasks import health_check

REDIS_URL = os.environ.get("REDIS_URL", "")


def _celery_settings(**environ: str) -> list[str]:
    """The broker and eagerness the settings derive from ``environ`` alone, read in a fresh
    interpreter (the settings module reads the environment once, at import)."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"REDIS_URL", "CELERY_BROKER_URL", "CACHE_URL"}}
    code = ("import somobilite.settings.base as s; "
            "print(s.CELERY_BROKER_URL); print(s.CELERY_TASK_ALWAYS_EAGER)")
    done = subprocess.run([sys.executable, "-c", code], env={**env, **environ},
                          capture_output=True, text=True, check=True, timeout=60)
    return done.stdout.split()


def test_without_redis_tasks_run_in_process():
    assert _celery_settings() == ["memory://", "True"]


def test_with_redis_tasks_go_to_the_broker():
    url = "redis://127.0.0.1:6399/4"
    assert _celery_settings(REDIS_URL=url) == [url, "False"]
    assert _celery_settings(REDIS_URL=url, CELERY_BROKER_URL="redis://127.0.0.1:6398/1") == [
        "redis://127.0.0.1:6398/1", "False"]


@pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL (CI starts Redis)")
# Celery's Redis result backend calls redis-py's deprecated setex; only this test reads results.
@pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning")
def test_a_worker_consumes_tasks_from_redis():
    from celery.backends.redis import RedisBackend
    from celery.contrib.testing.worker import start_worker
    from celery.result import AsyncResult

    conf = {k: app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=REDIS_URL, result_backend=REDIS_URL, task_always_eager=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
            sent = health_check.apply_async(queue="celery")
            # A backend of our own: app.backend may be cached from eager runs in this thread.
            result = AsyncResult(sent.id, backend=RedisBackend(app=app, url=REDIS_URL))
            assert result.get(timeout=20) == "ok"
    finally:
        app.conf.update(conf)
