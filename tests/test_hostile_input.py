"""Hostile input on every public form, the advisors' back-office forms and the JSON API
(issue 18 §4), property-based with hypothesis: derandomised, a fixed number of examples per
form, so the run is bounded and the same on every machine.

Each example starts from a valid submission and replaces some fields with hostile values: long
strings, NUL bytes, right-to-left and combining characters, HTML and script payloads, impossible
dates, huge numbers, and repeated parameters (a list where one value is expected). Whatever
comes in, the answer is a page (a French error on the form, or the success redirect) or a 4xx,
never a 5xx; a script payload never comes back unescaped; and the rows that the form is not
about (structures, advisors, conventions, availability, other people's appointments) do not
change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlencode

import pytest
import time_machine
from django.core import mail, serializers
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from advisors.models import Advisor, Convention, Structure
from bookings.links import appointment_manage_token
from bookings.models import Appointment, OneOffAvailability, RecurringAvailability
from matching.models import ProgrammeRecommendation
from programmes.models import ProgrammeSheet
from tests.bookings.web_support import (
    FIRST_SLOT,
    book_url,
    bookable_advisor,
    form_data,
    last_code,
)
from tests.bookings.web_support import NOW as BOOKING_NOW
from tests.factories import (
    AppointmentFactory,
    CoordinatorFactory,
    ProgrammeSheetFactory,
    RecurringAvailabilityFactory,
    UserFactory,
    YouthFactory,
)
from tests.mfa_support import login_with_mfa
from tests.staff_world import NOW as STAFF_NOW
from tests.staff_world import World

pytestmark = [pytest.mark.django_db, pytest.mark.hostile]

EXAMPLES = 100
SCRIPT = "<script>alert('so')</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOADS = [
    SCRIPT, IMG, "\x00", "Lou\x00Exemple", "\u202eelbarulov\u202c", "ليلى", "שלום",
    "e\u0301\u0301\u0301\u0327", "Z\u0335\u0321a\u0337l\u0336g\u0338o", "😀" * 60, "A" * 5000,
    "9" * 400, "-1", "0", "1e309", "NaN", "-Infinity", "2026-02-30", "2026-13-01",
    "0000-00-00", "9999-12-31", "31/02/2026", "2026-W99", "25:61", "' OR 1=1 --",
    "../../etc/passwd", "%00", "\r\nSet-Cookie: pris=1", " ", "", "null", "[]", "{}",
    "on", "true", "+33 6 00 00 00 00", "@", "a@b", "x" * 300 + "@exemple.fr",
]
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=200)
HOSTILE = st.one_of(st.sampled_from(PAYLOADS), TEXT,
                    st.integers(min_value=-10**30, max_value=10**30).map(str))
VALUE = st.one_of(HOSTILE, st.lists(HOSTILE, min_size=2, max_size=3))  # repeated parameters

#: The property functions are defined inside the tests (or called by them with a client), never
#: given pytest's function-scoped fixtures: the data a test builds is shared by its 100 examples
#: on purpose (the rows compared before and after span them all), so the function-scoped
#: fixture health check has nothing to catch and stays on. ``too_slow`` and ``data_too_large``
#: would only flag the long strings asked for; no deadline, as a page takes what it takes.
HYPOTHESIS = settings(
    max_examples=EXAMPLES, derandomize=True, deadline=None, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def tampered(base: dict) -> st.SearchStrategy[dict]:
    """``base`` with some of its fields (or unknown ones) replaced by hostile values."""
    keys = [*base, "inconnu"]
    return st.dictionaries(st.sampled_from(keys), VALUE, min_size=1, max_size=len(keys)).map(
        lambda changes: {**base, **changes})


# --- What must not change ------------------------------------------------------------------

UNRELATED = (Structure, Convention, Advisor, RecurringAvailability, OneOffAvailability,
             ProgrammeSheet)


def existing_rows() -> dict:
    """The primary keys of the rows there are now, per model of ``UNRELATED``."""
    return {model: list(model.objects.values_list("pk", flat=True)) for model in UNRELATED}


def fingerprint(rows: dict, *, keep: Callable[[], list] = list) -> str:
    """A digest of the rows of ``rows`` as they are now (rows added since are left out: a valid
    submission may add availability, it may not change what was there), plus those ``keep``
    names."""
    dumps = [serializers.serialize("json", model.objects.filter(pk__in=pks).order_by("pk"))
             for model, pks in rows.items()]
    dumps.append(serializers.serialize("json", keep()))
    return hashlib.sha256("".join(dumps).encode()).hexdigest()


# --- Errors tied to their fields ------------------------------------------------------------


class _Fields(HTMLParser):
    """Collects the page's ids and, for each field marked invalid, what describes it: its own
    ``aria-describedby`` or, for radio buttons and checkboxes, that of their fieldset."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.fieldsets: list[str] = []
        self.invalid: list[tuple[str, bool, str]] = []  # (tag, aria-invalid, described by)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "fieldset":
            self.fieldsets.append(attributes.get("aria-describedby") or "")
        if tag not in ("input", "select", "textarea"):
            return
        marked = attributes.get("aria-invalid") == "true"
        if marked or "is-invalid" in (attributes.get("class") or "").split():
            described = attributes.get("aria-describedby") or ""
            if not described and attributes.get("type") in ("radio", "checkbox"):
                described = next((d for d in reversed(self.fieldsets) if d), "")
            self.invalid.append((self.get_starttag_text(), marked, described))

    def handle_endtag(self, tag):
        if tag == "fieldset" and self.fieldsets:
            self.fieldsets.pop()


def assert_errors_tied_to_fields(page: str) -> None:
    """Every field marked invalid says so to screen readers (``aria-invalid``) and is described
    (``aria-describedby``, its own or its fieldset's) by elements that are on the page."""
    if "invalid" not in page:
        return
    fields = _Fields()
    fields.feed(page)
    for tag, marked, described in fields.invalid:
        assert marked, tag
        assert described.split(), tag
        missing = [name for name in described.split() if name not in fields.ids]
        assert not missing, (tag, missing)


# --- Targets -------------------------------------------------------------------------------


@dataclass
class Target:
    """One form (or the API): how to reach it with a valid submission. ``method`` is "get",
    "post" (data in the body) or "post-query" (data in the query string of a POST)."""

    name: str
    now: dt.datetime
    setup: Callable[[Client], tuple[str, dict]]  # logs in if needed; (url, valid data)
    method: str = "post"
    keep: Callable[[], list] = field(default=lambda: [])  # rows it must not touch either
    then: tuple[str, ...] = ()  # pages read after each submission (they show what was saved)

    def send(self, client: Client, url: str, data: dict):
        if self.method == "post-query":
            return client.post(f"{url}?{urlencode(data, doseq=True)}")
        return getattr(client, self.method)(url, data)


# Public pages


def _booking(client):
    advisor = bookable_advisor(slug="ij-hostile")
    return book_url(advisor, FIRST_SLOT), form_data()


def _booking_slot(client):
    advisor = bookable_advisor(slug="ij-creneau")
    return reverse("bookings:book", args=["ij-creneau"]), {
        "conseiller": str(advisor.pk), "debut": FIRST_SLOT.isoformat(), "mode": "video"}


def _waiting_list(client):
    bookable_advisor(slug="ij-attente")
    return reverse("bookings:waiting_list"), {
        "attente-email": "attente@exemple.fr", "attente-departement": "33",
        "attente-mode": "phone"}


def _search(client):
    bookable_advisor(slug="ij-search")
    return reverse("bookings:search"), {"lieu": "33", "mode": "video", "q": "Bordeaux"}


def _slots(client):
    bookable_advisor(slug="ij-slots")
    return reverse("bookings:structure_slots", args=["ij-slots"]), {
        "semaine": "2026-W11", "mode": "video"}


def _directory(client):
    bookable_advisor(slug="ij-annuaire")
    return reverse("directory:index"), {"departement": "33"}


def _api(client):
    bookable_advisor(slug="ij-api")
    return "/api/v1/structures/ij-api/slots/", {"from": "2026-03-04", "to": "2026-03-10",
                                                "mode": "video"}


def _managed(slug: str) -> str:
    appointment = AppointmentFactory(advisor=bookable_advisor(slug=slug),
                                     starts_at=FIRST_SLOT + dt.timedelta(days=7))
    return appointment_manage_token(appointment)


def _cancel(client):
    return reverse("bookings:appointment_cancel", args=[_managed("ij-cancel")]), {
        "reason": "Empêchement"}


def _move(client):
    token = _managed("ij-move")
    appointment = Appointment.objects.get(advisor__structure__slug="ij-move")
    return reverse("bookings:appointment_move", args=[token]), {
        "conseiller": str(appointment.advisor_id),
        "debut": (FIRST_SLOT + dt.timedelta(days=1)).isoformat(), "mode": "in_person",
        "semaine": "2026-W10"}


def _code(client):
    advisor = bookable_advisor(slug="ij-code")
    response = client.post(book_url(advisor, FIRST_SLOT), form_data())
    assert response.status_code == 302
    return response["Location"], {"code": "ABCD-1234", "action": "verify"}


def _catalogue(client):
    return reverse("programmes:catalogue"), {"q": "stage", "domain": "internship",
                                             "zone": "eu", "country": "DE", "age": "19"}


def _login(client):
    UserFactory(email="deja.inscrite@exemple.fr")
    return reverse("account_login"), {"login": "deja.inscrite@exemple.fr",
                                      "password": "pas-le-bon-mot-de-passe"}


def _login_code(client):
    return reverse("account_request_login_code"), {"email": "code@exemple.fr"}


def _signup(client):
    password = "Un-mot-de-passe-1"
    return reverse("account_signup"), {"email": "nouvelle@exemple.fr",
                                       "password1": password, "password2": password}


def _youth(client):
    youth = YouthFactory()
    client.force_login(youth)
    return youth


def _youth_profile(client):
    _youth(client)
    return reverse("youth:profile"), PROFILE


def _account_delete(client):
    _youth(client)
    return reverse("privacy:account_delete"), {"confirm": "on"}


def _users():
    return list(User.objects.order_by("pk"))


def _others_appointments():
    return list(Appointment.objects.filter(first_name__startswith="Autre").order_by("pk"))


# The advisors' space


def _advisor_client(client):
    world = World()
    client.force_login(world.advisor.user)
    return world


def _recurring(client):
    _advisor_client(client)
    return reverse("advisor_availability:recurring_create"), {
        "recurring-weekday": "0", "recurring-start_time": "14:00",
        "recurring-end_time": "17:00", "recurring-valid_from": "2026-03-23",
        "recurring-valid_until": "", "recurring-modes": ["in_person", "video"],
        "recurring-place": "Salle 2"}


def _one_off(client):
    _advisor_client(client)
    return reverse("advisor_availability:one_off_create"), {
        "one_off-date": "2026-03-27", "one_off-start_time": "14:00",
        "one_off-end_time": "16:00", "one_off-modes": ["video"], "one_off-place": ""}


def _absence(client):
    _advisor_client(client)
    return reverse("advisor_availability:absence_create"), {
        "absence-starts_at": "2026-03-27T08:00", "absence-ends_at": "2026-03-27T18:00",
        "absence-kind": "short", "absence-reason": "Formation"}


def _interview(name: str, data: dict):
    def setup(client):
        world = _advisor_client(client)
        return reverse(f"backoffice:{name}", args=[world.appointment.public_id]), data
    return setup


def _agenda(client):
    _advisor_client(client)
    return reverse("backoffice:agenda"), {"date": "2026-03-19", "vue": "semaine",
                                          "conseiller": "tous"}


def _statistics(client):
    _advisor_client(client)
    return reverse("backoffice:statistics"), {"du": "2026-01-01", "au": "2026-03-18"}


def _staff_slots(client):
    _advisor_client(client)
    return reverse("backoffice:book_for_youth"), {"du": "2026-03-20"}


STAFF_FORM = {"mode": "in_person", "first_name": "Yanis", "last_name": "Guichet",
              "email": "yanis.guichet@exemple.fr", "birth_date": "2003-02-01",
              "postal_code": "33800", "youth_status": "job_seeker", "domains": ["job"],
              "project": "Un job au Canada", "consent": "on"}


def _staff_booking(client):
    world = _advisor_client(client)
    RecurringAvailabilityFactory(advisor=world.colleague, weekday=3, start_time=dt.time(9),
                                 end_time=dt.time(12), offers_phone=False)
    eleven = STAFF_NOW.replace(hour=11, minute=0)
    url = reverse("backoffice:book_for_youth_form") + "?" + urlencode(
        {"conseiller": world.colleague.pk, "debut": eleven.isoformat()})
    return url, STAFF_FORM


def _hold_code(client):
    url, data = _staff_booking(client)
    assert client.post(url, data).status_code == 302
    hold = Appointment.objects.get(first_name="Yanis")
    return reverse("backoffice:hold_code", args=[hold.public_id]), {"code": "ABCD-1234"}


def _matching(name: str, data: dict):
    def setup(client):
        world = _advisor_client(client)
        ProgrammeSheetFactory(slug="stage-allemagne", domains=["internship"],
                              destination_countries=["DE"])
        url = reverse("backoffice:profile", args=[world.appointment.public_id])
        assert client.post(url, PROFILE).status_code == 302
        return reverse(f"backoffice:{name}", args=[world.appointment.public_id]), data
    return setup


def _help(client):
    _advisor_client(client)
    return reverse("backoffice:help"), {
        "kind": "question", "subject": "Un PVT pour la Corée ?",
        "message": "Une jeune demande si le PVT Corée existe encore."}


def _proposal(client):
    _advisor_client(client)
    return reverse("programme_proposals:new"), {
        "title": "Échange Voltaire", "summary": "Six mois en Allemagne.",
        "description": "Un **échange** individuel.", "domains": ["exchange"],
        "destination_countries": ["DE"], "age_min": "15", "age_max": "17",
        "application_deadline": "2027-01-15", "lang_0_language": "de", "lang_0_level": "A2",
        "lang_0_required": "on", "note": "Source : ofaj.org"}


PROFILE = {
    "birth_date": "2004-05-17", "postal_code": "33000", "status": "student",
    "education_level": "bac+2", "wish_domains": ["internship"], "wish_countries": ["DE"],
    "langues-TOTAL_FORMS": "1", "langues-INITIAL_FORMS": "0",
    "langues-0-language": "de", "langues-0-level": "B1", "budget_eur": "1500"}


TARGETS = [
    # Public
    Target("search", BOOKING_NOW, _search, method="get"),
    Target("structure slots", BOOKING_NOW, _slots, method="get"),
    Target("directory", BOOKING_NOW, _directory, method="get"),
    Target("booking slot choice", BOOKING_NOW, _booking_slot, method="get"),
    Target("booking form", BOOKING_NOW, _booking, keep=_others_appointments),
    Target("email code", BOOKING_NOW, _code, keep=_others_appointments),
    Target("cancel by link", BOOKING_NOW, _cancel, keep=_others_appointments),
    Target("move by link", BOOKING_NOW, _move, method="post-query",
           keep=_others_appointments),
    Target("waiting list", BOOKING_NOW, _waiting_list),
    Target("catalogue filters", BOOKING_NOW, _catalogue, method="get"),
    Target("login", BOOKING_NOW, _login, keep=_users),
    Target("login by code", BOOKING_NOW, _login_code, keep=_users),
    Target("signup (closed)", BOOKING_NOW, _signup, keep=_users),
    Target("youth profile, then my data", STAFF_NOW, _youth_profile,
           then=("privacy:my_data_read", "privacy:my_data_download")),
    Target("account deletion", STAFF_NOW, _account_delete, keep=_others_appointments),
    # API
    Target("API slots", BOOKING_NOW, _api, method="get"),
    # Advisors' space
    Target("weekly availability", STAFF_NOW, _recurring),
    Target("one-off availability", STAFF_NOW, _one_off),
    Target("absence", STAFF_NOW, _absence),
    Target("agenda", STAFF_NOW, _agenda, method="get"),
    Target("statistics period", STAFF_NOW, _statistics, method="get"),
    Target("interview attendance", STAFF_NOW, _interview("attendance", {"status": "done"})),
    Target("interview note", STAFF_NOW, _interview("note", {"text": "Bon échange."})),
    Target("interview follow-up", STAFF_NOW, _interview("follow_up", {
        "happened_on": "2026-03-19", "channel": "phone", "summary": "Rappel fait."})),
    Target("interview follow-up date", STAFF_NOW, _interview("follow_up_date",
                                                             {"on": "2026-04-02"})),
    Target("profile by advisor", STAFF_NOW, _interview("profile", PROFILE)),
    Target("matching panel", STAFF_NOW, _matching("matching", {
        "fiches": ["stage-allemagne"], "message": "Bonne route", "action": "preview"})),
    Target("matching send", STAFF_NOW, _matching("matching_send", {
        "fiches": ["stage-allemagne"], "message": "Bonne route"})),
    Target("slots for a young person", STAFF_NOW, _staff_slots, method="get"),
    Target("booking for a young person", STAFF_NOW, _staff_booking,
           keep=_others_appointments),
    Target("code read out", STAFF_NOW, _hold_code, keep=_others_appointments),
    Target("help request", STAFF_NOW, _help),
    Target("programme proposal", STAFF_NOW, _proposal),
]


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_hostile_input_gives_a_page_or_a_4xx_and_changes_nothing_else(target):
    with time_machine.travel(target.now, tick=False):
        client = Client()
        AppointmentFactory(first_name="Autre", starts_at=target.now + dt.timedelta(days=20))
        ProgrammeSheetFactory()
        url, valid = target.setup(client)
        rows = existing_rows()
        before = fingerprint(rows, keep=target.keep)
        answers: list[int] = []

        @HYPOTHESIS
        @given(data=tampered(valid))
        def check(data):
            first = target.send(client, url, data)
            answers.append(first.status_code)
            for response in [first, *(client.get(reverse(name)) for name in target.then)]:
                assert response.status_code < 500, (data, response.status_code)
                if response.get("Content-Type", "").startswith("text/html"):
                    page = response.content.decode()
                    assert SCRIPT not in page and "<img src=x onerror" not in page, data
                    assert_errors_tied_to_fields(page)
            assert fingerprint(rows, keep=target.keep) == before, data

        check()
    assert len(answers) >= EXAMPLES


# --- Script payloads come out escaped everywhere they are shown ---------------------------


def _unescaped(content: str) -> bool:
    return SCRIPT in content or "<img src=x onerror" in content


def test_script_payloads_come_out_escaped_in_pages_emails_admin_and_pdf(
        tmp_path, django_capture_on_commit_callbacks):
    """A young person types HTML into the booking form and an advisor into the selection's
    message: the pages, the emails' HTML, the admin and the PDF all show it as text."""
    with time_machine.travel(BOOKING_NOW, tick=False):
        advisor = bookable_advisor(slug="ij-echappe")
        ProgrammeSheetFactory(slug="stage-allemagne", title=f"Stage {SCRIPT}",
                              domains=["internship"], destination_countries=["DE"])
        youth_client = Client()
        with django_capture_on_commit_callbacks(execute=True):
            response = youth_client.post(book_url(advisor, FIRST_SLOT), form_data(
                first_name=f"Lou{IMG}", project=f"Partir {SCRIPT}"))
            code_page = youth_client.get(response["Location"])
            confirmed = youth_client.post(response["Location"], {
                "code": last_code("lou.exemple@exemple.fr"), "action": "verify"}, follow=True)
        appointment = Appointment.objects.get(advisor=advisor)
        assert appointment.project == f"Partir {SCRIPT}"  # stored as typed, shown as text
        assert appointment.first_name == f"Lou{IMG}"

        staff = Client()
        staff.force_login(advisor.user)
        interview = reverse("backoffice:interview", args=[appointment.public_id])
        with django_capture_on_commit_callbacks(execute=True):
            assert staff.post(reverse("backoffice:profile", args=[appointment.public_id]),
                              PROFILE).status_code == 302
            assert staff.post(reverse("backoffice:matching_send", args=[appointment.public_id]),
                              {"fiches": ["stage-allemagne"], "message": SCRIPT}
                              ).status_code == 302
        recommendation = ProgrammeRecommendation.objects.get()
        pdf = youth_client.get(reverse("youth:recommendation_pdf",
                                       args=[recommendation.public_id]))

        coordinator = Client()
        login_with_mfa(coordinator, CoordinatorFactory(with_totp=True))
        pages = {
            "code step": code_page, "confirmation": confirmed,
            "my space": youth_client.get(reverse("youth:space")),
            "my data": youth_client.get(reverse("privacy:my_data_read")),
            "agenda": staff.get(reverse("backoffice:agenda"), {"date": "2026-03-04"}),
            "interview": staff.get(interview),
            "matching panel": staff.get(reverse("backoffice:matching",
                                                args=[appointment.public_id])),
            "admin list": coordinator.get(reverse("admin:bookings_appointment_changelist")),
            "admin appointment": coordinator.get(reverse(
                "admin:bookings_appointment_change", args=[appointment.pk])),
            "admin selection": coordinator.get(reverse(
                "admin:matching_programmerecommendation_change", args=[recommendation.pk])),
        }
    for name, page in pages.items():
        content = page.content.decode()
        assert page.status_code == 200, name
        assert not _unescaped(content), name
    assert "&lt;script&gt;" in pages["interview"].content.decode()
    assert "&lt;script&gt;" in pages["admin appointment"].content.decode()

    html_parts = [body for message in mail.outbox
                  for body, kind in getattr(message, "alternatives", []) if kind == "text/html"]
    assert len(mail.outbox) >= 3 and html_parts  # code, confirmation, selection at least
    for body in html_parts:
        assert not _unescaped(body), body
    assert any("&lt;script&gt;" in body for body in html_parts)

    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    (tmp_path / "selection.pdf").write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "selection.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert SCRIPT in text  # printed as characters, not taken for markup


# --- Hostile links ------------------------------------------------------------------------

#: The addresses that carry a token or a name typed or pasted by someone (``{}`` is replaced),
#: and whether they take a POST.
LINKS = [
    ("/rendez-vous/gerer/{}/", False), ("/rendez-vous/gerer/{}/annuler/", True),
    ("/rendez-vous/gerer/{}/deplacer/", True), ("/rendez-vous/gerer/{}/rendez-vous.ics", False),
    ("/rendez-vous/liste-d-attente/{}/", False), ("/rendez-vous/confirmer/{}/", True),
    ("/compte/invitation/{}/{}/", True), ("/rendez-vous/{}/", False),
    ("/rendez-vous/{}/reserver/", True), ("/api/v1/structures/{}/slots/", False),
    ("/programmes/{}/", False), ("/structures/{}/", False),
]


@HYPOTHESIS
@given(segment=HOSTILE.map(lambda text: quote(text, safe="")).filter(bool))
def _links_answer(client, segment):
    for link, posts in LINKS:
        url = link.replace("{}", segment)
        answers = [client.get(url)]
        if posts:
            answers.append(client.post(url, {"reason": segment}))
        for response in answers:
            assert response.status_code < 500, (url, response.status_code)
            assert not _unescaped(response.content.decode(errors="replace")), url


def test_hostile_links_answer_a_page_or_a_4xx_and_change_nothing():
    """Tokens and names in addresses: forged, truncated, NUL bytes, any text."""
    with time_machine.travel(BOOKING_NOW, tick=False):
        bookable_advisor(slug="ij-liens")
        AppointmentFactory(first_name="Autre", starts_at=FIRST_SLOT + dt.timedelta(days=7))
        rows = existing_rows()
        before = fingerprint(rows, keep=_others_appointments)
        _links_answer(Client())
        assert fingerprint(rows, keep=_others_appointments) == before
