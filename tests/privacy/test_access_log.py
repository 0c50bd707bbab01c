"""Staff access to a young person's record is logged, readable in admin, and purged in time."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from privacy.models import AccessAction, StaffAccessLog
from privacy.tasks import purge_access_log
from tests.factories import CoordinatorFactory, UserFactory
from tests.mfa_support import login_with_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client(client):
    coordinator = CoordinatorFactory(with_totp=True, email="coord@exemple.fr")
    login_with_mfa(client, coordinator)
    return client


def test_opening_a_young_persons_record_is_logged(coordinator_client):
    youth = UserFactory(role=Role.YOUTH, email="lea@exemple.fr")
    url = reverse("admin:accounts_user_change", args=[youth.pk])
    response = coordinator_client.get(url, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    entry = StaffAccessLog.objects.get()
    assert entry.actor_email == "coord@exemple.fr"
    assert entry.subject_id == youth.pk
    assert entry.action == AccessAction.VIEW
    assert entry.path == url
    assert entry.ip_address == "203.0.113.7"


@pytest.mark.parametrize(("settings_count", "chain", "expected"), [
    (1, "6.6.6.6, 198.51.100.9", "198.51.100.9"),  # the start of the chain is forged
    (2, "198.51.100.9", "198.51.100.9"),  # shorter than the trusted count: no server error
    (0, "6.6.6.6", "10.0.0.1"),  # no proxy trusted: the header is ignored
])
def test_the_log_keeps_the_real_address_behind_the_proxy(coordinator_client, settings,
                                                         settings_count, chain, expected):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = settings_count
    youth = UserFactory(role=Role.YOUTH)
    response = coordinator_client.get(reverse("admin:accounts_user_change", args=[youth.pk]),
                                      REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=chain)
    assert response.status_code == 200
    assert StaffAccessLog.objects.get().ip_address == expected


def test_changing_a_young_persons_record_is_logged_with_the_fields(coordinator_client):
    youth = UserFactory(role=Role.YOUTH, email="sam@exemple.fr", first_name="Sam")
    url = reverse("admin:accounts_user_change", args=[youth.pk])
    response = coordinator_client.post(
        url,
        {
            "email": "sam@exemple.fr",
            "first_name": "Samuel",
            "last_name": youth.last_name,
            "role": Role.YOUTH,
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "01/01/2026",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    change = StaffAccessLog.objects.get(action=AccessAction.CHANGE)
    assert "first_name" in change.what
    assert change.subject_id == youth.pk


def test_staff_records_are_not_logged_as_youth_access(coordinator_client):
    advisor = UserFactory(role=Role.ADVISOR)
    coordinator_client.get(reverse("admin:accounts_user_change", args=[advisor.pk]))
    assert not StaffAccessLog.objects.exists()


def test_the_log_is_read_only_in_admin(coordinator_client):
    youth = UserFactory(role=Role.YOUTH)
    coordinator_client.get(reverse("admin:accounts_user_change", args=[youth.pk]))
    entry = StaffAccessLog.objects.get()
    assert (
        coordinator_client.get(reverse("admin:privacy_staffaccesslog_changelist")).status_code
        == 200
    )
    assert coordinator_client.get(reverse("admin:privacy_staffaccesslog_add")).status_code == 403
    assert (
        coordinator_client.post(
            reverse("admin:privacy_staffaccesslog_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_purge_keeps_the_retention_period_and_is_idempotent(settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 365
    actor = CoordinatorFactory()
    now = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)
    for age_days in (366, 365, 10):
        StaffAccessLog.objects.create(
            at=now - dt.timedelta(days=age_days),
            actor=actor,
            actor_email=actor.email,
            subject_id=1,
            action=AccessAction.VIEW,
            what=f"{age_days} jours",
        )
    with time_machine.travel(now, tick=False):
        assert purge_access_log.delay().get() == 1
        assert purge_access_log.delay().get() == 0
    assert sorted(StaffAccessLog.objects.values_list("what", flat=True)) == [
        "10 jours",
        "365 jours",
    ]


def test_nightly_jobs_are_scheduled_in_celery_beat():
    from django_celery_beat.models import PeriodicTask

    from somobilite.celery import app

    tasks = dict(PeriodicTask.objects.values_list("task", "crontab__hour"))
    assert tasks["privacy.retention"] == "3"
    assert tasks["privacy.purge_access_log"] == "4"
    app.loader.import_default_modules()
    assert {"privacy.retention", "privacy.purge_access_log"} <= set(app.tasks)


def test_opening_a_profile_or_a_selection_in_admin_is_logged(coordinator_client):
    from matching.models import MobilityProfile, ProgrammeRecommendation

    youth = UserFactory(role=Role.YOUTH)
    profile = MobilityProfile.objects.create(user=youth, hobbies="Escalade")
    selection = ProgrammeRecommendation.objects.create(
        youth=youth, created_at=dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC))
    for url in (reverse("admin:matching_mobilityprofile_change", args=[profile.pk]),
                reverse("admin:matching_programmerecommendation_change", args=[selection.pk])):
        assert coordinator_client.get(url).status_code == 200
    assert list(StaffAccessLog.objects.values_list("subject_id", flat=True)) == [youth.pk] * 2
