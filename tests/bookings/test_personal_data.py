"""A young person's appointments in the export, the erasure and the retention run; the
statistics of past years do not move when people are erased."""

import datetime as dt

import pytest
import time_machine
from django.apps import apps
from django.core import mail
from django.core.mail import EmailMessage
from django.db import IntegrityError, models

from bookings.interviews import follow_up_add, interview_note_add
from bookings.models import Appointment, AppointmentStatus, Notification, WaitingListEntry
from bookings.statistics import Filters, domains_requested, interview_counts
from matching.models import MobilityProfile, ProgrammeRecommendation
from outbox.delivery import email_queue
from outbox.models import Email
from privacy.services import retention_run, user_data_export, user_erase
from tests.factories import AppointmentFactory, BookableAdvisorFactory, YouthFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
NAME, SURNAME, EMAIL = "Zéphyrine", "Voyageuse", "zephyrine.voyageuse@exemple.fr"


@pytest.fixture
def youth(django_capture_on_commit_callbacks):
    person = YouthFactory(email=EMAIL, first_name=NAME, last_name=SURNAME)
    advisor = BookableAdvisorFactory()
    common = {"youth": person, "advisor": advisor, "first_name": NAME, "last_name": SURNAME,
              "project": f"Projet de {NAME} au Québec", "phone": "+33611223344"}
    past = AppointmentFactory(starts_at=dt.datetime(2025, 3, 14, 9, tzinfo=dt.UTC),
                              status=AppointmentStatus.DONE, age_at_interview=21,
                              departement="33", youth_status="student",
                              domains=["studies", "internship"], **common)
    interview_note_add(appointment=past, text=f"{NAME} hésite entre Montréal et Québec.",
                       by=advisor.user, now=NOW)
    follow_up_add(appointment=past, happened_on=dt.date(2025, 3, 20), channel="phone",
                  summary=f"Appelé {SURNAME} pour le PVT.", by=advisor.user, now=NOW)
    AppointmentFactory(starts_at=dt.datetime(2026, 12, 4, 9, tzinfo=dt.UTC), **common)
    WaitingListEntry.objects.create(email=EMAIL, departement="33", mode="video",
                                    created_at=NOW, expires_at=NOW + dt.timedelta(days=60))
    email_queue(message=EmailMessage("Votre code", "Code : 1234", to=[EMAIL]),
                kind="account/email/login_code", now=NOW, immediately=True)
    email_queue(message=EmailMessage("Synthèse", "…", to=["coordination@exemple.fr", EMAIL]),
                kind="test.several", now=NOW)
    mail.outbox.clear()
    profile = MobilityProfile.objects.create(user=person, hobbies=f"{NAME} fait de l'escalade",
                                             project_text=f"{SURNAME} veut partir")
    profile.hobbies += " et du violon"
    profile.save()  # a second history row
    ProgrammeRecommendation.objects.create(
        youth=person, advisor=advisor.user, created_at=NOW, message=f"Bonjour {NAME} !",
        items=[{"slug": "pvt-canada", "met": [f"{NAME}, 21 ans"], "missing": []}])
    return person


def identifying_rows(*needles: str) -> list[str]:
    """Every text or JSON column of every table (history tables included) that still holds
    one of ``needles``."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField | models.JSONField):
                continue
            for needle in needles:
                lookup = f"{field.name}__icontains"
                if isinstance(field, models.JSONField):
                    values = model.objects.exclude(**{f"{field.name}__isnull": True})
                    if any(needle.lower() in str(v).lower()
                           for v in values.values_list(field.name, flat=True)):
                        found.append(f"{model._meta.label}.{field.name} ∋ {needle}")
                elif model.objects.filter(**{lookup: needle}).exists():
                    found.append(f"{model._meta.label}.{field.name} ∋ {needle}")
    return found


def test_export_lists_the_appointments_waiting_list_and_emails(youth):
    data = user_data_export(user=youth, now=NOW)["bookings"]
    assert [a["project"] for a in data["appointments"]] == [f"Projet de {NAME} au Québec"] * 2
    assert data["appointments"][0]["consent_text_version"]
    assert data["waiting_list"][0]["departement"] == "33"
    emails = user_data_export(user=youth, now=NOW)["emails"]
    assert sorted(e["subject"] for e in emails) == ["[So Mobilité] Synthèse",
                                                    "[So Mobilité] Votre code"]


def test_erasure_leaves_nothing_identifying_and_tells_the_advisor(youth,
                                                                   django_capture_on_commit_callbacks):
    assert identifying_rows(NAME, SURNAME, "zephyrine", "+33611223344")  # the scan works
    with django_capture_on_commit_callbacks(execute=True):
        user_erase(user=youth, now=NOW)

    assert identifying_rows(NAME, SURNAME, "zephyrine", "611223344") == []
    assert Email.objects.get().to == "coordination@exemple.fr"  # sent to several: kept
    future = Appointment.objects.get(starts_at__gt=NOW)
    assert future.status == AppointmentStatus.CANCELLED_BY_YOUTH
    advisor_email = future.advisor.user.email
    assert any(advisor_email in m.to for m in mail.outbox)
    assert not any(EMAIL in m.to for m in mail.outbox)
    past = Appointment.objects.get(starts_at__lt=NOW)
    assert (past.age_at_interview, past.departement, past.youth_status, past.domains) == (
        21, "33", "student", ["studies", "internship"])
    assert past.birth_date is None
    assert not WaitingListEntry.objects.exists()
    assert not MobilityProfile.objects.exists()
    assert ProgrammeRecommendation.objects.get().youth == youth  # kept for the statistics


def test_emails_still_queued_after_an_erasure_use_neutral_wording(
        youth, settings, django_capture_on_commit_callbacks):
    from bookings import notifications

    settings.EMAIL_BACKEND = "tests.bookings.test_notifications.BrokenBackend"
    # The delivery task reads the clock: the same one as the erasure.
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        user_erase(user=youth, now=NOW)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert identifying_rows(NAME, SURNAME, "zephyrine", "611223344", "Québec") == []
    assert notifications.send_pending(now=NOW + dt.timedelta(minutes=5)) == 1
    (notice,) = mail.outbox
    assert "Ce rendez-vous est annulé ou ne vous est plus attribué" in notice.body
    assert "avec  " not in notice.body and "annulé" in notice.subject
    assert "a supprimé son compte" in notice.body
    assert "ATTENDEE" not in notice.attachments[0][1]


def statistics_of_2025():
    year = Filters(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    return (interview_counts(year, "outcome", "mode", now=NOW),
            interview_counts(year, "age_band", "youth_departement", "youth_status", "month"),
            domains_requested(year))


def test_statistics_of_past_years_do_not_change_when_people_are_erased(
        youth, settings, django_capture_on_commit_callbacks):
    before = statistics_of_2025()
    assert before[1] == {("18-25 ans", "33", "student", dt.date(2025, 3, 1)): 1}

    with django_capture_on_commit_callbacks(execute=True):
        user_erase(user=youth, now=NOW)
    assert statistics_of_2025() == before

    settings.PERSONAL_DATA_RETENTION_MONTHS = 1
    other = YouthFactory(date_joined=dt.datetime(2025, 5, 1, tzinfo=dt.UTC))
    AppointmentFactory(youth=other, starts_at=dt.datetime(2025, 6, 2, 9, tzinfo=dt.UTC),
                       status=AppointmentStatus.NO_SHOW, age_at_interview=30,
                       departement="64")
    before = statistics_of_2025()
    with django_capture_on_commit_callbacks(execute=True):
        assert retention_run(now=NOW)["anonymised"] == 1
        assert retention_run(now=NOW)["anonymised"] == 0
    assert statistics_of_2025() == before


def test_retention_purges_unconfirmed_bookings_and_old_waiting_list_entries():
    advisor = BookableAdvisorFactory()
    stale = AppointmentFactory(advisor=advisor, status=AppointmentStatus.EXPIRED,
                               starts_at=dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC),
                               hold_expires_at=NOW - dt.timedelta(days=2))
    fresh = AppointmentFactory(advisor=advisor, status=AppointmentStatus.EXPIRED,
                               starts_at=dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC),
                               hold_expires_at=NOW - dt.timedelta(hours=2))
    WaitingListEntry.objects.create(email="vieux@exemple.fr", departement="33", mode="video",
                                    created_at=NOW - dt.timedelta(days=90),
                                    expires_at=NOW - dt.timedelta(days=1))

    report = retention_run(now=NOW)
    again = retention_run(now=NOW)

    assert report["unconfirmed_bookings_deleted"] == 1
    assert report["waiting_list_entries_deleted"] == 1
    assert again["unconfirmed_bookings_deleted"] == again["waiting_list_entries_deleted"] == 0
    assert list(Appointment.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not Notification.objects.filter(appointment_id=stale.pk).exists()


def test_a_young_person_with_phone_interviews_is_erased_and_the_interviews_stay_phone_ones(
        django_capture_on_commit_callbacks):
    """The number of a phone interview goes with the name (it failed the database's check that a
    phone interview has a number: account deletion answered 500, the retention run stopped)."""
    person = YouthFactory(email=EMAIL, first_name=NAME, last_name=SURNAME)
    common = {"youth": person, "advisor": BookableAdvisorFactory(), "first_name": NAME,
              "last_name": SURNAME, "mode": "phone", "phone": "+33698765432"}
    past = AppointmentFactory(starts_at=dt.datetime(2025, 3, 14, 9, tzinfo=dt.UTC),
                              status=AppointmentStatus.DONE, **common)
    coming = AppointmentFactory(starts_at=dt.datetime(2026, 12, 9, 8, tzinfo=dt.UTC), **common)

    with django_capture_on_commit_callbacks(execute=True):
        user_erase(user=person, now=NOW)

    assert identifying_rows(NAME, SURNAME, "698765432") == []
    past.refresh_from_db()
    coming.refresh_from_db()
    assert (past.mode, past.status, str(past.phone or "")) == ("phone", "done", "")
    assert (coming.mode, coming.status, str(coming.phone or "")) == (
        "phone", "cancelled_by_youth", "")
    person.refresh_from_db()
    assert person.anonymised_at is not None


def test_the_retention_run_anonymises_a_young_person_whose_last_interview_was_by_phone():
    person = YouthFactory(email=EMAIL, first_name=NAME, last_name=SURNAME,
                          date_joined=dt.datetime(2023, 3, 1, tzinfo=dt.UTC))
    AppointmentFactory(youth=person, advisor=BookableAdvisorFactory(), first_name=NAME,
                       last_name=SURNAME, mode="phone", phone="+33698765432",
                       starts_at=dt.datetime(2023, 3, 14, 9, tzinfo=dt.UTC),
                       status=AppointmentStatus.DONE)

    assert retention_run(now=NOW)["anonymised"] == 1
    assert identifying_rows(NAME, SURNAME, "698765432") == []


def test_a_phone_interview_still_needs_a_number_while_its_person_is_known():
    appointment = AppointmentFactory(mode="phone", phone="+33698765432")
    with pytest.raises(IntegrityError):
        Appointment.objects.filter(pk=appointment.pk).update(phone="")
