"""Rows only the application writes: a coordinator sees them in admin, never adds or edits them,
and records kept as evidence are not deleted by hand either."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from advisors.models import ConventionEvent
from outbox.models import Email
from privacy.models import StaffAccessLog
from programmes.models import ReviewDigest
from tests.factories import CoordinatorFactory
from tests.mfa_support import login_with_mfa

pytestmark = pytest.mark.django_db

VIEW_ONLY = [Email, ReviewDigest]
RECORDS = [StaffAccessLog, ConventionEvent]


@pytest.mark.parametrize("model", VIEW_ONLY + RECORDS)
def test_coordinator_sees_the_list_but_cannot_add(client, model):
    login_with_mfa(client, CoordinatorFactory(with_totp=True))
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    assert client.get(reverse(f"{prefix}_changelist")).status_code == 200
    assert client.get(reverse(f"{prefix}_add")).status_code == 403


@pytest.mark.parametrize("model", VIEW_ONLY + RECORDS)
def test_no_change_and_records_not_deleted(model):
    request = RequestFactory().get("/")
    request.user = CoordinatorFactory()
    model_admin = admin.site._registry[model]
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_change_permission(request)
    assert model_admin.has_delete_permission(request) is (model not in RECORDS)
