"""With REDIS_URL set (CI), a real Celery worker consumes tasks from Redis. Which broker the
settings choose from the environment is tested in tests/somobilite/test_settings.py."""

import os

import pytest

from somobilite.celery import app
from somobilite.tasks import health_check

REDIS_URL = os.environ.get("REDIS_URL", "")


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
