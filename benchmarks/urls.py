"""The project's URLs plus the floor of the HTTP benchmark: a bare view through all the
middleware, served by the same gunicorn as the pages it is compared with."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("__bench__/bare/", bare, name="bench_bare"),
    path("", include("somobilite.urls")),
]
