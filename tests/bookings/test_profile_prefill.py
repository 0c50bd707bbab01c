"""What the young person says when booking starts their mobility profile, without ever
overwriting what they or their advisor wrote later."""

import datetime as dt

from bookings import services
from matching.models import MobilityProfile

from .conftest import NOW, details, paris

FRIDAY_9 = paris(2026, 3, 27, 9)


def book(advisor, starts_at, **overrides):
    appointment = services.appointment_hold(
        advisor=advisor, starts_at=starts_at, mode="video", details=details(**overrides),
        email="lea@exemple.fr", now=NOW)
    return services.appointment_confirm(appointment=appointment, now=NOW)


def test_confirmed_booking_fills_the_empty_profile(advisor):
    appointment = book(advisor, FRIDAY_9, domains=("studies", "internship"))
    profile = MobilityProfile.objects.get(user=appointment.youth)
    assert profile.birth_date == dt.date(2004, 5, 17)
    assert profile.postal_code == "33800"
    assert profile.status == "student"
    assert profile.wish_domains == ["studies", "internship"]
    assert profile.project_text == "Un semestre en Espagne."
    change = profile.history.order_by("-history_id").first()
    assert change.history_user == appointment.youth
    assert change.history_change_reason == "Informations données lors de la réservation"


def test_a_later_booking_never_overwrites_the_profile(advisor):
    first = book(advisor, FRIDAY_9)
    profile = MobilityProfile.objects.get(user=first.youth)
    profile.status = "employee"
    profile.project_text = "Un PVT au Canada, finalement."
    profile.save()

    book(advisor, FRIDAY_9 + dt.timedelta(hours=1), youth_status="job_seeker",
         project="Autre chose")

    profile.refresh_from_db()
    assert profile.status == "employee"
    assert profile.project_text == "Un PVT au Canada, finalement."


def test_a_hold_alone_creates_no_profile(advisor):
    services.appointment_hold(advisor=advisor, starts_at=FRIDAY_9, mode="video",
                              details=details(), email="lea@exemple.fr", now=NOW)
    assert not MobilityProfile.objects.exists()


def test_the_account_is_named_only_by_a_booking_whose_code_was_proven(advisor):
    """Tester t-youth 6: whoever first typed an address used to name its account."""
    from accounts.models import User
    from bookings.prefill import booking_initial_for_youth

    stranger = services.appointment_hold(
        advisor=advisor, starts_at=FRIDAY_9, mode="video",
        details=details(last_name="Martin", phone="0611111111"), email="lea@exemple.fr", now=NOW)
    youth = User.objects.get(email="lea@exemple.fr")
    assert (youth.first_name, youth.last_name) == ("", "")
    initial = booking_initial_for_youth(youth=youth)
    assert (initial["first_name"], initial["last_name"]) == ("", "")
    assert "phone" not in initial  # the unproven hold's number is not offered back
    assert stranger.last_name == "Martin"  # the hold itself keeps what was typed

    owner = book(advisor, FRIDAY_9 + dt.timedelta(hours=1), last_name="Martin-Ferrand",
                 phone="0622222222")
    youth.refresh_from_db()
    assert owner.youth == youth
    assert (youth.first_name, youth.last_name) == ("Léa", "Martin-Ferrand")
    initial = booking_initial_for_youth(youth=youth)
    assert (initial["last_name"], initial["phone"]) == ("Martin-Ferrand", "0622222222")

    # A later unproven hold for the same address changes nothing on the account.
    services.appointment_hold(advisor=advisor, starts_at=FRIDAY_9 + dt.timedelta(hours=2),
                              mode="video", details=details(last_name="Usurpé"),
                              email="lea@exemple.fr", now=NOW)
    youth.refresh_from_db()
    assert youth.last_name == "Martin-Ferrand"


def test_the_migration_renames_accounts_named_by_an_unproven_hold(advisor):
    """Accounts made before the fix keep the first typed name: the data migration gives each
    the name of its latest proven booking, or none."""
    import importlib

    from django.apps import apps

    from accounts.models import User
    from tests.factories import AppointmentFactory, YouthFactory

    migration = importlib.import_module(
        "bookings.migrations.0016_account_names_from_proven_bookings")
    named_by_stranger = YouthFactory(first_name="Léa", last_name="Martin")
    AppointmentFactory(advisor=advisor, youth=named_by_stranger, status="expired",
                       confirmed_at=None, first_name="Léa", last_name="Martin")
    proven = YouthFactory(first_name="Léa", last_name="Martin")
    AppointmentFactory(advisor=advisor, youth=proven, first_name="Léa",
                       last_name="Martin-Ferrand", confirmed_at=NOW)
    migration.forwards(apps, None)
    assert User.objects.get(pk=named_by_stranger.pk).last_name == ""
    assert User.objects.get(pk=proven.pk).last_name == "Martin-Ferrand"


def test_the_prefill_writes_one_history_row(advisor):
    """Creation with what was said: one write, one history row, stamped with the service's
    clock; a later booking adds one row only when it fills an empty field."""
    first = book(advisor, FRIDAY_9, project="")
    profile = MobilityProfile.objects.get(user=first.youth)
    rows = list(profile.history.order_by("history_id"))
    assert [(row.history_type, row.history_date, row.history_user, row.status)
            for row in rows] == [("+", NOW, first.youth, "student")]
    assert profile.updated_by == first.youth and profile.project_text == ""

    book(advisor, FRIDAY_9 + dt.timedelta(hours=1))  # brings the project
    profile.refresh_from_db()
    assert profile.project_text == "Un semestre en Espagne."
    assert profile.history.count() == 2
    assert profile.history.order_by("-history_id").first().history_type == "~"

    from matching.services import profile_prefill_from_booking

    profile_prefill_from_booking(youth=first.youth, birth_date=dt.date(2001, 1, 1),
                                 postal_code="75001", status="employee", domains=["work"],
                                 project="Autre", now=NOW)  # nothing left to fill
    assert profile.history.count() == 2
    profile.refresh_from_db()
    assert (profile.birth_date, profile.postal_code) == (dt.date(2004, 5, 17), "33800")


def test_the_prefill_refuses_staff_accounts(advisor):
    import pytest

    from matching.services import MatchingError, profile_prefill_from_booking

    with pytest.raises(MatchingError):
        profile_prefill_from_booking(youth=advisor.user, birth_date=None, postal_code="33800",
                                     status="", domains=[], project="", now=NOW)
    assert not MobilityProfile.objects.exists()
