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


# --- Every path that leaves an appointment confirmed prefills (tester t9a #2) ----------------

BOOKED = {"birth_date": dt.date(2004, 5, 17), "postal_code": "33800", "status": "student",
          "wish_domains": ["studies"], "project_text": "Un semestre en Espagne."}


def _prefilled(youth) -> dict:
    profile = MobilityProfile.objects.get(user=youth)
    return {name: getattr(profile, name) for name in BOOKED}


def test_a_booking_made_by_an_advisor_prefills_once_the_code_is_typed(advisor):
    from bookings.links import staff_hold_code

    hold = services.appointment_hold(
        advisor=advisor, starts_at=FRIDAY_9, mode="video", details=details(),
        email="lea@exemple.fr", now=NOW, booked_by=advisor.user)
    assert not MobilityProfile.objects.exists()  # the code is not typed yet
    services.appointment_confirm_by_code(appointment=hold, code=staff_hold_code(hold), now=NOW)
    assert _prefilled(hold.youth) == BOOKED


def test_the_advisor_hold_link_prefills(advisor, client):
    """The link of the email sent when an advisor booked (a POST on its page confirms)."""
    from django.urls import reverse

    from bookings.links import staff_hold_token

    hold = services.appointment_hold(
        advisor=advisor, starts_at=FRIDAY_9, mode="video", details=details(),
        email="lea@exemple.fr", now=NOW, booked_by=advisor.user)
    import time_machine

    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("bookings:staff_hold_confirm",
                                       kwargs={"token": staff_hold_token(hold)}))
    assert response.status_code == 200
    assert _prefilled(hold.youth) == BOOKED


def test_a_move_prefills_a_profile_the_confirmation_did_not(advisor):
    """An appointment confirmed before the prefill existed (a factory row here) is moved."""
    from tests.factories import AppointmentFactory, YouthFactory

    youth = YouthFactory()
    appointment = AppointmentFactory(advisor=advisor, youth=youth, starts_at=FRIDAY_9,
                                     postal_code="33800", project="Un semestre en Espagne.",
                                     confirmed_at=NOW - dt.timedelta(days=1))
    assert not MobilityProfile.objects.exists()
    services.appointment_move(appointment=appointment, mode="video", now=NOW,
                              new_starts_at=FRIDAY_9 + dt.timedelta(hours=1))
    assert _prefilled(youth) == BOOKED


def test_a_correction_in_admin_fills_only_what_the_profile_lacks(advisor):
    from tests.factories import AppointmentFactory, CoordinatorFactory, YouthFactory

    youth = YouthFactory()
    MobilityProfile.objects.create(user=youth, postal_code="87000")  # written by an advisor
    appointment = AppointmentFactory(advisor=advisor, youth=youth, starts_at=FRIDAY_9,
                                     confirmed_at=NOW - dt.timedelta(days=1), project="")
    services.appointment_details_update(appointment=appointment, by=CoordinatorFactory(),
                                        changes={"project": "Un semestre en Espagne."},
                                        now=NOW)
    assert _prefilled(youth) == {**BOOKED, "postal_code": "87000"}


def test_the_demo_seed_prefills_every_demo_profile(db):
    """The demo created appointments directly: their interview screens opened empty."""
    import io

    import time_machine

    from advisors import demo as advisors_demo
    from bookings import demo
    from bookings.models import Appointment

    with time_machine.travel("2026-03-18 11:00 +0100", tick=False):
        advisors_demo.seed(io.StringIO())
        demo.seed(io.StringIO())
    booked = Appointment.objects.filter(youth__email__endswith=demo.YOUTH_EMAIL_DOMAIN)
    assert booked.exists()
    for appointment in booked.select_related("youth"):
        profile = MobilityProfile.objects.get(user=appointment.youth)
        assert profile.birth_date and profile.postal_code and profile.status
        assert profile.wish_domains


# --- A profile still empty when staff open the interview (older data) ----------------------


def test_opening_the_interview_fills_an_old_empty_profile_from_the_latest_booking(
        staff_world, client):
    """Rayan and Manon (demo): booking data, empty profile, the matching refused."""
    from django.urls import reverse

    from tests.factories import AppointmentFactory
    from tests.staff_world import paris as staff_paris

    world = staff_world
    AppointmentFactory(advisor=world.advisor, youth=world.youth, status="done",
                       starts_at=staff_paris(2025, 11, 3, 9), postal_code="87000",
                       youth_status="job_seeker", domains=["job"], project="",
                       confirmed_at=staff_paris(2025, 10, 20, 9))
    client.force_login(world.advisor.user)
    page = client.get(reverse("backoffice:interview",
                              args=[world.appointment.public_id])).content.decode()
    profile = MobilityProfile.objects.get(user=world.youth)
    latest = world.appointment
    assert (profile.birth_date, profile.postal_code, profile.status, profile.wish_domains,
            profile.project_text) == (latest.birth_date, latest.postal_code,
                                      latest.youth_status, latest.domains, latest.project)
    assert 'value="2004-05-17"' in page
    change = profile.history.get()
    assert (change.history_user, change.history_change_reason) == (
        world.youth, "Informations données lors de la réservation")
    panel = client.get(reverse("backoffice:matching", args=[world.appointment.public_id]))
    assert "pas renseignée" not in panel.content.decode()


def test_opening_the_interview_never_overwrites_nor_refills_an_emptied_field(
        staff_world, client):
    from django.urls import reverse

    world = staff_world
    profile = MobilityProfile.objects.create(user=world.youth, postal_code="64100",
                                             project_text="Écrit par la conseillère")
    profile.project_text = ""  # emptied on purpose since
    profile.save()
    client.force_login(world.advisor.user)
    client.get(reverse("backoffice:interview", args=[world.appointment.public_id]))
    profile.refresh_from_db()
    assert (profile.postal_code, profile.project_text) == ("64100", "")
    assert profile.birth_date == world.appointment.birth_date  # never given: filled


def test_a_hold_never_confirmed_prefills_nothing_on_opening(staff_world):
    from bookings.services import profile_prefill_from_latest_booking
    from tests.factories import AppointmentFactory, YouthFactory
    from tests.staff_world import NOW as STAFF_NOW
    from tests.staff_world import paris as staff_paris

    youth = YouthFactory()
    AppointmentFactory(advisor=staff_world.advisor, youth=youth, status="expired",
                       starts_at=staff_paris(2026, 3, 26, 9))
    profile_prefill_from_latest_booking(youth=youth, now=STAFF_NOW)
    assert not MobilityProfile.objects.filter(user=youth).exists()
