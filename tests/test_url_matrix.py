"""Every URL of the project against every kind of visitor (issue 4, "who may see what").

The URL resolver is walked, so a view added later without an expectation here fails
``test_every_url_has_an_expectation``. Admin URLs are covered role by role for every registered
model; allauth's own account pages are public by nature (login, code, password reset) and
checked once each for "no server error".
"""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from bookings.calendar_feed import calendar_feed_regenerate, calendar_feed_token
from bookings.links import appointment_manage_token
from bookings.models import Absence
from support.models import MediaItem
from support.services import help_request_submit, media_item_save
from tests.factories import (
    AdvisorFactory,
    AppointmentFactory,
    BookableAdvisorFactory,
    CoordinatorFactory,
    OneOffAvailabilityFactory,
    ProgrammeSheetFactory,
    RecurringAvailabilityFactory,
    UserFactory,
)
from tests.mfa_support import login_with_mfa

NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
# "coordinator_no_mfa": the coordinator's account (with TOTP) in a session that skipped MFA.
ROLES = ("anonymous", "youth_a", "youth_b", "advisor_x", "advisor_y", "untrained", "coordinator",
         "coordinator_no_mfa")

OK = 200
LOGIN = "login"  # redirect to the login page
DENIED = (403, 404)


def everyone(code):
    return dict.fromkeys(ROLES, code)


PUBLIC = everyone(OK)
YOUTH_ONLY = {"anonymous": LOGIN, "youth_a": OK, "youth_b": OK, "advisor_x": 403,
              "advisor_y": 403, "untrained": 403, "coordinator": 403, "coordinator_no_mfa": 403}

# Advisors with a current designation (trained or not).
ADVISORS_ONLY = {"anonymous": LOGIN, "youth_a": 403, "youth_b": 403, "advisor_x": OK,
                 "advisor_y": OK, "untrained": OK, "coordinator": 403,
                 "coordinator_no_mfa": 403}
# Signed-in staff: advisors with a current designation, coordinators whose session passed MFA.
SIGNED_IN_STAFF = {**ADVISORS_ONLY, "coordinator": OK}
# A form target (POST only) opened as a page: sent on to the page holding its form
# (somobilite/form_targets.py), never a blank 405.
FORM = "form"
ADVISORS_POST_ONLY = {**ADVISORS_ONLY, "advisor_x": FORM, "advisor_y": FORM, "untrained": FORM}
# An appointment of structure X: its advisors (trained or not); others get a 404.
# Coordinators only from a session that passed MFA (issue 9 §1).
STRUCTURE_X_STAFF = {"anonymous": LOGIN, "youth_a": 403, "youth_b": 403, "advisor_x": OK,
                     "advisor_y": 404, "untrained": OK, "coordinator": OK,
                     "coordinator_no_mfa": 404}
# Coordinators whose session passed MFA; without it, the page asking for the second factor.
COORDINATORS_ONLY = {"anonymous": LOGIN, "youth_a": 403, "youth_b": 403, "advisor_x": 403,
                     "advisor_y": 403, "untrained": 403, "coordinator": OK,
                     "coordinator_no_mfa": 302}
STAFF_POST_ONLY = {**STRUCTURE_X_STAFF, "advisor_x": FORM, "advisor_y": FORM, "untrained": FORM,
                   "coordinator": FORM, "coordinator_no_mfa": FORM}


@dataclass(frozen=True)
class Case:
    kwargs: object  # callable(world) -> dict of URL kwargs
    expect: dict
    query: str = ""


def _no_kwargs(world):
    return {}


EXPECTATIONS: dict[str, Case] = {
    "home": Case(_no_kwargs, PUBLIC),
    "privacy": Case(_no_kwargs, PUBLIC),
    # Tasks run in-process here: no broker or worker to miss (details: tests/operations).
    "health": Case(_no_kwargs, PUBLIC),
    "directory:index": Case(_no_kwargs, PUBLIC),
    "directory:structure_detail": Case(lambda w: {"slug": w.structure_x.slug}, PUBLIC),
    "programmes:catalogue": Case(_no_kwargs, PUBLIC),
    "programmes:detail": Case(lambda w: {"slug": w.sheet.slug}, PUBLIC),
    "youth:recommendation_pdf": Case(
        lambda w: {"public_id": w.recommendation.public_id},
        {"anonymous": LOGIN, "youth_a": OK, "youth_b": 404, "advisor_x": OK, "advisor_y": 404,
         "untrained": OK, "coordinator": OK, "coordinator_no_mfa": 404},
    ),
    "bookings:search": Case(_no_kwargs, PUBLIC),
    "bookings:waiting_list": Case(_no_kwargs, everyone(FORM)),  # a form target: POST only
    # A signed link; a forged one is refused the same for everyone.
    "bookings:waiting_list_confirm": Case(lambda w: {"token": "1:faux:jeton"}, everyone(404)),
    "bookings:structure_slots": Case(lambda w: {"slug": w.structure_x.slug}, PUBLIC),
    # Without a chosen slot the booking page explains the link is broken.
    "bookings:book": Case(lambda w: {"slug": w.structure_x.slug}, everyone(400)),
    # Only the browser session that made the booking may type its code.
    # A's own confirmed booking sends her to its confirmation page.
    "bookings:confirm_code": Case(lambda w: {"public_id": w.appointment_a.public_id},
                                  {**everyone(404), "youth_a": 302}),
    "bookings:booked": Case(
        lambda w: {"public_id": w.appointment_a.public_id},
        {"anonymous": LOGIN, "youth_a": OK, "youth_b": 404, "advisor_x": 404, "advisor_y": 404,
         "untrained": 404, "coordinator": 404, "coordinator_no_mfa": 404},
    ),
    "bookings:my_appointments": Case(_no_kwargs, YOUTH_ONLY),
    # Signed links: whoever holds the link manages the appointment (no password by design).
    "bookings:appointment_manage": Case(lambda w: {"token": w.token_a}, PUBLIC),
    "bookings:appointment_cancel": Case(lambda w: {"token": w.token_a}, PUBLIC),
    "bookings:appointment_move": Case(lambda w: {"token": w.token_a}, PUBLIC),
    "bookings:appointment_ics": Case(lambda w: {"token": w.token_a}, PUBLIC),
    "api:structures": Case(_no_kwargs, PUBLIC),
    "api:structure_slots": Case(lambda w: {"slug": w.structure_x.slug}, PUBLIC),
    "accounts:invitation_accept": Case(lambda w: {"uidb64": "MQ", "token": "faux-jeton"},
                                       everyone(400)),
    "accounts:mfa_required": Case(
        _no_kwargs,
        {"anonymous": LOGIN, "youth_a": 302, "youth_b": 302, "advisor_x": 302, "advisor_y": 302,
         "untrained": 302, "coordinator": 302, "coordinator_no_mfa": 302},
    ),
    "programme_proposals:list": Case(_no_kwargs, ADVISORS_ONLY),
    "programme_proposals:new": Case(_no_kwargs, ADVISORS_ONLY),
    "programme_proposals:update": Case(lambda w: {"slug": w.sheet.slug}, ADVISORS_ONLY),
    "advisor_availability:page": Case(_no_kwargs, ADVISORS_ONLY),
    # Form targets (POST only): the access check comes first, then the method.
    "advisor_availability:recurring_create": Case(_no_kwargs, ADVISORS_POST_ONLY),
    "advisor_availability:one_off_create": Case(_no_kwargs, ADVISORS_POST_ONLY),
    "advisor_availability:absence_create": Case(_no_kwargs, ADVISORS_POST_ONLY),
    "advisor_availability:recurring_delete": Case(lambda w: {"pk": w.availability_x.pk},
                                                  ADVISORS_POST_ONLY),
    "advisor_availability:recurring_end": Case(lambda w: {"pk": w.availability_x.pk},
                                               ADVISORS_POST_ONLY),
    "advisor_availability:one_off_delete": Case(lambda w: {"pk": w.one_off_x.pk},
                                                ADVISORS_POST_ONLY),
    "advisor_availability:absence_withdraw": Case(lambda w: {"pk": w.absence_x.pk},
                                                  ADVISORS_POST_ONLY),
    # The advisors' back-office: the agenda is an advisor's own; an appointment's pages are
    # for the advisors of its structure and coordinators whose session passed MFA (not here).
    "backoffice:agenda": Case(_no_kwargs, ADVISORS_ONLY),
    "backoffice:interview": Case(lambda w: {"public_id": w.appointment_a.public_id},
                                 STRUCTURE_X_STAFF),
    "backoffice:matching": Case(lambda w: {"public_id": w.appointment_a.public_id},
                                STRUCTURE_X_STAFF),
    **{f"backoffice:{name}": Case(lambda w: {"public_id": w.appointment_a.public_id},
                                  STAFF_POST_ONLY)
       for name in ("profile", "attendance", "note", "follow_up", "follow_up_date",
                    "matching_send")},
    # Booking for a young person: an advisor's own structure; without a chosen slot the form
    # sends back to the list of free slots. appointment_a is no hold: nobody finds it there.
    "backoffice:book_for_youth": Case(_no_kwargs, ADVISORS_ONLY),
    "backoffice:book_for_youth_form": Case(_no_kwargs, {**ADVISORS_ONLY, "advisor_x": 302,
                                                        "advisor_y": 302, "untrained": 302}),
    "backoffice:hold": Case(lambda w: {"public_id": w.appointment_a.public_id},
                            {**ADVISORS_ONLY, "advisor_x": 404, "advisor_y": 404,
                             "untrained": 404}),
    **{f"backoffice:{name}": Case(lambda w: {"public_id": w.appointment_a.public_id},
                                  ADVISORS_POST_ONLY)
       for name in ("hold_code", "hold_resend", "hold_cancel")},
    # An advisor's calendar subscription: the feed answers whoever holds its secret URL
    # (calendar applications have no session); the page and its actions are hers.
    "backoffice:calendar": Case(_no_kwargs, ADVISORS_ONLY),
    "backoffice:calendar_regenerate": Case(_no_kwargs, ADVISORS_POST_ONLY),
    "backoffice:calendar_revoke": Case(_no_kwargs, ADVISORS_POST_ONLY),
    "backoffice:calendar_feed": Case(lambda w: {"token": w.feed_token}, PUBLIC),
    # Help requests: their author only (coordinators answer in admin). The media bank: every
    # signed-in advisor with a current designation, and coordinators.
    "backoffice:help": Case(_no_kwargs, ADVISORS_ONLY),
    **{f"backoffice:{name}": Case(lambda w: {"public_id": w.help_request.public_id},
                                  {**ADVISORS_ONLY, "advisor_y": 404, "untrained": 404})
       for name in ("help_detail", "help_screenshot")},
    "backoffice:media": Case(_no_kwargs, SIGNED_IN_STAFF),
    "backoffice:media_download": Case(lambda w: {"public_id": w.media_item.public_id},
                                      SIGNED_IN_STAFF),
    # The structure's statistics: an advisor's own structure (issue 13).
    "backoffice:statistics": Case(_no_kwargs, ADVISORS_ONLY),
    "backoffice:statistics_chart": Case(lambda w: {"chart": "entretiens"}, ADVISORS_ONLY,
                                        query="?du=2026-03-01&au=2026-03-31"),
    "backoffice:statistics_csv": Case(_no_kwargs, ADVISORS_ONLY,
                                      query="?du=2026-03-01&au=2026-03-31"),
    # The coordinators' statistics and compliance watch (issue 14).
    "coordination:statistics": Case(_no_kwargs, COORDINATORS_ONLY),
    "coordination:statistics_chart": Case(lambda w: {"slug": "entretiens"}, COORDINATORS_ONLY,
                                          query="?du=2026-03-01&au=2026-03-31"),
    "coordination:statistics_csv": Case(lambda w: {"slug": "entretiens"}, COORDINATORS_ONLY,
                                        query="?du=2026-03-01&au=2026-03-31"),
    "coordination:compliance": Case(_no_kwargs, COORDINATORS_ONLY),
    # The young people's opinions on the structure's interviews, without identity (issue 14).
    "backoffice:evaluations": Case(_no_kwargs, ADVISORS_ONLY),
    # The questionnaire's signed link: a forged one finds nothing; the thanks page is public.
    "evaluations:questionnaire": Case(lambda w: {"token": "faux-jeton"}, everyone(404)),
    "evaluations:thanks": Case(_no_kwargs, PUBLIC),
    # The confirmation link of a booking made by an advisor: a forged token finds nothing.
    "bookings:staff_hold_confirm": Case(lambda w: {"token": "faux-jeton"}, everyone(404)),
    "youth:space": Case(_no_kwargs, YOUTH_ONLY),
    "youth:profile": Case(_no_kwargs, YOUTH_ONLY),
    "youth:first_look_open": Case(lambda w: {"slug": w.sheet.slug},
                                  {**YOUTH_ONLY, "youth_a": 302, "youth_b": 302}),
    "privacy:my_data": Case(_no_kwargs, YOUTH_ONLY),
    "privacy:my_data_read": Case(_no_kwargs, YOUTH_ONLY),
    "privacy:my_data_download": Case(_no_kwargs, YOUTH_ONLY),
    "privacy:account_delete": Case(_no_kwargs, YOUTH_ONLY),
}


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = ":".join(n for n in (namespace, pattern.namespace) if n) or None
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield prefix + str(pattern.pattern), name, pattern.callback.__module__


def project_urls():
    """(route, name) of every URL that is not admin's nor allauth's own."""
    return [
        (route, name) for route, name, module in _walk(get_resolver().url_patterns)
        if not route.startswith("admin/") and not module.startswith("allauth.")
        and not route.startswith("media/")
    ]


def allauth_urls():
    return [
        (route, name) for route, name, module in _walk(get_resolver().url_patterns)
        if module.startswith("allauth.") and "<" not in route
    ]


def test_every_url_has_an_expectation():
    missing = [f"{route} ({name})" for route, name in project_urls() if name not in EXPECTATIONS]
    assert not missing, f"URLs without an access expectation in this matrix: {missing}"
    stale = set(EXPECTATIONS) - {name for _, name in project_urls()}
    assert not stale, f"Expectations for URLs that no longer exist: {stale}"


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "PNG")
    return buffer.getvalue()


class World:
    def __init__(self):
        self.advisor_x = BookableAdvisorFactory()
        self.structure_x = self.advisor_x.structure
        self.advisor_y = BookableAdvisorFactory()
        self.untrained = AdvisorFactory(structure=self.structure_x)
        self.youth_a = UserFactory(email="jeune.a@exemple.fr")
        self.youth_b = UserFactory(email="jeune.b@exemple.fr")
        self.coordinator = CoordinatorFactory(with_totp=True)
        self.appointment_a = AppointmentFactory(
            advisor=self.advisor_x, youth=self.youth_a,
            starts_at=dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC),
        )
        self.token_a = appointment_manage_token(self.appointment_a)
        self.feed_token = calendar_feed_token(calendar_feed_regenerate(advisor=self.advisor_x,
                                                                       now=NOW))
        self.help_request = help_request_submit(
            author=self.advisor_x.user, kind="question", subject="Question", message="Texte",
            screenshot=SimpleUploadedFile("capture.png", _png()), now=NOW)
        self.media_item = media_item_save(
            item=MediaItem(title="Logo", category="logos", date=NOW.date()),
            upload=SimpleUploadedFile("logo.png", _png()), by=self.coordinator, now=NOW)
        self.availability_x = RecurringAvailabilityFactory(advisor=self.advisor_x)
        self.one_off_x = OneOffAvailabilityFactory(advisor=self.advisor_x)
        self.absence_x = Absence.objects.create(
            advisor=self.advisor_x, starts_at=NOW + dt.timedelta(days=30),
            ends_at=NOW + dt.timedelta(days=31), kind="short", reason="Formation")
        self.sheet = ProgrammeSheetFactory()
        from matching.models import ProgrammeRecommendation

        self.recommendation = ProgrammeRecommendation.objects.create(
            youth=self.youth_a, advisor=self.advisor_x.user, message="Bon voyage !",
            created_at=NOW,
        )

    def user(self, role):
        return {
            "anonymous": None, "youth_a": self.youth_a, "youth_b": self.youth_b,
            "advisor_x": self.advisor_x.user, "advisor_y": self.advisor_y.user,
            "untrained": self.untrained.user, "coordinator": self.coordinator,
            "coordinator_no_mfa": self.coordinator,
        }[role]


@pytest.fixture
def world(db):
    with time_machine.travel(NOW, tick=False):
        yield World()


def _check(response, expected, url=""):
    if response.status_code == 405:
        return False  # never answered to a GET: a form target redirects (FORM)
    if expected == FORM:
        form_page = resolve(urlsplit(url).path).func.form_page
        return (response.status_code == 302
                and resolve(urlsplit(response.url).path).view_name == form_page)
    if expected == LOGIN:
        return response.status_code == 302 and response.url.startswith(reverse("account_login"))
    if isinstance(expected, tuple):
        return response.status_code in expected
    return response.status_code == expected


def _login(client, world, role):
    """Staff log in as allauth lets them: the coordinator's session passed the TOTP step."""
    user = world.user(role)
    if role == "coordinator":
        login_with_mfa(client, user)
    elif user:
        client.force_login(user)


@pytest.mark.parametrize("role", ROLES)
def test_project_urls_by_role(client, world, role):
    _login(client, world, role)
    failures = []
    with time_machine.travel(NOW, tick=False):
        for _route, name in project_urls():
            case = EXPECTATIONS[name]
            url = reverse(name, kwargs=case.kwargs(world)) + case.query
            response = client.get(url)
            if not _check(response, case.expect[role], url):
                failures.append(f"{name} {url}: got {response.status_code}, "
                                f"expected {case.expect[role]}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_admin_opens_only_for_coordinators(client, world, role):
    _login(client, world, role)
    urls = [reverse("admin:index")] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]
    failures = []
    for url in urls:
        response = client.get(url, follow=True)
        final = response.redirect_chain[-1][0] if response.redirect_chain else url
        if role == "coordinator":
            ok = response.status_code == 200 and final == url
        elif role == "coordinator_no_mfa":  # asked for the TOTP code first
            ok = final.startswith(reverse("mfa_reauthenticate"))
        elif role == "anonymous":
            ok = final.startswith(reverse("account_login"))
        else:
            ok = response.status_code == 403
        if not ok:
            failures.append(f"{url}: {response.status_code} via {response.redirect_chain}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_allauth_pages_answer_without_error(client):
    for _route, name in allauth_urls():
        response = client.get(reverse(name))
        assert response.status_code < 500, (name, response.status_code)
