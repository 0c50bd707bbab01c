"""Settings read from the environment (somobilite/settings/base.py), computed as a fresh process
with that environment would compute them."""

import runpy
from pathlib import Path

from somobilite.settings import base as settings_base


def _settings_with(monkeypatch, **environ) -> dict:
    """The base settings as a fresh process with this environment would compute them."""
    for name in ("REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL", "OUTBOX_SWEEP_DELAY_SECONDS",
                 "OUTBOX_RETRY_BASE_SECONDS", "OUTBOX_RETRY_MAX_SECONDS", "OUTBOX_MAX_ATTEMPTS",
                 "EMAIL_TIMEOUT_SECONDS", "RATE_LIMIT_BOOKING_HOLD", "RATE_LIMIT_LOGIN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(settings_base.__file__)))


def test_cache_and_broker_have_their_own_settings_both_defaulting_to_redis_url(monkeypatch):
    both = _settings_with(monkeypatch, REDIS_URL="redis://one:6379/0")
    assert both["CACHES"]["default"]["LOCATION"] == "redis://one:6379/0"
    assert both["CELERY_BROKER_URL"] == "redis://one:6379/0"
    assert both["CACHES"]["default"]["BACKEND"] == "somobilite.cache.FailSoftRedisCache"
    assert both["CELERY_TASK_ALWAYS_EAGER"] is False
    apart = _settings_with(monkeypatch, REDIS_URL="redis://one:6379/0",
                           CACHE_URL="redis://cache:6379/1",
                           CELERY_BROKER_URL="redis://broker:6379/2")
    assert apart["CACHES"]["default"]["LOCATION"] == "redis://cache:6379/1"
    assert apart["CELERY_BROKER_URL"] == "redis://broker:6379/2"
    none = _settings_with(monkeypatch)
    assert none["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert none["CELERY_BROKER_URL"] == "memory://"
    assert none["CELERY_TASK_ALWAYS_EAGER"] is True


def test_each_rate_limit_may_be_set_from_the_environment(monkeypatch):
    default = _settings_with(monkeypatch)["ACCOUNT_RATE_LIMITS"]
    assert default["booking_hold"] == "30/h/ip,5/h/key"
    changed = _settings_with(monkeypatch, RATE_LIMIT_BOOKING_HOLD="1000/h/ip,50/h/key",
                             RATE_LIMIT_LOGIN="")["ACCOUNT_RATE_LIMITS"]
    assert changed["booking_hold"] == "1000/h/ip,50/h/key"
    assert changed["login"] == ""  # no limit
    assert changed["login_failed"] == default["login_failed"]


def test_the_outbox_sweep_delay_is_a_setting(monkeypatch):
    assert _settings_with(monkeypatch)["OUTBOX_SWEEP_DELAY_SECONDS"] == 120
    assert _settings_with(monkeypatch, OUTBOX_SWEEP_DELAY_SECONDS="5")[
        "OUTBOX_SWEEP_DELAY_SECONDS"] == 5


def test_email_retries_and_timeout_are_settings(monkeypatch):
    default = _settings_with(monkeypatch)
    assert [default[name] for name in ("OUTBOX_RETRY_BASE_SECONDS", "OUTBOX_RETRY_MAX_SECONDS",
                                       "OUTBOX_MAX_ATTEMPTS", "EMAIL_TIMEOUT")] == [
        60, 3600, 30, 10]
    changed = _settings_with(monkeypatch, OUTBOX_RETRY_BASE_SECONDS="1",
                             OUTBOX_RETRY_MAX_SECONDS="4", OUTBOX_MAX_ATTEMPTS="5",
                             EMAIL_TIMEOUT_SECONDS="3")
    assert [changed[name] for name in ("OUTBOX_RETRY_BASE_SECONDS", "OUTBOX_RETRY_MAX_SECONDS",
                                       "OUTBOX_MAX_ATTEMPTS", "EMAIL_TIMEOUT")] == [1, 4, 5, 3]


def test_server_side_binding_is_on_for_postgresql_unless_turned_off(monkeypatch):
    monkeypatch.delenv("DATABASE_SERVER_SIDE_BINDING", raising=False)
    url = "postgres://u:p@127.0.0.1:5432/db"
    options = _settings_with(monkeypatch, DATABASE_URL=url)["DATABASES"]["default"]["OPTIONS"]
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5
    off = _settings_with(monkeypatch, DATABASE_URL=url, DATABASE_SERVER_SIDE_BINDING="false")
    assert "server_side_binding" not in off["DATABASES"]["default"].get("OPTIONS", {})
    sqlite = _settings_with(monkeypatch, DATABASE_URL="sqlite:///db.sqlite3")
    assert "server_side_binding" not in sqlite["DATABASES"]["default"].get("OPTIONS", {})
