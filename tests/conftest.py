"""Shared fixtures. Browser tests drive Debian's Chromium through Playwright (never downloaded)."""

import os

import pytest
from django.conf import settings

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session", autouse=True)
def _orm_next_to_playwright():
    """Playwright runs an event loop in the test thread; the ORM calls of the same tests stay
    synchronous. Session-wide, because when a browser test runs alone pytest-django creates
    the test database after Playwright's loop has started."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture(scope="session")
def base_url():
    """Replaces pytest-playwright 0.10's own ``base_url`` fixture, an instance-method session
    fixture that pytest 9 reports as deprecated (an error with warnings as errors)."""
    return None


@pytest.fixture(autouse=True)
def _every_email_subject_has_the_prefix():
    """Every email any test makes the platform send starts with « [So Mobilité] » (tester
    t-youth 13: the booking code's had none). The outbox adds it: checked after each test."""
    yield
    from django.core import mail

    unprefixed = [message.subject for message in getattr(mail, "outbox", [])
                  if not message.subject.startswith(settings.EMAIL_SUBJECT_PREFIX)]
    assert not unprefixed, f"emails sent without the subject prefix: {unprefixed}"


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits live in the cache, template fragments in their own: start every test from
    clean ones."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=False):
        cache.clear()
    yield


@pytest.fixture
def redis_server():
    """A Redis of the test's own on loopback, that the test may stop and start again (its data
    survive); see tests.loopback."""
    from somobilite import cache
    from tests.loopback import RedisServer

    server = RedisServer().start()
    yield server
    server.close()
    cache._down_until.pop(server.url, None)  # the port serves another test next
    cache._outage.discard(server.url)


@pytest.fixture
def smtp(settings):
    """A real SMTP server (aiosmtpd) on loopback, used by Django's SMTP backend."""
    from tests.loopback import MailServer

    server = MailServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server
    server.stop()


def pytest_collection_modifyitems(config, items):
    if settings.IS_POSTGRES:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (run with DATABASE_URL=postgres://…)")
    for item in items:
        if item.get_closest_marker("postgres_only"):
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _private_files_in_a_temporary_directory(tmp_path_factory):
    """Help-request screenshots and media bank files written by the tests go to a directory
    of the run, not to the project's PRIVATE_MEDIA_ROOT."""
    from django.test import override_settings

    storages = {**settings.STORAGES, "private": {
        "BACKEND": "support.storage.PrivateStorage",
        "OPTIONS": {"location": str(tmp_path_factory.mktemp("private-media"))}}}
    with override_settings(STORAGES=storages):
        yield


def pytest_terminal_summary(terminalreporter, config):
    """The random order's seed, also under ``-q`` (which hides pytest-randomly's header line):
    replay a failing order with ``--randomly-seed``."""
    seed = getattr(config.option, "randomly_seed", None)
    if seed is not None:
        terminalreporter.write_line(f"Random test order: replay it with --randomly-seed={seed}")
