"""Typing of requests past a login check (django-stubs types ``request.user`` as
``User | AnonymousUser``; behind ``login_required`` or the role decorators it is a User)."""

from django.http import HttpRequest

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request whose user is logged in: annotate views behind ``login_required``,
    ``youth_required`` or ``advisor_required``, and services that act for that user."""

    user: User
