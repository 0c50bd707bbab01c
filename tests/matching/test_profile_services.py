"""The mobility profile services: writes with history, and staff access with its log."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from bookings.followup import (
    ProfileAccessDenied,
    advisor_follows_youth,
    profile_get_for_staff,
    profile_update_by_advisor,
    staff_may_see_youth,
)
from matching.forms import AdvisorProfileForm, profile_cleaned_data, profile_forms
from matching.models import MobilityProfile
from matching.services import MatchingError, profile_get_or_create_for, profile_update
from privacy.models import AccessAction, StaffAccessLog
from tests.factories import (
    AdvisorFactory,
    AppointmentFactory,
    BookableAdvisorFactory,
    CoordinatorFactory,
    YouthFactory,
)
from tests.mfa_support import with_mfa_session

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def test_get_or_create_is_for_young_people_only():
    youth = YouthFactory()
    first = profile_get_or_create_for(youth=youth, now=NOW)
    assert profile_get_or_create_for(youth=youth, now=NOW) == first
    assert MobilityProfile.objects.count() == 1
    with pytest.raises(MatchingError):
        profile_get_or_create_for(youth=AdvisorFactory().user, now=NOW)


def test_update_records_who_when_and_why():
    youth = YouthFactory()
    profile = profile_get_or_create_for(youth=youth, now=NOW)
    profile_update(profile=profile, data={"hobbies": "Escalade", "budget_eur": 1500,
                                          "wish_domains": ["job"]},
                   by=youth, now=NOW, reason="Complété par le ou la jeune")
    profile.refresh_from_db()
    assert (profile.hobbies, profile.budget_eur, profile.wish_domains) == (
        "Escalade", 1500, ["job"])
    assert profile.updated_by == youth
    last = profile.history.first()
    assert last.history_user == youth
    assert last.history_date == NOW
    assert last.history_change_reason == "Complété par le ou la jeune"


def test_update_without_change_adds_no_history_row():
    youth = YouthFactory()
    profile = profile_get_or_create_for(youth=youth, now=NOW)
    profile_update(profile=profile, data={"hobbies": "Voile"}, by=youth, now=NOW)
    rows = profile.history.count()
    profile_update(profile=profile, data={"hobbies": "Voile"}, by=youth, now=NOW)
    assert profile.history.count() == rows


def test_update_refuses_unknown_fields_and_unordered_durations():
    youth = YouthFactory()
    profile = profile_get_or_create_for(youth=youth, now=NOW)
    with pytest.raises(MatchingError, match="inconnus"):
        profile_update(profile=profile, data={"user_id": 3}, by=youth, now=NOW)
    with pytest.raises(MatchingError, match="durée minimum"):
        profile_update(profile=profile, data={"wish_duration_min_weeks": Decimal(30),
                                              "wish_duration_max_weeks": Decimal(10)},
                       by=youth, now=NOW)
    profile.refresh_from_db()
    assert profile.wish_duration_min_weeks is None


# --- Staff access ---------------------------------------------------------------------------


@pytest.fixture
def network():
    """Young person A booked with structure X; structure Y never saw her."""
    advisor_x = BookableAdvisorFactory()
    advisor_y = BookableAdvisorFactory()
    youth = YouthFactory()
    AppointmentFactory(advisor=advisor_x, youth=youth)
    return {"x": advisor_x.user, "y": advisor_y.user, "youth": youth,
            "colleague_x": AdvisorFactory(structure=advisor_x.structure).user}


def _request(rf, user):
    request = rf.get("/espace-conseil/jeunes/1/", REMOTE_ADDR="192.0.2.10")
    request.user = user
    return request


def _advisor_data(**fields):
    form, formset = profile_forms(data={
        "langues-TOTAL_FORMS": "1", "langues-INITIAL_FORMS": "0",
        "langues-0-language": "en", "langues-0-level": "B1", **fields,
    }, form_class=AdvisorProfileForm)
    assert form.is_valid() and formset.is_valid(), (form.errors, formset.errors)
    return profile_cleaned_data(form, formset)


def test_advisor_of_the_structure_updates_the_profile_and_it_is_logged(rf, network):
    advisor = network["x"]
    data = _advisor_data(birth_date="2003-02-01", postal_code="33000", status="student",
                         professional_experience="Job d'été en camping")
    profile = profile_update_by_advisor(advisor_user=advisor, youth=network["youth"],
                                        data=data, request=_request(rf, advisor), now=NOW)
    assert profile.birth_date == dt.date(2003, 2, 1)
    assert profile.languages == [{"language": "en", "level": "B1"}]
    assert profile.history.first().history_user == advisor
    entry = StaffAccessLog.objects.get()
    assert (entry.actor, entry.subject_id, entry.action, entry.ip_address) == (
        advisor, network["youth"].pk, AccessAction.CHANGE, "192.0.2.10")


def test_advisor_of_another_structure_is_refused_and_nothing_is_written(rf, network):
    advisor = network["y"]
    with pytest.raises(ProfileAccessDenied) as caught:
        profile_update_by_advisor(advisor_user=advisor, youth=network["youth"],
                                  data=_advisor_data(hobbies="x"),
                                  request=_request(rf, advisor), now=NOW)
    assert isinstance(caught.value, PermissionDenied)
    assert "votre structure" in caught.value.message
    assert not MobilityProfile.objects.exists()
    assert not StaffAccessLog.objects.exists()


def test_coordinator_updates_any_profile_from_a_session_that_passed_mfa(rf, network):
    coordinator = CoordinatorFactory(with_totp=True)
    with pytest.raises(ProfileAccessDenied):  # the account has TOTP, this session skipped it
        profile_update_by_advisor(advisor_user=coordinator, youth=network["youth"],
                                  data=_advisor_data(hobbies="Théâtre"),
                                  request=_request(rf, coordinator), now=NOW)
    profile_update_by_advisor(advisor_user=coordinator, youth=network["youth"],
                              data=_advisor_data(hobbies="Théâtre"),
                              request=with_mfa_session(_request(rf, coordinator), coordinator),
                              now=NOW)
    assert MobilityProfile.objects.get().hobbies == "Théâtre"
    assert StaffAccessLog.objects.get().actor == coordinator


@pytest.mark.parametrize(("status", "confirmed", "follows"), [
    ("pending", False, False),
    ("expired", False, False),  # also a hold released before its code (never "cancelled")
    ("confirmed", True, True),
    ("done", True, True),
    ("no_show", True, True),
    ("cancelled_by_youth", True, True),  # cancelled after confirmation
    ("cancelled_by_structure", True, True),
])
def test_only_an_appointment_confirmed_once_makes_an_advisor_follow(status, confirmed, follows):
    """Issue 9 §2: anyone can hold a slot with anyone's address; only the code proves it."""
    advisor = BookableAdvisorFactory()
    youth = YouthFactory()
    AppointmentFactory(advisor=advisor, youth=youth, status=status,
                       hold_expires_at=NOW if status == "pending" else None,
                       confirmed_at=NOW if confirmed else None)
    assert advisor_follows_youth(advisor_user=advisor.user, youth=youth) is follows
    assert staff_may_see_youth(user=advisor.user, youth=youth) is follows


def test_staff_fetcher_checks_the_structure_and_logs_views(rf, network):
    youth = network["youth"]
    profile_get_or_create_for(youth=youth, now=NOW)
    coordinator = CoordinatorFactory(with_totp=True)
    for user in (network["x"], network["colleague_x"], coordinator):
        request = _request(rf, user)
        if user is coordinator:
            request = with_mfa_session(request, user)
        profile = profile_get_for_staff(user=user, youth_id=youth.pk, request=request)
        assert profile.user == youth
    assert StaffAccessLog.objects.filter(action=AccessAction.VIEW, subject_id=youth.pk
                                         ).count() == 3
    for user, youth_id in ((network["y"], youth.pk), (YouthFactory(), youth.pk),
                           (coordinator, youth.pk),  # a session without MFA
                           (network["x"], 999_999), (network["x"], "abc"),
                           (network["x"], network["x"].pk)):
        with pytest.raises(MobilityProfile.DoesNotExist):
            profile_get_for_staff(user=user, youth_id=youth_id, request=_request(rf, user))
    assert StaffAccessLog.objects.count() == 3


def test_staff_fetcher_without_request_logs_nothing_and_gives_an_unsaved_empty_profile(
        network):
    profile = profile_get_for_staff(user=network["x"], youth_id=network["youth"].pk)
    assert profile.pk is None and profile.user == network["youth"]
    assert not StaffAccessLog.objects.exists()


def test_withdrawn_advisor_no_longer_sees_the_young_person(network):
    advisor = network["x"]
    designation = advisor.advisor_designations.get()
    designation.withdrawn_on = dt.date(2026, 10, 1)
    designation.save()
    with pytest.raises(MobilityProfile.DoesNotExist):
        profile_get_for_staff(user=advisor, youth_id=network["youth"].pk)
