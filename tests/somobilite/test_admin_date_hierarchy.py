"""Every admin change list reads the dates asked in its address with the plausible-date rule
(tester t9b F9): ``?signed_on__year=9999`` and, for date-times, year 1 were server errors on
all twelve date hierarchies, and so was a date filter such as ``?at__gte=0001-01-01``."""

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.db import models
from django.urls import reverse

from tests.factories import CoordinatorFactory
from tests.mfa_support import login_with_mfa

pytestmark = pytest.mark.django_db

WITH_HIERARCHY = sorted(
    ((model._meta.label, model_admin.date_hierarchy)
     for model, model_admin in admin.site._registry.items() if model_admin.date_hierarchy),
)


def _date_filters() -> list[tuple[str, str]]:
    found = []
    for model, model_admin in admin.site._registry.items():
        for entry in model_admin.list_filter:
            name = entry if isinstance(entry, str) else (
                entry[0] if isinstance(entry, tuple) else None)
            if name and isinstance(model._meta.get_field(name.split("__")[0]),
                                   models.DateField):
                found.append((model._meta.label, name))
    return sorted(found)


WITH_DATE_FILTER = _date_filters()


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


def test_the_project_has_date_filters():
    assert ("privacy.StaffAccessLog", "at") in WITH_DATE_FILTER


@pytest.mark.parametrize(("label", "field"), WITH_DATE_FILTER)
@pytest.mark.parametrize("asked", [
    {"gte": "0001-01-01"}, {"gte": "0001-01-01", "lt": "0001-01-02"}, {"lt": "9999-12-31"},
    {"gte": "9999-12-31 23:59:59+02:00"}, {"gte": "1999-12-31"},
])
def test_an_implausible_date_filter_is_dropped_with_a_message(admin_client, label, field,
                                                             asked):
    query = {f"{field}__{lookup}": value for lookup, value in asked.items()}
    response = admin_client.get(_url(label), {**query, "q": "x"})
    assert response.status_code == 302
    assert response["Location"] == f"{_url(label)}?q=x"
    assert admin_client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(("label", "field"), WITH_DATE_FILTER)
def test_the_admin_date_filter_links_still_work(admin_client, label, field):
    response = admin_client.get(_url(label), {f"{field}__gte": "2026-01-01 00:00:00+01:00",
                                              f"{field}__lt": "2027-01-01 00:00:00+01:00"})
    assert response.status_code == 200


def _admin_date_fields():
    found = []
    for model in admin.site._registry:
        for db_field in model._meta.fields:
            if isinstance(db_field, models.DateField):
                found.append((model._meta.label, db_field.name))
    return sorted(found)


@pytest.mark.parametrize(("label", "name"), _admin_date_fields())
def test_every_admin_form_date_follows_the_plausible_rule(rf, label, name):
    """Tester t9b F9, the kind: a year 9999 typed in an admin form is refused in French."""
    from django import forms
    from django.apps import apps
    from django.core.exceptions import ValidationError

    model = apps.get_model(label)
    db_field = model._meta.get_field(name)
    request = rf.get("/")
    request.user = CoordinatorFactory.build()
    field = admin.site._registry[model].formfield_for_dbfield(db_field, request)
    if field is None or "birth" in name:
        return
    typed = (["9999-12-31", "10:00"] if isinstance(field, forms.SplitDateTimeField)
             else "9999-12-31")
    with pytest.raises(ValidationError) as raised:
        # The form field's own validators, then the model field's (the admin's full_clean).
        db_field.run_validators(field.clean(typed))
    assert "Choisissez une date entre 2000 et 2099." in raised.value.messages


#: Lookups and transforms a person can type after a date field in the address (tester t9c #1:
#: 24 change lists answered 500 on these while the two forms above were caught).
HOSTILE_DATE_FILTERS = [
    ("year", "0"), ("year", "-1"), ("year", "10000"), ("year", "99999"), ("iso_year", "0"),
    ("year__gte", "0"), ("year__lt", "99999"), ("in", "0001-01-01"),
    ("range", "0001-01-01,9999-12-31"), ("day", "99999999999"), ("month", "0"),
    ("date", "0001-01-01"), ("year", "1"),
]


@pytest.mark.parametrize(("label", "name"), _admin_date_fields())
def test_no_date_filter_typed_in_the_address_is_a_server_error(admin_client, label, name):
    """The kind of tester t9c #1: whatever follows a date field in the address, the change list
    answers (the list, or a redirect without the date filter and with a message), never 500."""
    for lookup, value in HOSTILE_DATE_FILTERS:
        response = admin_client.get(_url(label), {f"{name}__{lookup}": value, "q": "x"})
        assert response.status_code in (200, 302), (label, name, lookup, value)
        if response.status_code == 302:
            assert response["Location"] == f"{_url(label)}?q=x", (label, name, lookup, value)
            shown = [str(m) for m in get_messages(response.wsgi_request)]
            assert shown and "le filtre par date a été retiré" in shown[-1]
            assert admin_client.get(response["Location"]).status_code == 200


def test_a_filter_that_is_not_a_date_and_cannot_be_read_drops_every_filter(admin_client):
    """The last resort: a filter no rule knows that the database refuses (an id beyond its
    integers) takes the list back to no filter, with a message, never a 500."""
    url = _url("bookings.Appointment")
    response = admin_client.get(url, {"advisor__id__gt": "9" * 40, "q": "x"})
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"] == url
        assert admin_client.get(url).status_code == 200


def _admin_list_fields():
    """One field of each kind of every model with a change list on our admin site."""
    found = []
    for model in admin.site._registry:
        kinds = {}
        for db_field in model._meta.fields:
            kinds.setdefault(type(db_field).__name__, db_field.name)
        found.extend((model._meta.label, name) for name in kinds.values())
    return sorted(found)


#: Lookups of any field typed by hand with a wrong number or kind of values (tester t9d #1:
#: ``?id__range=1`` an IndexError, three values a TypeError, on 30 change lists).
HOSTILE_LOOKUPS = [("range", "1"), ("range", "1,2,3"), ("range", ""), ("in", ""),
                   ("isnull", "peut-être"), ("regex", "("), ("gt", "9" * 40),
                   ("year__gte", "x"), ("unknown", "1")]


@pytest.mark.parametrize(("label", "name"), _admin_list_fields())
def test_no_lookup_typed_in_the_address_is_a_server_error(admin_client, label, name):
    for lookup, value in HOSTILE_LOOKUPS:
        response = admin_client.get(_url(label), {f"{name}__{lookup}": value})
        assert response.status_code in (200, 302), (label, name, lookup, value)
        if response.status_code == 302:
            assert admin_client.get(response["Location"]).status_code == 200
