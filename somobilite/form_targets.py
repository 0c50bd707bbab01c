"""Form targets: the addresses that only receive a form (POST), never opened as a page.

Opening one (a bookmark, Enter in the address bar after an error, a reload, a link pasted from
the history) used to answer Django's bare 405: a blank page. ``form_target(page, *kwargs)``
replaces ``require_POST`` on such a view: a GET or HEAD is sent on (302) to the page holding the
form, named by its URL name, with the URL arguments it shares with the target; any other
method gets the site's French 405 page (``method_not_allowed``), like every other 405 of the
site (``somobilite.middleware.MethodNotAllowedPageMiddleware``).

Put it where ``require_POST`` was (under the access decorators): the access check still
comes first, then the method.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect

FORM_METHODS = ["POST"]


def form_target(page: str, *kwargs: str) -> Callable[[Callable[..., HttpResponse]],
                                                       Callable[..., HttpResponse]]:
    """Decorate a POST-only view whose form is on the page ``page`` (a URL name), reversed
    with the view's URL arguments named in ``kwargs``. The decorated view carries
    ``form_page`` (the URL name) for tests and the URL matrix."""
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **view_kwargs: Any) -> HttpResponse:
            if request.method in ("GET", "HEAD"):
                return redirect(page, **{name: view_kwargs[name] for name in kwargs})
            if request.method not in FORM_METHODS:
                return HttpResponseNotAllowed(FORM_METHODS)
            return view(request, *args, **view_kwargs)

        wrapped.form_page = page  # type: ignore[attr-defined]
        return wrapped
    return decorator
