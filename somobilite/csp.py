"""Content-Security-Policy (django-csp): one strict policy for the whole site, relaxed only on
the few third-party pages that need it (issue 9 §6).

The site's own templates have no inline script or style (styles live in static CSS files), so
``default-src 'self'`` holds on the public pages, the back-office and the API. Charts are served
as SVG files shown with ``<img>``, which the page's policy does not reach inside.
"""

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts

# The policy of every response is ``CONTENT_SECURITY_POLICY`` in settings/base.py.

#: Path prefix -> directives added there, and why.
RELAXED_PATHS: dict[str, dict[str, list[str]]] = {
    # django-celery-beat's periodic task form runs an inline script (crontab help).
    "/admin/django_celery_beat/periodictask/": {"script-src": [SELF, UNSAFE_INLINE]},
}


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the per-path relaxations of ``RELAXED_PATHS``."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only:
            for prefix, directives in RELAXED_PATHS.items():
                if request.path_info.startswith(prefix):
                    parts.update = {**(parts.update or {}), **directives}
        return parts
