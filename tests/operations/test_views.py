"""The health endpoint: what the load balancer and the public see, and what coordinators see,
with real services missing (a broker port where nothing listens, Redis stopped)."""

import datetime as dt

import pytest
from django.utils import timezone

from operations.services import heartbeat_record
from tests.factories import CoordinatorFactory
from tests.loopback import celery_broker, fail_soft_caches, free_port

pytestmark = pytest.mark.django_db


def health(client):
    response = client.get("/sante/")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, response.json()


def test_all_well_without_a_broker_tasks_run_in_process(client):
    assert health(client) == (200, {"status": "ok"})


@pytest.fixture
def broker(redis_server):
    with celery_broker(redis_server.url):
        yield redis_server


def test_with_a_broker_and_a_recent_worker_heartbeat_all_is_well(client, broker):
    heartbeat_record(now=timezone.now())
    assert health(client) == (200, {"status": "ok"})


def test_no_worker_is_degraded_and_the_public_sees_no_detail(client, broker, settings):
    assert health(client) == (200, {"status": "degraded"})  # never ran
    settings.CELERY_HEARTBEAT_MAX_AGE_SECONDS = 180
    heartbeat_record(now=timezone.now() - dt.timedelta(seconds=200))
    status, body = health(client)
    assert (status, body) == (200, {"status": "degraded"})
    client.force_login(CoordinatorFactory())
    status, body = health(client)
    assert status == 200 and body["status"] == "degraded"
    assert body["checks"]["Database"] == body["checks"]["Cache"] == "ok"
    assert body["checks"]["Broker"] == "ok"
    assert body["checks"]["WorkerHeartbeat"].startswith("Unavailable: last worker heartbeat 2")


def test_broker_and_cache_down_are_degraded_not_unavailable(client, settings):
    """The load balancer keeps the node: booking works without them (see somobilite.cache)."""
    dead = f"redis://127.0.0.1:{free_port()}/0"
    settings.CACHES = fail_soft_caches(dead)
    with celery_broker(dead):
        heartbeat_record(now=timezone.now())
        assert health(client) == (200, {"status": "degraded"})
        coordinator = CoordinatorFactory()
        client.force_login(coordinator)
        checks = health(client)[1]["checks"]
    assert checks["Broker"] == "Unavailable: broker unreachable"
    assert checks["Cache"].startswith("Unavailable")
    assert checks["Database"] == checks["WorkerHeartbeat"] == "ok"
    assert "127.0.0.1" not in str(checks) and str(dead) not in str(checks)


def test_database_down_is_unavailable_for_the_load_balancer(client, monkeypatch):
    from django.db import connections

    real = connections["default"].settings_dict
    # The check opens a connection of its own: point it where no database is.
    if real["ENGINE"].endswith("postgresql"):
        monkeypatch.setitem(real, "PORT", str(free_port()))
    else:
        monkeypatch.setitem(real, "NAME", "/nonexistent/directory/db.sqlite3")
    assert health(client) == (503, {"status": "unavailable"})
