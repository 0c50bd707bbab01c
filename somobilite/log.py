"""Structured logs (structlog through django-structlog), without personal data.

Every log line, from our code, Django, Celery or a library, goes through the same processors
and comes out as one JSON object (``LOG_FORMAT=json``, production) or a readable line
(``console``, development). django-structlog binds a ``request_id`` to each request (and the
user's id, a pseudonymous number), and carries it in the headers of the Celery tasks queued
during the request, so a worker's lines carry the ``request_id`` of the request that queued
the task.

No personal data (GDPR; the logs leave the database's access control):

- no IP address and no user agent (``DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False``; both keys
  are dropped from every line);
- the request is logged as its URL pattern (``GET rendez-vous/gerer/<str:token>/``), never
  the path and query that was asked: paths carry signed tokens and reset keys, queries carry
  whatever a visitor typed;
- every text of a line (message, values, exception and traceback) has its email addresses,
  phone numbers and signed tokens replaced by ``[email]``, ``[téléphone]`` and ``[jeton]``
  (SMTP errors quote recipients; Django's security warnings quote paths);
- names are never logged: log ids (appointment pk, public id), never a person.
"""

from __future__ import annotations

import re
import threading
from collections.abc import MutableMapping
from typing import Any

import structlog

EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
PHONE = re.compile(
    r"(?<![\w/.:-])"  # not inside a longer token (ids, times, URLs)
    r"(?:\+\d{1,3}[\s.-]?\(?0?\)?[\s.-]?\d(?:[\s.-]?\d{2}){4}"  # +33 6 12 34 56 78
    r"|0\d(?:[\s.-]?\d{2}){4})"  # 06 12 34 56 78, 0612345678
    r"(?![\w/.:-])")
SIGNED = re.compile(
    r"[A-Za-z0-9_-]{6,}(?::[A-Za-z0-9_-]{6,})?:[A-Za-z0-9_-]{20,}"  # django.core.signing
    r"|\b[0-9a-z]{1,13}-[0-9a-f]{20,}\b")  # password-reset style tokens (invitations)
DROPPED_KEYS = ("ip", "user_agent")


def scrub(text: str) -> str:
    """``text`` with email addresses, phone numbers and signed tokens (links that open an
    appointment or an account) replaced by placeholders."""
    return SIGNED.sub("[jeton]", PHONE.sub("[téléphone]", EMAIL.sub("[email]", text)))


def _scrub_value(value: Any) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {key: _scrub_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_scrub_value(item) for item in value)
    return value


def drop_personal_data(logger: Any, method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: remove IP and user agent, scrub every text (after the exception
    has been rendered to text, so tracebacks are scrubbed too)."""
    for key in DROPPED_KEYS:
        event_dict.pop(key, None)
    return {key: _scrub_value(value) for key, value in event_dict.items()}


_last_route = threading.local()
"""This thread's last (URL configuration, path) and its route: a request's ``request_started`` and
``request_finished`` lines (and any line between) name the same path, resolved once."""


def _route(path: str) -> str:
    """The URL pattern ``path`` matches, or the path itself followed by "(no route)"."""
    from django.conf import settings
    from django.urls import Resolver404, get_urlconf, resolve

    key = (get_urlconf() or settings.ROOT_URLCONF, path)
    if getattr(_last_route, "key", None) == key:
        return str(_last_route.route)
    try:
        route = resolve(path).route or path
    except Resolver404:
        route = f"{path} (no route)"
    _last_route.key, _last_route.route = key, route
    return route


def request_as_route(logger: Any, method: str, event_dict: MutableMapping[str, Any]
                     ) -> MutableMapping[str, Any]:
    """structlog processor: django-structlog's ``request`` ("GET /path?query") becomes the
    method and the URL pattern that matched, or the path alone (scrubbed later) for a URL that
    matches none."""
    request = event_dict.get("request")
    if isinstance(request, str) and " " in request:
        verb, _sep, full_path = request.partition(" ")
        event_dict["request"] = f"{verb} {_route(full_path.split('?', 1)[0])}"
    return event_dict


SHARED_PROCESSORS: list[structlog.typing.Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    request_as_route,
]
"""Processors run for structlog's own loggers and, through ``foreign_pre_chain``, for the
standard library's (Django, Celery, libraries)."""


def logging_config(*, fmt: str, level: str) -> dict[str, Any]:
    """The ``LOGGING`` setting: every logger to stderr through structlog's formatter, as
    ``fmt`` ("json" or "console") at ``level``."""
    renderer = (structlog.processors.JSONRenderer(ensure_ascii=False) if fmt == "json"
                else structlog.dev.ConsoleRenderer(colors=False))
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "foreign_pre_chain": SHARED_PROCESSORS,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    drop_personal_data,
                    renderer,
                ],
            },
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # WeasyPrint logs every layout step at INFO.
            "weasyprint.progress": {"level": "WARNING"},
            # django-structlog logs each request (request_finished, request_failed with the
            # traceback) by its URL pattern; Django's own lines quote the path asked.
            "django.request": {"level": "CRITICAL"},
            "django.server": {"level": "CRITICAL"},
            # django-structlog logs each task (task_started, task_succeeded with its duration,
            # task_failed…) with its request id; Celery's own "received" and "succeeded in"
            # lines said the same again, twice per task. Their warnings and errors stay.
            "celery.worker.strategy": {"level": "WARNING"},
            "celery.app.trace": {"level": "WARNING"},
        },
    }


def configure_structlog() -> None:
    """structlog's own loggers hand their events to the standard library's handlers (and so
    to the formatter above)."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED_PROCESSORS,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.UnicodeDecoder(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
