"""Every admin change list with a date hierarchy reads the date asked in its address with the
plausible-date rule (tester t9b F9: ``?signed_on__year=9999`` and, for date-times, year 1 were
server errors on all twelve of them)."""

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import CoordinatorFactory
from tests.mfa_support import login_with_mfa

pytestmark = pytest.mark.django_db

WITH_HIERARCHY = sorted(
    ((model._meta.label, model_admin.date_hierarchy)
     for model, model_admin in admin.site._registry.items() if model_admin.date_hierarchy),
)


def _url(label: str) -> str:
    app_label, model_name = label.lower().split(".")
    return reverse(f"admin:{app_label}_{model_name}_changelist")


@pytest.fixture
def admin_client(client):
    login_with_mfa(client, CoordinatorFactory(with_totp=True))
    return client


def test_the_project_has_date_hierarchies():
    assert len(WITH_HIERARCHY) >= 10


@pytest.mark.parametrize(("label", "field"), WITH_HIERARCHY)
@pytest.mark.parametrize("asked", [
    {"year": "9999"}, {"year": "9999", "month": "12"}, {"year": "9999", "month": "12", "day": "31"},
    {"year": "1"}, {"year": "1", "month": "1", "day": "1"}, {"year": "2026", "month": "2",
                                                              "day": "31"},
    {"year": "2026", "month": "13"}, {"year": "10000"}, {"year": "abc"}, {"month": "5"},
])
def test_an_implausible_date_is_dropped_with_a_message(admin_client, label, field, asked):
    query = {f"{field}__{part}": value for part, value in asked.items()}
    response = admin_client.get(_url(label), {**query, "q": "x"})
    assert response.status_code == 302
    assert response["Location"] == f"{_url(label)}?q=x"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "La date demandée n'existe pas ou sort de la période 2000–2099 : le filtre par date a "
        "été retiré."]
    assert admin_client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(("label", "field"), WITH_HIERARCHY)
def test_a_plausible_date_is_shown(admin_client, label, field):
    response = admin_client.get(_url(label), {f"{field}__year": "2099", f"{field}__month": "12",
                                              f"{field}__day": "31"})
    assert response.status_code == 200
