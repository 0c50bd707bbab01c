"""The advisor's own availability page: weekly and one-off availability, absences."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from bookings.models import (
    Absence,
    Appointment,
    AppointmentStatus,
    OneOffAvailability,
    RecurringAvailability,
)
from tests.factories import (
    AdvisorFactory,
    AppointmentFactory,
    BookableAdvisorFactory,
    CoordinatorFactory,
    OneOffAvailabilityFactory,
    RecurringAvailabilityFactory,
    UserFactory,
)
from tests.mfa_support import login_with_mfa

from .conftest import NOW, paris

pytestmark = pytest.mark.django_db

PAGE = reverse("advisor_availability:page")


@pytest.fixture(autouse=True)
def _clock(frozen_now):
    """Wednesday 18 March 2026, noon in Paris."""


@pytest.fixture
def advisor_client(client, advisor):
    client.force_login(advisor.user)
    return client


def _recurring(**overrides):
    data = {"recurring-weekday": "0", "recurring-start_time": "14:00",
            "recurring-end_time": "17:00", "recurring-valid_from": "2026-03-23",
            "recurring-valid_until": "", "recurring-modes": ["in_person", "video"],
            "recurring-place": "Salle 2"}
    data.update(overrides)
    return data


def _absence(**overrides):
    data = {"absence-starts_at": "2026-03-27T08:00", "absence-ends_at": "2026-03-27T18:00",
            "absence-kind": "short", "absence-reason": "Formation"}
    data.update(overrides)
    return data


def test_page_lists_own_availability_only(advisor_client, advisor):
    OneOffAvailabilityFactory(advisor=advisor, date=dt.date(2026, 3, 25), place="Salle 4")
    OneOffAvailabilityFactory(advisor=advisor, date=dt.date(2026, 3, 10), place="Salle passée")
    RecurringAvailabilityFactory(advisor=BookableAdvisorFactory(), weekday=2, place="Ailleurs")
    Absence.objects.create(advisor=advisor, starts_at=paris(2026, 4, 6), ends_at=paris(2026, 4, 7),
                           kind="short", reason="Congés")
    response = advisor_client.get(PAGE)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Vendredi" in page and "09:00 – 12:00" in page and "à partir du 01/01/2024" in page
    assert "sur place, en visio, par téléphone" in page
    assert "mercredi 25 mars 2026" in page and "Salle 4" in page
    assert "Salle passée" not in page and "Ailleurs" not in page
    assert "Congés" in page and "06/04/2026 00:00" in page
    assert ">Disponibilités</a>" in page  # the advisors' nav link


def test_page_queries_do_not_grow_with_rows(advisor_client, advisor,
                                            django_assert_max_num_queries):
    for day in range(20, 30):
        OneOffAvailabilityFactory(advisor=advisor, date=dt.date(2026, 4, day))
    # 8, plus 2 for whether the slots are offered (training attended, convention in force).
    with django_assert_max_num_queries(10):
        assert advisor_client.get(PAGE).status_code == 200


def test_add_recurring_availability(advisor_client, advisor):
    response = advisor_client.post(reverse("advisor_availability:recurring_create"), _recurring())
    assert response.status_code == 302 and response.url == PAGE
    created = RecurringAvailability.objects.get(advisor=advisor, weekday=0)
    assert (created.start_time, created.end_time) == (dt.time(14), dt.time(17))
    assert created.valid_from == dt.date(2026, 3, 23) and created.valid_until is None
    assert created.modes == ("in_person", "video") and created.place == "Salle 2"
    assert "Lundi" in advisor_client.get(PAGE).content.decode()


def test_overlapping_recurring_is_refused_with_the_service_message(advisor_client, advisor):
    response = advisor_client.post(reverse("advisor_availability:recurring_create"), _recurring(
        **{"recurring-weekday": "4", "recurring-start_time": "11:00",
           "recurring-end_time": "13:00"}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Cette plage chevauche une disponibilité déjà publiée" in page
    assert 'value="11:00"' in page and 'value="Salle 2"' in page  # input kept
    assert RecurringAvailability.objects.filter(advisor=advisor).count() == 1


def test_recurring_without_mode_is_refused(advisor_client, advisor):
    response = advisor_client.post(reverse("advisor_availability:recurring_create"),
                                   _recurring(**{"recurring-modes": []}))
    assert response.status_code == 200
    assert "Choisissez au moins une modalité" in response.content.decode()


def test_add_one_off_availability_and_past_date_refused(advisor_client, advisor):
    url = reverse("advisor_availability:one_off_create")
    data = {"one_off-date": "2026-03-25", "one_off-start_time": "14:00",
            "one_off-end_time": "16:00", "one_off-modes": ["phone"], "one_off-place": ""}
    assert advisor_client.post(url, data).status_code == 302
    created = OneOffAvailability.objects.get(advisor=advisor)
    assert (created.date, created.start_time, created.modes) == (
        dt.date(2026, 3, 25), dt.time(14), ("phone",))
    refused = advisor_client.post(url, {**data, "one_off-date": "2026-03-10"})
    assert refused.status_code == 200 and "La date est passée." in refused.content.decode()
    assert OneOffAvailability.objects.filter(advisor=advisor).count() == 1


def test_absence_without_appointments_is_saved_on_paris_wall_clock(advisor_client, advisor):
    response = advisor_client.post(reverse("advisor_availability:absence_create"), _absence(
        **{"absence-starts_at": "2026-04-06T00:00", "absence-ends_at": "2026-04-10T23:59",
           "absence-kind": "long", "absence-reason": "Congés"}))
    assert response.status_code == 302
    absence = Absence.objects.get(advisor=advisor)
    assert absence.starts_at == paris(2026, 4, 6) and absence.ends_at == paris(2026, 4, 10, 23, 59)
    assert (absence.kind, absence.reason) == ("long", "Congés")


def test_absence_end_before_start_is_refused(advisor_client, advisor):
    response = advisor_client.post(reverse("advisor_availability:absence_create"), _absence(
        **{"absence-ends_at": "2026-03-27T07:00"}))
    assert response.status_code == 200
    assert "absence doit suivre son début." in response.content.decode()
    assert not Absence.objects.exists()


def test_absence_over_appointments_asks_then_cancels_and_tells(
        advisor_client, advisor, django_capture_on_commit_callbacks):
    booked = AppointmentFactory(advisor=advisor, starts_at=paris(2026, 3, 27, 9),
                                first_name="Alix", mode="video")
    other = AppointmentFactory(advisor=advisor, starts_at=paris(2026, 4, 3, 9))
    url = reverse("advisor_availability:absence_create")
    preview = advisor_client.post(url, _absence())
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "couvre 1 rendez-vous" in page
    assert "vendredi 27 mars 2026" in page and "09:00" in page
    assert "Alix" in page and "en visio" in page and "Fictif" not in page
    assert 'name="absence-confirm_cancellations" value="1"' in page
    assert not Absence.objects.exists()
    assert Appointment.objects.get(pk=booked.pk).status == AppointmentStatus.CONFIRMED

    with django_capture_on_commit_callbacks(execute=True):
        saved = advisor_client.post(url, _absence(**{"absence-confirm_cancellations": "1"}))
    assert saved.status_code == 302
    assert Absence.objects.get(advisor=advisor).reason == "Formation"
    assert Appointment.objects.get(pk=booked.pk).status == AppointmentStatus.CANCELLED_BY_STRUCTURE
    assert Appointment.objects.get(pk=other.pk).status == AppointmentStatus.CONFIRMED
    assert booked.youth.email in [message.to[0] for message in mail.outbox]
    assert other.youth.email not in [message.to[0] for message in mail.outbox]


def test_delete_own_availability(advisor_client, advisor):
    recurring = advisor.recurring_availabilities.get()
    one_off = OneOffAvailabilityFactory(advisor=advisor)
    assert advisor_client.post(reverse("advisor_availability:recurring_delete",
                                       kwargs={"pk": recurring.pk})).status_code == 302
    assert advisor_client.post(reverse("advisor_availability:one_off_delete",
                                       kwargs={"pk": one_off.pk})).status_code == 302
    assert not advisor.recurring_availabilities.exists()
    assert not advisor.one_off_availabilities.exists()


def test_cannot_delete_another_advisors_availability(advisor_client):
    someone_else = BookableAdvisorFactory()
    recurring = RecurringAvailabilityFactory(advisor=someone_else)
    one_off = OneOffAvailabilityFactory(advisor=someone_else)
    assert advisor_client.post(reverse("advisor_availability:recurring_delete",
                                       kwargs={"pk": recurring.pk})).status_code == 404
    assert advisor_client.post(reverse("advisor_availability:one_off_delete",
                                       kwargs={"pk": one_off.pk})).status_code == 404
    assert RecurringAvailability.objects.filter(pk=recurring.pk).exists()
    assert OneOffAvailability.objects.filter(pk=one_off.pk).exists()


def test_delete_is_post_only(advisor_client, advisor):
    recurring = advisor.recurring_availabilities.get()
    url = reverse("advisor_availability:recurring_delete", kwargs={"pk": recurring.pk})
    response = advisor_client.get(url)  # a GET changes nothing: back to the page of the form
    assert (response.status_code, response["Location"]) == (
        302, reverse("advisor_availability:page"))
    assert RecurringAvailability.objects.filter(pk=recurring.pk).exists()


def test_untrained_advisor_may_publish(client):
    untrained = AdvisorFactory()
    client.force_login(untrained.user)
    assert client.get(PAGE).status_code == 200


@pytest.mark.parametrize("who", ["youth", "coordinator", "withdrawn_advisor"])
def test_others_are_refused(client, who):
    if who == "youth":
        user = UserFactory()
    elif who == "coordinator":
        user = CoordinatorFactory(with_totp=True)
    else:
        designation = AdvisorFactory(withdrawn_on=dt.date(2026, 3, 1))
        user = designation.user
    client.force_login(user)
    assert client.get(PAGE).status_code == 403
    assert client.post(reverse("advisor_availability:recurring_create"),
                       _recurring()).status_code == 403


def test_anonymous_goes_to_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    response = client.post(reverse("advisor_availability:absence_create"), _absence())
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert not Absence.objects.exists()


# --- Withdrawing availability over booked interviews: shown, confirmed, young people told ----


@pytest.mark.parametrize("how", ["delete", "end"])
def test_withdrawing_weekly_availability_over_bookings_asks_then_cancels_and_tells(
        advisor_client, advisor, django_capture_on_commit_callbacks, how):
    """Fridays 9:00–12:00 hold Alix on 03/04; ending it after 27/03 (or deleting it) too."""
    recurring = advisor.recurring_availabilities.get()
    kept = AppointmentFactory(advisor=advisor, starts_at=paris(2026, 3, 27, 9))
    booked = AppointmentFactory(advisor=advisor, starts_at=paris(2026, 4, 3, 9),
                                first_name="Alix", mode="video")
    if how == "delete":
        url, data = (reverse("advisor_availability:recurring_delete",
                             kwargs={"pk": recurring.pk}), {})
    else:
        url, data = (reverse("advisor_availability:recurring_end",
                             kwargs={"pk": recurring.pk}), {"last_day": "2026-03-27"})
    preview = advisor_client.post(url, data)
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "vendredi 3 avril 2026" in page and "Alix" in page
    assert 'name="confirm_cancellations" value="1"' in page
    assert RecurringAvailability.objects.get(pk=recurring.pk).valid_until is None
    assert Appointment.objects.get(pk=booked.pk).status == AppointmentStatus.CONFIRMED

    with django_capture_on_commit_callbacks(execute=True):
        done = advisor_client.post(url, {**data, "confirm_cancellations": "1"})
    assert done.status_code == 302
    cancelled = Appointment.objects.get(pk=booked.pk)
    assert cancelled.status == AppointmentStatus.CANCELLED_BY_STRUCTURE
    told = [m for m in mail.outbox if m.to == [booked.youth.email]]
    assert told and "/rendez-vous/" in told[0].body  # the link to book again
    if how == "end":
        assert RecurringAvailability.objects.get(pk=recurring.pk).valid_until == dt.date(
            2026, 3, 27)
        assert Appointment.objects.get(pk=kept.pk).status == AppointmentStatus.CONFIRMED
    else:
        assert not RecurringAvailability.objects.filter(pk=recurring.pk).exists()
        assert Appointment.objects.get(pk=kept.pk).status == (
            AppointmentStatus.CANCELLED_BY_STRUCTURE)


def test_deleting_a_one_off_availability_over_a_booking_asks_first(advisor_client, advisor):
    one_off = OneOffAvailabilityFactory(advisor=advisor, date=dt.date(2026, 3, 25))
    booked = AppointmentFactory(advisor=advisor, starts_at=paris(2026, 3, 25, 14))
    url = reverse("advisor_availability:one_off_delete", kwargs={"pk": one_off.pk})
    assert "mercredi 25 mars 2026" in advisor_client.post(url).content.decode()
    assert OneOffAvailability.objects.filter(pk=one_off.pk).exists()
    assert advisor_client.post(url, {"confirm_cancellations": "1"}).status_code == 302
    assert Appointment.objects.get(pk=booked.pk).status == (
        AppointmentStatus.CANCELLED_BY_STRUCTURE)


def test_shortening_in_admin_asks_then_cancels(client, advisor,
                                              django_capture_on_commit_callbacks):
    recurring = advisor.recurring_availabilities.get()
    booked = AppointmentFactory(advisor=advisor, starts_at=paris(2026, 3, 27, 11),
                                first_name="Alix")
    login_with_mfa(client, CoordinatorFactory(with_totp=True))
    url = reverse("admin:bookings_recurringavailability_change", args=[recurring.pk])
    data = {"advisor": advisor.pk, "weekday": 4, "start_time": "09:00", "end_time": "11:00",
            "valid_from": "01/01/2024", "offers_in_person": "on", "offers_video": "on",
            "offers_phone": "on", "place": ""}
    refused = client.post(url, data)
    assert refused.status_code == 200 and "Alix" in refused.content.decode()
    assert RecurringAvailability.objects.get(pk=recurring.pk).end_time == dt.time(12)
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(url, {**data, "confirm_cancellations": "on"})
    assert saved.status_code == 302
    assert RecurringAvailability.objects.get(pk=recurring.pk).end_time == dt.time(11)
    assert Appointment.objects.get(pk=booked.pk).status == (
        AppointmentStatus.CANCELLED_BY_STRUCTURE)
    assert booked.youth.email in [m.to[0] for m in mail.outbox]


def test_deleting_in_admin_lists_the_bookings_and_tells_the_young_people(
        client, advisor, django_capture_on_commit_callbacks):
    recurring = advisor.recurring_availabilities.get()
    booked = AppointmentFactory(advisor=advisor, starts_at=paris(2026, 3, 27, 10),
                                first_name="Alix")
    login_with_mfa(client, CoordinatorFactory(with_totp=True))
    url = reverse("admin:bookings_recurringavailability_delete", args=[recurring.pk])
    page = client.get(url).content.decode()
    assert "Alix" in page and "sera annulé" in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"post": "yes"}).status_code == 302
    assert not RecurringAvailability.objects.filter(pk=recurring.pk).exists()
    assert Appointment.objects.get(pk=booked.pk).status == (
        AppointmentStatus.CANCELLED_BY_STRUCTURE)
    assert booked.youth.email in [m.to[0] for m in mail.outbox]


# --- Slots not offered yet: why and until when ----------------------------------------------


def test_an_untrained_advisor_is_told_why_her_slots_are_hidden_and_until_when(client):
    from tests.factories import ConventionFactory, TrainingSessionFactory

    untrained = AdvisorFactory()
    ConventionFactory(structure=untrained.structure)
    session = TrainingSessionFactory(date=dt.date(2026, 4, 9), place="CRIJ, Poitiers")
    session.attendances.create(user=untrained.user, attended=False)
    client.force_login(untrained.user)
    response = client.post(reverse("advisor_availability:recurring_create"), _recurring(),
                           follow=True)
    page = response.content.decode()
    assert "Votre disponibilité hebdomadaire est publiée" in page
    assert "ne sont pas encore proposés aux jeunes" in page
    assert "formation initiale obligatoire" in page and "09/04/2026" in page
    assert "sont proposés aux jeunes sur la page de" not in page


def test_a_trained_advisor_is_told_her_slots_are_offered(advisor_client):
    response = advisor_client.post(reverse("advisor_availability:recurring_create"),
                                   _recurring(), follow=True)
    page = response.content.decode()
    assert "sont proposés aux jeunes sur la page de" in page
    assert "pas encore proposés" not in page


def _absence_row(advisor, starts_at, ends_at):
    return Absence.objects.create(advisor=advisor, starts_at=starts_at, ends_at=ends_at,
                                  kind="short", reason="Saisie par erreur")


def test_an_absence_to_come_is_withdrawn_and_its_slots_are_offered_again(advisor_client,
                                                                          advisor):
    from bookings.slots import free_slots_for_structure

    absence = _absence_row(advisor, paris(2026, 3, 20, 0), paris(2099, 12, 31, 23))
    window = (paris(2026, 3, 20), paris(2026, 5, 1))
    assert free_slots_for_structure(structure=advisor.structure, start=window[0],
                                    end=window[1], now=NOW) == []
    page = advisor_client.get(PAGE).content.decode()
    withdraw = reverse("advisor_availability:absence_withdraw", kwargs={"pk": absence.pk})
    assert f'action="{withdraw}"' in page and ">Retirer</button>" in page

    response = advisor_client.post(withdraw, follow=True)
    assert "L&#x27;absence est retirée" in response.content.decode()
    assert not Absence.objects.exists()
    assert free_slots_for_structure(structure=advisor.structure, start=window[0],
                                    end=window[1], now=NOW)
    assert Absence.history.filter(history_type="-").get().history_date == NOW


def test_an_absence_under_way_ends_now_and_a_finished_one_stays(advisor_client, advisor):
    under_way = _absence_row(advisor, paris(2026, 3, 18, 8), paris(2026, 3, 19, 18))
    finished = _absence_row(advisor, paris(2026, 3, 2, 8), paris(2026, 3, 3, 18))
    assert ">Arrêter maintenant</button>" in advisor_client.get(PAGE).content.decode()
    advisor_client.post(reverse("advisor_availability:absence_withdraw",
                                kwargs={"pk": under_way.pk}))
    under_way.refresh_from_db()
    assert (under_way.starts_at, under_way.ends_at) == (paris(2026, 3, 18, 8), NOW)
    response = advisor_client.post(reverse("advisor_availability:absence_withdraw",
                                           kwargs={"pk": finished.pk}), follow=True)
    assert "Cette absence est terminée" in response.content.decode()
    assert Absence.objects.filter(pk=finished.pk).exists()


def test_another_advisors_absence_cannot_be_withdrawn(advisor_client):
    other = _absence_row(AdvisorFactory(), paris(2026, 4, 1, 8), paris(2026, 4, 1, 18))
    response = advisor_client.post(reverse("advisor_availability:absence_withdraw",
                                           kwargs={"pk": other.pk}))
    assert response.status_code == 404
    assert Absence.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize(("form", "field"), [
    ("absence", "starts_at"), ("absence", "ends_at"),
    ("recurring", "valid_from"), ("recurring", "valid_until"), ("one_off", "date"),
])
@pytest.mark.parametrize("year", ["0001", "9999"])
def test_a_date_at_the_end_of_the_calendar_is_refused_with_a_message(advisor_client, advisor,
                                                                   form, field, year):
    """A year 1 absence used to be a server error, a year 9999 absence hid the advisor for
    ever: both are typing mistakes, refused on the form with what was typed kept."""
    data = {
        "absence": _absence(),
        "recurring": _recurring(),
        "one_off": {"one_off-date": "2026-03-25", "one_off-start_time": "14:00",
                    "one_off-end_time": "16:00", "one_off-modes": ["phone"],
                    "one_off-place": "Salle 4"},
    }[form]
    typed = f"{year}-03-27" + ("T08:00" if form == "absence" else "")
    if (form, field, year) == ("absence", "starts_at", "9999"):
        data["absence-ends_at"] = "9999-03-28T08:00"
    data[f"{form}-{field}"] = typed
    url = reverse(f"advisor_availability:{form}_create")
    before = (Absence.objects.count(), RecurringAvailability.objects.count(),
              OneOffAvailability.objects.count())
    response = advisor_client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choisissez une date entre 2000 et 2099." in page
    assert f'value="{typed}"' in page
    assert (Absence.objects.count(), RecurringAvailability.objects.count(),
            OneOffAvailability.objects.count()) == before


def test_stopping_a_weekly_availability_in_year_9999_is_refused(advisor_client, advisor):
    recurring = advisor.recurring_availabilities.get()
    response = advisor_client.post(reverse("advisor_availability:recurring_end",
                                           kwargs={"pk": recurring.pk}),
                                   {"last_day": "9999-12-31"}, follow=True)
    assert "Choisissez une date entre 2000 et 2099." in response.content.decode()
    assert RecurringAvailability.objects.get(pk=recurring.pk).valid_until is None


ONE_OFF = reverse("advisor_availability:one_off_create")


def _one_off(**overrides):
    data = {"one_off-date": "2026-04-08", "one_off-start_time": "14:00",
            "one_off-end_time": "16:00", "one_off-modes": ["phone"], "one_off-place": ""}
    data.update(overrides)
    return data


@pytest.mark.parametrize(("day", "name"), [("2026-12-25", "Noël"), ("2026-05-14", "Ascension"),
                                           ("2026-04-06", "Lundi de Pâques")])
def test_a_one_off_availability_on_a_public_holiday_is_refused_with_its_name(
        advisor_client, advisor, day, name):
    """Tester t9a #5: a one-off on 25/12 was published and listed, never offered (the slot
    calendar skips holidays). Refused, naming the holiday, with the calendar's own table."""
    response = advisor_client.post(ONE_OFF, _one_off(**{"one_off-date": day}))
    assert response.status_code == 200
    shown = dt.date.fromisoformat(day).strftime("%d/%m/%Y")
    assert (f"Le {shown} est un jour férié ({name}) : aucun créneau n&#x27;est proposé aux "
            "jeunes ce jour-là.") in response.content.decode()
    assert not OneOffAvailability.objects.filter(advisor=advisor).exists()


def test_moving_a_one_off_availability_onto_a_holiday_is_refused(advisor):
    from bookings import services

    one_off = OneOffAvailabilityFactory(advisor=advisor, date=dt.date(2026, 4, 8),
                                        start_time=dt.time(14), end_time=dt.time(16))
    with pytest.raises(services.BookingError, match="jour férié"):
        services.availability_change(availability=one_off,
                                     changes={"date": dt.date(2026, 5, 1)},
                                     confirm_cancellations=True, now=NOW)


def test_a_one_off_availability_beyond_the_horizon_is_published_and_says_when_it_opens(
        advisor_client, advisor):
    """Planning ahead is legitimate: accepted, and the advisor learns the day young people will
    see it (8 weeks before its first slot)."""
    response = advisor_client.post(ONE_OFF, _one_off(**{"one_off-date": "2026-06-01"}),
                                   follow=True)
    page = response.content.decode()
    assert OneOffAvailability.objects.filter(advisor=advisor).exists()
    assert ("au-delà de l&#x27;horizon de réservation (8 semaines) : les jeunes pourront "
            "réserver ce créneau à partir du 06/04/2026.") in page
    inside = advisor_client.post(ONE_OFF, _one_off(**{"one_off-date": "2026-04-09"}),
                                 follow=True).content.decode()
    assert "horizon" not in inside


def test_a_range_that_is_not_whole_interviews_says_which_part_is_not_offered(
        advisor_client, advisor):
    """Tester t9a #10: Friday 09:00–10:30 offers 09:00 only; the last 30 minutes were silently
    unused. Published, with a message naming them (weekly and one-off alike; the fixture's
    advisor already offers Fridays 9:00–12:00, so Thursday here)."""
    from bookings.slots import free_slots

    page = advisor_client.post(reverse("advisor_availability:recurring_create"), _recurring(
        **{"recurring-weekday": "3", "recurring-start_time": "09:00",
           "recurring-end_time": "10:30"}), follow=True).content.decode()
    assert ("Les entretiens durent 60 minutes : la fin de cette plage, de 10:00 à 10:30, ne "
            "peut pas en accueillir un et ne sera pas proposée.") in page
    page = advisor_client.post(ONE_OFF, _one_off(**{"one_off-start_time": "14:15",
                                                    "one_off-end_time": "16:45"}),
                               follow=True).content.decode()
    assert "de 16:15 à 16:45, ne peut pas en accueillir un" in page
    # What the message says is what the slot calendar does.
    day = [slot.starts_at for slot in free_slots(
        advisors=type(advisor).objects.filter(pk=advisor.pk), start=paris(2026, 4, 8),
        end=paris(2026, 4, 9), now=NOW)]
    assert day == [paris(2026, 4, 8, 14, 15), paris(2026, 4, 8, 15, 15)]
    whole = advisor_client.post(reverse("advisor_availability:recurring_create"), _recurring(
        **{"recurring-weekday": "1"}), follow=True).content.decode()
    assert "ne peut pas en accueillir un" not in whole


@pytest.mark.parametrize(("starts_at", "ends_at"), [
    ("2026-03-01T08:00", "2026-03-02T08:00"),  # entirely past
    ("2026-03-18T08:00", "2026-03-18T12:00"),  # ends exactly now
])
def test_an_absence_already_over_is_refused(advisor_client, advisor, starts_at, ends_at):
    """Tester t9a #6: an absence entirely in the past was accepted silently (it could excuse,
    after the fact, a week below the weekly minimum in the compliance watch)."""
    response = advisor_client.post(reverse("advisor_availability:absence_create"), _absence(
        **{"absence-starts_at": starts_at, "absence-ends_at": ends_at}))
    assert response.status_code == 200
    assert "Cette absence est déjà terminée" in response.content.decode()
    assert not Absence.objects.filter(advisor=advisor).exists()


def test_an_absence_under_way_may_still_be_declared_and_the_form_says_what_long_means(
        advisor_client, advisor):
    page = advisor_client.get(PAGE).content.decode()
    assert "Longue : des semaines ou des mois" in page
    response = advisor_client.post(reverse("advisor_availability:absence_create"), _absence(
        **{"absence-starts_at": "2026-03-18T08:00", "absence-ends_at": "2026-03-18T18:00"}))
    assert response.status_code == 302
    assert Absence.objects.filter(advisor=advisor).exists()



RECURRING = reverse("advisor_availability:recurring_create")


@pytest.mark.parametrize(("weekday", "valid_from", "first", "opens"), [
    ("1", "2099-03-03", "03/03/2099", "06/01/2099"),   # the report: a Tuesday in 2099
    ("0", "2026-05-25", "01/06/2026", "06/04/2026"),   # Lundi de Pentecôte skipped
    ("2", "2026-05-26", "27/05/2026", "01/04/2026"),   # first Wednesday after the start
])
def test_a_weekly_range_beyond_the_horizon_says_when_it_opens(
        advisor_client, advisor, weekday, valid_from, first, opens):
    """Tester t9c #6: as a one-off, a weekly range whose first day is beyond the booking horizon
    is published and says its first day and when young people can book it."""
    page = advisor_client.post(RECURRING, _recurring(**{
        "recurring-weekday": weekday, "recurring-valid_from": valid_from}),
        follow=True).content.decode()
    assert RecurringAvailability.objects.filter(advisor=advisor, weekday=weekday).exists()
    assert ("au-delà de l&#x27;horizon de réservation (8 semaines) : les jeunes pourront "
            f"réserver son premier créneau, le {first}, à partir du {opens}.") in page


def test_a_weekly_range_within_the_horizon_says_nothing_of_it(advisor_client, advisor):
    page = advisor_client.post(RECURRING, _recurring(), follow=True).content.decode()
    assert "publiée" in page and "horizon" not in page and "aucun créneau" not in page


@pytest.mark.parametrize(("weekday", "valid_from", "valid_until"), [
    ("0", "2026-03-24", "2026-03-28"),   # no Monday between a Tuesday and a Saturday
    ("0", "2026-04-06", "2026-04-12"),   # its only Monday is Lundi de Pâques
])
def test_a_weekly_range_with_no_day_to_offer_says_so(advisor_client, advisor, weekday,
                                                      valid_from, valid_until):
    page = advisor_client.post(RECURRING, _recurring(**{
        "recurring-weekday": weekday, "recurring-valid_from": valid_from,
        "recurring-valid_until": valid_until}), follow=True).content.decode()
    assert "elle ne proposera aucun créneau aux jeunes" in page
