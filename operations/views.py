"""The health endpoint for the load balancer and monitoring."""

from __future__ import annotations

import asyncio

from django.http import HttpRequest, JsonResponse
from django.utils.cache import add_never_cache_headers
from health_check.checks import Cache, Database
from health_check.views import HealthCheckView

from .health import Broker, WorkerHeartbeat

CRITICAL = (Database,)
"""Checks whose failure means this web node cannot serve: the load balancer should take it
out (503). The others (cache, broker, worker) leave booking working, degraded (emails wait in
the outbox, pages are computed live): taking every node out for them would stop the service."""


class HealthView(HealthCheckView):
    """``GET /sante/``: ``{"status": "ok" | "degraded" | "unavailable"}``, 503 only when a
    critical check fails. The public sees nothing more; a logged-in coordinator also sees each
    check and its (generic) error."""

    checks = (Database, Cache, Broker, WorkerHeartbeat)

    async def get(self, request: HttpRequest, *args: object, **kwargs: object) -> JsonResponse:
        with self.get_executor() as executor:
            results = await asyncio.gather(
                *(check.get_result(executor) for check in self.get_checks()))
        failed = [r for r in results if r.error]
        critical = [r for r in failed if isinstance(r.check, CRITICAL)]
        status = "unavailable" if critical else "degraded" if failed else "ok"
        body: dict[str, object] = {"status": status}
        user = await request.auser()
        if user.is_authenticated and user.is_coordinator:
            body["checks"] = {type(r.check).__name__: str(r.error) if r.error else "ok"
                              for r in results}
        response = JsonResponse(body, status=503 if critical else 200)
        add_never_cache_headers(response)
        return response


health = HealthView.as_view()
