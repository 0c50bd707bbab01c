"""What one request may make the server build is bounded (issue 9 §4): formsets, admin inline
formsets and admin actions, whatever numbers the request carries."""

import datetime as dt
import importlib
import inspect

import pytest
from django.apps import apps
from django.contrib import admin
from django.forms.formsets import BaseFormSet
from django.urls import reverse

from advisors.models import TrainingAttendance
from bookings.models import WaitingListEntry
from matching.models import MobilityProfile
from somobilite.admin_site import (
    ADMIN_ACTION_MAX_ROWS,
    ADMIN_INLINE_NEW_ROWS,
    BoundedModelAdminMixin,
)
from tests.factories import (
    CoordinatorFactory,
    TrainingAttendanceFactory,
    TrainingSessionFactory,
    UserFactory,
)
from tests.mfa_support import login_with_mfa

PROJECT_APPS = ("accounts", "advisors", "bookings", "matching", "privacy", "programmes")
HUGE = "100000000"


def _project_formset_classes():
    classes = []
    for label in PROJECT_APPS:
        path = apps.get_app_config(label).path
        for module_name in ("forms", "advisor_forms"):
            try:
                module = importlib.import_module(f"{label}.{module_name}")
            except ModuleNotFoundError:
                continue
            assert module.__file__.startswith(path)
            classes += [value for value in vars(module).values()
                        if inspect.isclass(value) and issubclass(value, BaseFormSet)
                        and hasattr(value, "form")]
    return classes


def test_every_formset_of_the_project_has_a_small_absolute_max():
    classes = _project_formset_classes()
    assert classes, "the languages formset at least"
    for formset_class in classes:
        assert formset_class.absolute_max <= 100, formset_class


@pytest.mark.django_db
def test_a_huge_languages_total_is_refused_in_french_without_building_it(client):
    """The review's request: 20–30 s of CPU and a 3.8 MB page before."""
    youth = UserFactory()
    client.force_login(youth)
    response = client.post(reverse("youth:profile"), {
        "langues-TOTAL_FORMS": HUGE, "langues-INITIAL_FORMS": "0",
        "langues-0-language": "es", "langues-0-level": "B1", "status": "student"})
    assert response.status_code == 200
    formset = response.context["formset"]
    assert len(formset.forms) <= 12
    assert "au plus 12" in response.content.decode()
    assert len(response.content) < 200_000
    assert not MobilityProfile.objects.exists()  # nothing half-saved


@pytest.mark.django_db
def test_every_model_admin_is_bounded():
    unbounded = [type(model_admin).__name__ for model_admin in admin.site._registry.values()
                 if not isinstance(model_admin, BoundedModelAdminMixin)]
    assert not unbounded


@pytest.fixture
def coordinator_client(client):
    login_with_mfa(client, CoordinatorFactory(with_totp=True))
    return client


def _inline_post(page, prefix_totals: dict) -> dict:
    """The change form's own data (management forms included), with forged totals."""
    data = {}
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name, field in management.fields.items():
            data[management.add_prefix(name)] = management.initial.get(name, field.initial)
    data.update(prefix_totals)
    return data


@pytest.mark.django_db
def test_an_admin_inline_builds_existing_rows_plus_a_few(coordinator_client):
    session = TrainingSessionFactory()
    for _ in range(3):
        TrainingAttendanceFactory(session=session)
    url = reverse("admin:advisors_trainingsession_change", args=[session.pk])
    page = coordinator_client.get(url)
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    data = {"kind": session.kind, "title": session.title, "date": "10/03/2024",
            "place": session.place, **_inline_post(page, {f"{prefix}-TOTAL_FORMS": HUGE})}
    response = coordinator_client.post(url, data)
    assert response.status_code == 200  # the form comes back with the reason
    formset = response.context["inline_admin_formsets"][0].formset
    assert len(formset.forms) == 3 + ADMIN_INLINE_NEW_ROWS
    assert formset.non_form_errors()
    assert TrainingAttendance.objects.filter(session=session).count() == 3


@pytest.mark.django_db
def test_an_admin_action_refuses_a_selection_beyond_its_bound(coordinator_client):
    WaitingListEntry.objects.bulk_create([
        WaitingListEntry(email=f"attente{n}@exemple.fr", departement="33", mode="video",
                         created_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
                         expires_at=dt.datetime(2026, 4, 2, tzinfo=dt.UTC))
        for n in range(ADMIN_ACTION_MAX_ROWS + 1)])
    url = reverse("admin:bookings_waitinglistentry_changelist")
    response = coordinator_client.post(url, {"action": "delete_selected", "select_across": "1",
                                             "index": "0", "_selected_action": ["1"],
                                             "post": "yes"}, follow=True)
    assert "100 lignes au plus" in response.content.decode()
    assert WaitingListEntry.objects.count() == ADMIN_ACTION_MAX_ROWS + 1
    first = list(WaitingListEntry.objects.values_list("pk", flat=True)[:2])
    done = coordinator_client.post(url, {"action": "delete_selected", "index": "0",
                                         "_selected_action": first, "post": "yes"})
    assert done.status_code == 302
    assert WaitingListEntry.objects.count() == ADMIN_ACTION_MAX_ROWS - 1


@pytest.mark.django_db
def test_printing_conventions_is_bounded_tighter(coordinator_client):
    from tests.factories import ConventionFactory

    conventions = [ConventionFactory() for _ in range(11)]
    response = coordinator_client.post(
        reverse("admin:advisors_convention_changelist"),
        {"action": "print_pdf", "index": "0",
         "_selected_action": [c.pk for c in conventions]}, follow=True)
    assert response["Content-Type"].startswith("text/html")
    assert "10 lignes au plus" in response.content.decode()
