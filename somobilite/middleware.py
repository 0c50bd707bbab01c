"""Requests refused before any view reads them."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.translation import gettext as _

from .views import bad_request, method_not_allowed

NUL = "\x00"


def _carries_nul(data: QueryDict) -> bool:
    return any(NUL in key or any(NUL in value for value in values)
               for key, values in data.lists())


class RefuseNulCharacterMiddleware:
    """A request whose path, query string or form fields hold the character U+0000 gets a 400
    (the site's French page, or JSON under /api/) before any view runs.

    PostgreSQL text cannot store U+0000 and a query that compares text with it fails, so a view
    that passed such a value on (a filter on posted slugs, a message saved as typed) answered
    500. Django's form fields refuse it, but not values read straight from ``request.GET`` or
    ``request.POST``; no person types it in a browser either, so refusing the whole request
    loses nothing. Found by tests/test_hostile_input.py (issue 18 §4). Uploaded files' contents
    are not looked at (binary), only the form fields."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (NUL in request.path or _carries_nul(request.GET)
                or (request.method == "POST" and _carries_nul(request.POST))):
            return bad_request(request, reason=_(
                "Requête refusée : elle contient un caractère nul, qu'aucun champ n'accepte."))
        return self.get_response(request)


class MethodNotAllowedPageMiddleware:
    """Every bare 405 (``require_POST``, ``require_http_methods``, a class-based view's
    ``http_method_names``) becomes the site's French page (JSON under /api/), keeping the
    ``Allow`` header: the method was refused, the person is told what the address is for and
    where to go. Form targets redirect a GET to their form first (``somobilite.form_targets``);
    this is the net for every other method and view. A 405 that already has a body is kept."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.content:
            return response
        page = method_not_allowed(request)
        page["Allow"] = response.get("Allow", "")
        return page
