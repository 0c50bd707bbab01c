"""The interview screen: profile, attendance, notes and follow-up, and who may do what."""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from bookings.models import AttendanceRecord, InterviewNote
from matching.models import MobilityProfile
from matching.services import profile_prefill_from_booking
from privacy.models import StaffAccessLog
from tests.factories import AppointmentFactory, UserFactory
from tests.staff_world import NOW, login_coordinator_with_mfa, paris, withdrawn_advisor

pytestmark = pytest.mark.django_db


def url(name, appointment):
    return reverse(f"backoffice:{name}", args=[appointment.public_id])


PROFILE_POST = {
    "birth_date": "2004-05-17", "postal_code": "33000", "status": "student",
    "education_level": "bac+2", "wish_domains": ["internship"], "wish_countries": ["DE", "AT"],
    "langues-TOTAL_FORMS": "2", "langues-INITIAL_FORMS": "0",
    "langues-0-language": "de", "langues-0-level": "B1", "budget_eur": "1500",
    "project_text": "Un stage en Allemagne",
}


def test_the_screen_marks_what_the_young_person_prepared_and_logs_the_reading(client, world):
    profile_prefill_from_booking(youth=world.youth, birth_date=dt.date(2004, 5, 17),
                                 postal_code="33000", status="student", domains=["internship"],
                                 project="Stage", now=NOW)
    client.force_login(world.advisor.user)
    page = client.get(url("interview", world.appointment)).content.decode()
    assert "Entretien avec Lina Jeune" in page
    assert page.count("renseigné par le ou la jeune") == 5
    assert set(StaffAccessLog.objects.values_list("what", flat=True)) == {
        "Profil de mobilité", "Notes d'entretien"}


def test_the_advisor_edits_the_profile_with_history_and_log(client, world):
    client.force_login(world.colleague.user)
    response = client.post(url("profile", world.appointment), PROFILE_POST)
    assert response.status_code == 302
    profile = MobilityProfile.objects.get(user=world.youth)
    assert profile.wish_countries == ["DE", "AT"]
    assert profile.languages == [{"language": "de", "level": "B1"}]
    assert profile.history.order_by("-history_id").first().history_user == world.colleague.user
    assert StaffAccessLog.objects.filter(action="change", actor=world.colleague.user).exists()
    page = client.get(url("interview", world.appointment)).content.decode()
    # Checkboxes (with a filter), not the Ctrl-click multi-select.
    assert 'id="id_wish_countries_0"' in page and '<select name="wish_countries"' not in page


def test_a_bad_profile_is_shown_again_in_french(client, world):
    client.force_login(world.advisor.user)
    response = client.post(url("profile", world.appointment),
                           {**PROFILE_POST, "postal_code": "33", "budget_eur": "-4"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Le code postal a 5 chiffres (par exemple 33000)." in page
    # Nothing of the refused form is saved; the page shows what the booking gathered.
    profile = MobilityProfile.objects.get(user=world.youth)
    assert (profile.postal_code, profile.budget_eur) == (world.appointment.postal_code, None)


@pytest.mark.parametrize(("field", "typed", "message"), [
    ("birth_date", "2026-03-20", "Cette date de naissance n&#x27;est pas possible."),  # NOW + 1 day
    ("birth_date", "9999-12-31", "Cette date de naissance n&#x27;est pas possible."),
    ("birth_date", "0001-01-01", "Cette date de naissance n&#x27;est pas possible."),
    ("wish_departure", "9999-12-31", "Choisissez une date entre 2000 et 2099."),
])
def test_an_impossible_date_in_the_profile_is_refused(client, world, field, typed, message):
    """A birth date in the future gave the matching a negative age; it was saved silently."""
    client.force_login(world.advisor.user)
    response = client.post(url("profile", world.appointment), {**PROFILE_POST, field: typed})
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page and f'value="{typed}"' in page
    profile = MobilityProfile.objects.get(user=world.youth)  # what the booking gathered only
    assert (profile.birth_date, profile.wish_departure) == (world.appointment.birth_date, None)


def test_the_header_follows_a_birth_date_corrected_at_the_interview(client, world):
    """The header said « 21 ans » (given at booking) after the advisor corrected the birth date
    to someone of 41, and nothing said that 41 is past the network's limit (SPEC §4)."""
    world.appointment.birth_date = dt.date(2004, 5, 17)
    world.appointment.save(update_fields=["birth_date"])
    client.force_login(world.advisor.user)
    header = re.compile(r"(\d+) ans le jour de l.entretien( \(date de naissance corrigée[^)]*\))?")
    page = client.get(url("interview", world.appointment)).content.decode()
    assert header.search(page).groups() == ("21", None)  # no profile yet: the age at booking
    client.post(url("profile", world.appointment), PROFILE_POST)  # the same birth date
    page = client.get(url("interview", world.appointment)).content.decode()
    assert header.search(page).groups() == ("21", None) and "hors du public" not in page
    client.post(url("profile", world.appointment), {**PROFILE_POST, "birth_date": "1985-03-20"})
    page = html.unescape(client.get(url("interview", world.appointment)).content.decode())
    assert header.search(page).group(1) == "40"  # 41 the day after the interview (19/03/2026)
    assert header.search(page).group(2)
    assert "Au-delà de 35 ans le jour de l'entretien : hors du public du réseau" in page
    world.appointment.refresh_from_db()
    assert world.appointment.age_at_interview == 21  # the statistics keep the age given


def test_attendance_only_after_the_start_then_corrected(client, world):
    later = AppointmentFactory(advisor=world.advisor, youth=world.youth,
                               starts_at=paris(2026, 3, 19, 14))
    client.force_login(world.advisor.user)
    response = client.post(url("attendance", later), {"status": "done"})
    assert "L&#x27;entretien n&#x27;a pas encore commencé" in response.content.decode()
    assert client.post(url("attendance", world.appointment), {"status": "no_show"}
                       ).status_code == 302
    client.force_login(world.colleague.user)
    client.post(url("attendance", world.appointment), {"status": "done"})
    world.appointment.refresh_from_db()
    assert world.appointment.status == "done"
    assert list(AttendanceRecord.objects.values_list("status", "recorded_by")) == [
        ("no_show", world.advisor.user.pk), ("done", world.colleague.user.pk)]
    page = client.get(url("interview", world.appointment)).content.decode()
    assert "(avant : Absence du ou de la jeune)" in page


def test_the_screen_of_a_cancelled_interview_says_so_instead_of_promising_attendance(
        client, world):
    """Tester t9a #8: « La présence s'enregistre une fois l'entretien commencé, à partir du … »
    on an interview cancelled by an absence: it never will."""
    cancelled = AppointmentFactory(
        advisor=world.advisor, youth=world.youth, starts_at=paris(2026, 3, 20, 10),
        status="cancelled_by_structure", cancelled_at=paris(2026, 3, 18, 9),
        cancel_reason="Indisponibilité de la personne qui devait vous recevoir")
    client.force_login(world.advisor.user)
    page = html.unescape(client.get(url("interview", cancelled)).content.decode())
    assert "La présence s'enregistre" not in page
    assert ("Rendez-vous annulé par la structure (le 18/03/2026 à 09:00, motif : "
            "Indisponibilité de la personne qui devait vous recevoir) : il n'a pas eu lieu, "
            "pas de présence à enregistrer.") in page
    assert url("attendance", cancelled) not in page  # no attendance form


def test_notes_are_for_the_structure_and_coordinators_with_mfa(client, world):
    client.force_login(world.advisor.user)
    client.post(url("note", world.appointment), {"text": "A déjà un passeport."})
    assert InterviewNote.objects.get().author == world.advisor.user
    client.force_login(world.colleague.user)
    assert "A déjà un passeport." in client.get(url("interview", world.appointment)
                                                ).content.decode()
    for user in (world.other.user, withdrawn_advisor(world.structure).user, world.coordinator):
        client.force_login(user)
        assert client.get(url("interview", world.appointment)).status_code in (403, 404)
        assert client.post(url("note", world.appointment), {"text": "x"}).status_code in (403,
                                                                                         404)
    login_coordinator_with_mfa(client, world.coordinator)
    assert "A déjà un passeport." in client.get(url("interview", world.appointment)
                                                ).content.decode()
    assert StaffAccessLog.objects.filter(actor=world.coordinator,
                                         what="Notes d'entretien").count() == 1
    youth = UserFactory()
    client.force_login(youth)
    assert client.get(url("interview", world.appointment)).status_code == 403


def test_follow_up_entry_and_date(client, world):
    client.force_login(world.advisor.user)
    client.post(url("follow_up", world.appointment),
                {"happened_on": "2026-03-19", "channel": "email", "summary": "Liens envoyés."})
    client.post(url("follow_up_date", world.appointment), {"on": "2026-04-02"})
    world.appointment.refresh_from_db()
    assert world.appointment.follow_up_on == dt.date(2026, 4, 2)
    assert world.appointment.follow_ups.get().summary == "Liens envoyés."
    response = client.post(url("follow_up_date", world.appointment), {"on": "2025-01-01"})
    assert "douze prochains mois" in response.content.decode()


def test_the_screen_costs_the_same_queries_whatever_the_history(client, world,
                                                                django_assert_num_queries):
    client.force_login(world.advisor.user)
    client.post(url("profile", world.appointment), PROFILE_POST)
    # 14, what the young person looked at before (issue 16), and whether the profile still
    # lacks what a booking gathered (tester t9a #2)
    queries = 16
    with django_assert_num_queries(queries):
        client.get(url("interview", world.appointment))
    for day in range(1, 6):
        earlier = AppointmentFactory(advisor=world.colleague, youth=world.youth,
                                     starts_at=paris(2026, 2, day, 9))
        client.post(url("note", earlier), {"text": f"Note {day}"})
        client.post(url("note", world.appointment), {"text": f"Note bis {day}"})
        client.post(url("follow_up", world.appointment),
                    {"happened_on": "2026-03-19", "channel": "phone", "summary": "Appel."})
        client.post(url("attendance", world.appointment),
                    {"status": "done" if day % 2 else "no_show"})
        client.post(url("profile", world.appointment), {**PROFILE_POST,
                                                        "budget_eur": str(1000 + day)})
    with django_assert_num_queries(queries):
        page = client.get(url("interview", world.appointment)).content.decode()
    assert page.count("Note bis") == 5


def test_the_new_appointment_email_links_to_the_interview_screen(world):
    from bookings.models import NotificationKind
    from bookings.notifications import build_message, queue

    notification = queue(kind=NotificationKind.ADVISOR_NEW, to=world.advisor.user.email,
                         appointment=world.appointment, now=NOW)
    message = build_message(notification, now=NOW)
    link = f"/espace-conseil/rendez-vous/{world.appointment.public_id}/"
    assert link in message.body and link in message.alternatives[0][0]


def test_the_screen_shows_what_the_young_person_looked_at_before(client, world):
    from matching.first_look import FirstLookItem, first_look_record_opened, first_look_record_shown
    from tests.factories import ProgrammeSheetFactory

    shown = [ProgrammeSheetFactory(slug=slug, title=title) for slug, title in (
        ("ces", "Corps européen de solidarité"), ("pvt-canada", "PVT Canada"))]
    items = [FirstLookItem(sheet_id=s.pk, slug=s.slug, title=s.title, summary="", met=(),
                           missing=()) for s in shown]
    first_look_record_shown(youth=world.youth, items=items, now=NOW)
    first_look_record_opened(youth=world.youth, slug="pvt-canada", now=NOW)
    client.force_login(world.advisor.user)
    page = html.unescape(client.get(url("interview", world.appointment)).content.decode())
    assert "Vus par le ou la jeune dans son espace" in page
    assert "Corps européen de solidarité</a> –" in page and "pas ouvert" in page
    assert "PVT Canada</a>" in page and "ouvert 1 fois" in page


def _first_crumb(page: str) -> str:
    return re.search(r'<li class="breadcrumb-item"><a href="([^"]+)"', page).group(1)


@pytest.mark.parametrize("name", ["interview", "matching"])
def test_the_first_breadcrumb_leads_where_each_person_may_go(client, world, name):
    """Tester t-adv 11: a coordinator's « Agenda » led to a 403 (advisors only)."""
    client.force_login(world.advisor.user)
    assert _first_crumb(client.get(url(name, world.appointment)).content.decode()) == reverse(
        "backoffice:agenda")
    login_coordinator_with_mfa(client, world.coordinator)
    page = client.get(url(name, world.appointment)).content.decode()
    home = _first_crumb(page)
    assert home == reverse("admin:bookings_appointment_changelist")
    assert "Rendez-vous (administration)" in page
    assert client.get(home).status_code == 200


@pytest.mark.parametrize(("status", "starts", "offered"), [
    ("confirmed", dt.timedelta(days=1), True),
    ("confirmed", -dt.timedelta(minutes=30), True),      # under way
    ("confirmed", -dt.timedelta(hours=3), False),        # over, attendance to record
    ("done", -dt.timedelta(hours=3), False),
    ("cancelled_by_structure", dt.timedelta(days=1), False),
    ("cancelled_by_youth", dt.timedelta(days=1), False),
])
@pytest.mark.parametrize("mode", ["video", "phone"])
def test_the_room_and_the_call_only_for_an_interview_that_can_still_take_place(
        client, world, status, starts, offered, mode):
    """Tester t9c #10: a cancelled video interview still offered « Ouvrir la salle de visio »."""
    extra = {"cancelled_at": NOW - dt.timedelta(hours=1)} if "cancelled" in status else {}
    appointment = AppointmentFactory(advisor=world.advisor, youth=world.youth, mode=mode,
                                     starts_at=NOW + starts, status=status, **extra)
    client.force_login(world.advisor.user)
    page = client.get(url("interview", appointment)).content.decode()
    header = page.split('id="presence"')[0]
    action = ("Ouvrir la salle de visio" if mode == "video" else "Appeler le")
    assert (action in header) is offered
    if mode == "video":
        assert (appointment.video_url in header) is offered


def test_a_birth_date_from_an_older_booking_is_a_mismatch_not_a_correction(client, world):
    """Tester t9c #3: the profile kept the birth date of an older booking and the header said
    « date de naissance corrigée » although nobody corrected it."""
    world.appointment.birth_date = dt.date(2001, 12, 5)
    world.appointment.save(update_fields=["birth_date"])
    profile_prefill_from_booking(youth=world.youth, birth_date=dt.date(1997, 5, 7),
                                 postal_code="33000", status="student", domains=[],
                                 project="", now=NOW - dt.timedelta(days=14))
    client.force_login(world.advisor.user)
    page = html.unescape(client.get(url("interview", world.appointment)).content.decode())
    assert "corrigée" not in page
    assert ("(date de naissance d'une réservation précédente ; à celle-ci : 05/12/2001, à "
            "vérifier avec le ou la jeune)") in page
    # Typed by the advisor (or the young person): now it is a correction.
    client.post(url("profile", world.appointment), {**PROFILE_POST, "birth_date": "1997-05-08"})
    page = html.unescape(client.get(url("interview", world.appointment)).content.decode())
    assert "(date de naissance corrigée depuis la réservation)" in page
    assert "réservation précédente" not in page
