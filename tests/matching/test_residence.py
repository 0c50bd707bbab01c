"""A young person's postal code: one rule (matching.residence) for every form and service that
takes it (tester t9a #4: the booking refused 75001, the advisor's profile form saved it
silently). A booking refuses a code outside Nouvelle-Aquitaine; the profile keeps it with a
warning (SPEC §4 judges residence at the interview; someone may move away since)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from backoffice.forms import StaffBookingForm
from bookings import services as booking_services
from bookings.forms import BookingForm
from matching.forms import AdvisorProfileForm
from matching.models import MobilityProfile
from matching.residence import (
    validate_profile_postal_code,
    validate_youth_postal_code,
    youth_postal_code_warning,
)
from matching.services import MatchingError, profile_update
from tests.factories import AppointmentFactory, BookableAdvisorFactory, CoordinatorFactory
from tests.mfa_support import login_with_mfa


@pytest.fixture
def staff_world(db):
    """The back-office world (tests/staff_world.py), the clock frozen at its NOW."""
    import time_machine

    from tests.staff_world import NOW, World

    with time_machine.travel(NOW, tick=False):
        yield World()


OUTSIDE = ("So Mobilité accueille les jeunes qui habitent en Nouvelle-Aquitaine (départements "
           "16, 17, 19, 23, 24, 33, 40, 47, 64, 79, 86, 87) : ce code postal n'en fait pas "
           "partie.")
UNKNOWN = "Le code postal 33999 ne correspond à aucune commune de Nouvelle-Aquitaine"
SHAPE = "Le code postal a 5 chiffres (par exemple 33000)."
NOUMEA = ("Le code postal 98800 est celui de Nouvelle-Calédonie : So Mobilité accompagne les "
          "jeunes qui habitent en Nouvelle-Aquitaine (départements 16, 17, 19, 23, 24, 33, 40, "
          "47, 64, 79, 86, 87).")


def _messages(validator, value) -> str:
    try:
        validator(value)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


@pytest.mark.parametrize(("value", "booking", "profile"), [
    ("33000", "", ""),
    ("37160", "", ""),  # Indre-et-Loire's numbering, serves a commune of the Vienne
    ("75001", OUTSIDE, ""),
    ("97400", OUTSIDE, ""),
    ("33999", UNKNOWN, UNKNOWN),
    ("99999", OUTSIDE, "Le code postal 99999 n'existe pas en France : vérifiez-le."),
    ("3300", SHAPE, SHAPE),
    ("ABCDE", SHAPE, SHAPE),
    ("330000", SHAPE, SHAPE),
    ("３３０００", SHAPE, SHAPE),  # full-width: the form fields fold it, a file is refused
    ("³³⁰⁰⁰", SHAPE, SHAPE),  # str.isdigit says yes
    ("٣٣٠٠٠", SHAPE, SHAPE),
    ("98800", NOUMEA, NOUMEA),  # an overseas collectivity: French, not « n'existe pas »
    ("98714", "Le code postal 98714 est celui de Polynésie française : So Mobilité",
     "Le code postal 98714 est celui de Polynésie française : So Mobilité"),
    ("", SHAPE, ""),  # a booking needs one, a profile may not know it yet
])
def test_the_booking_refuses_outside_the_region_the_profile_keeps_a_french_code(
        value, booking, profile):
    assert _messages(validate_youth_postal_code, value).startswith(booking)
    assert _messages(validate_profile_postal_code, value).startswith(profile)
    assert bool(youth_postal_code_warning(value)) == (value in ("75001", "97400"))


FORM_DATA = {"mode": "video", "first_name": "Lou", "last_name": "Exemple",
             "email": "lou@exemple.fr", "birth_date": "2004-05-17", "youth_status": "student",
             "consent": "on"}


@pytest.mark.parametrize("form_class", [BookingForm, StaffBookingForm])
@pytest.mark.parametrize(("typed", "message"), [
    ("3300", SHAPE), ("330001", SHAPE), ("33 0001", SHAPE), ("33-000", SHAPE), ("ABCDE", SHAPE),
    ("٣٣٠٠٠", SHAPE), ("98800", NOUMEA), ("75001", OUTSIDE), ("３３０００", None), ("³³⁰⁰⁰", SHAPE),
    ("３３ ０００", None), ("33\u00a0000", None),
])
def test_every_booking_form_gives_the_one_message_of_the_kind(form_class, typed, message):
    """Tester t9c #9: « 3300 » got Django's length message, « ３３０００ » the region's, « 98800 »
    « n'existe pas en France »."""
    form = form_class({**FORM_DATA, "postal_code": typed}, modes=("video",),
                      interview_day=dt.date(2026, 3, 27), today=dt.date(2026, 3, 18))
    if message is None:
        assert form.is_valid(), form.errors
        assert form.cleaned_data["postal_code"] == "33000"
    else:
        assert form.errors["postal_code"] == [message]


@pytest.mark.parametrize(("typed", "message"), [
    ("3300", SHAPE), ("7500012", SHAPE), ("98800", NOUMEA), ("３３０００", None), ("", None),
])
def test_the_profile_form_gives_the_same_messages(typed, message):
    form = AdvisorProfileForm({"postal_code": typed})
    if message is None:
        assert "postal_code" not in form.errors
        assert form.cleaned_data["postal_code"] == ("33000" if typed else "")
    else:
        assert form.errors["postal_code"] == [message]


@pytest.mark.parametrize("form_class", [BookingForm, StaffBookingForm])
def test_both_booking_forms_say_the_same_thing(form_class):
    form = form_class({**FORM_DATA, "postal_code": "75 001"}, modes=("video",),
                      interview_day=dt.date(2026, 3, 27), today=dt.date(2026, 3, 18))
    assert form.errors["postal_code"] == [OUTSIDE]


@pytest.mark.django_db
def test_the_booking_services_say_the_same_thing():
    """A booking reaching the service without the form (the API of the page, admin)."""
    advisor = BookableAdvisorFactory()
    appointment = AppointmentFactory(advisor=advisor,
                                     starts_at=dt.datetime(2026, 3, 27, 9, tzinfo=dt.UTC))
    with pytest.raises(booking_services.BookingError) as refused:
        booking_services.appointment_details_update(
            appointment=appointment, changes={"postal_code": "75001"},
            by=CoordinatorFactory(), now=dt.datetime(2026, 3, 18, 12, tzinfo=dt.UTC))
    assert OUTSIDE in refused.value.message


def test_the_profile_forms_keep_a_code_outside_the_region_and_refuse_a_wrong_one():
    assert AdvisorProfileForm({"postal_code": "75 001"}).is_valid()
    form = AdvisorProfileForm({"postal_code": "99999"})
    assert form.errors["postal_code"] == [
        "Le code postal 99999 n'existe pas en France : vérifiez-le."]


@pytest.mark.django_db
def test_the_profile_service_refuses_what_the_form_refuses():
    profile = MobilityProfile.objects.create(user=AppointmentFactory(
        advisor=BookableAdvisorFactory(),
        starts_at=dt.datetime(2026, 3, 27, 9, tzinfo=dt.UTC)).youth)
    staff = CoordinatorFactory()
    now = dt.datetime(2026, 3, 18, 12, tzinfo=dt.UTC)
    with pytest.raises(MatchingError, match="n'existe pas en France"):
        profile_update(profile=profile, data={"postal_code": "99999"}, by=staff, now=now)
    with pytest.raises(MatchingError, match="5 chiffres"):
        profile_update(profile=profile, data={"postal_code": "3300"}, by=staff, now=now)
    profile_update(profile=profile, data={"postal_code": "75001"}, by=staff, now=now)
    profile.refresh_from_db()
    assert profile.postal_code == "75001"


@pytest.mark.django_db
def test_the_interview_screen_warns_about_a_profile_outside_the_region(client, staff_world):
    """The tester's case: 75001 saved « without a word »."""
    world = staff_world
    client.force_login(world.advisor.user)
    url = reverse("backoffice:profile", args=[world.appointment.public_id])
    response = client.post(url, {"birth_date": "2004-05-17", "postal_code": "75001",
                                 "status": "student", "langues-TOTAL_FORMS": "0",
                                 "langues-INITIAL_FORMS": "0"}, follow=True)
    page = response.content.decode().replace("&#x27;", "'")
    assert "Le profil est enregistré." in page
    assert ('<div class="alert alert-warning" role="status">Le code postal 75001 n\'est pas en '
            'Nouvelle-Aquitaine') in page
    assert MobilityProfile.objects.get(user=world.youth).postal_code == "75001"


@pytest.mark.django_db
def test_the_admin_profile_form_warns_too(client):
    coordinator = CoordinatorFactory(with_totp=True)
    login_with_mfa(client, coordinator)
    profile = MobilityProfile.objects.create(user=AppointmentFactory(
        advisor=BookableAdvisorFactory(),
        starts_at=dt.datetime(2026, 3, 27, 9, tzinfo=dt.UTC)).youth)
    url = reverse("admin:matching_mobilityprofile_change", args=[profile.pk])
    response = client.post(url, {"postal_code": "75001", "langues-TOTAL_FORMS": "0",
                                 "langues-INITIAL_FORMS": "0"}, follow=True)
    page = response.content.decode().replace("&#x27;", "'")
    assert "Le code postal 75001 n'est pas en Nouvelle-Aquitaine" in page
