"""The questionnaire in a browser at phone and laptop widths (axe, no sideways scroll), filled
in and sent; the advisor's page of opinions; the coordinators' convention-state page and the
admin index. Screenshots are kept in /tmp (h14a-*.png) for a person to look at."""

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from evaluations.links import evaluation_token
from evaluations.models import Evaluation
from evaluations.services import evaluations_invite_due
from matching.models import MobilityProfile, ProgrammeRecommendation
from tests.factories import (
    AppointmentFactory,
    BookableAdvisorFactory,
    ConventionFactory,
    CoordinatorFactory,
    ProgrammeSheetFactory,
    StructureFactory,
    YouthFactory,
)
from tests.mfa_support import login_with_mfa

WIDTHS = (390, 1366)


def _cookie(page, client, live_server):
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])


def _check(page, url: str, name: str, *, axe: bool = True, widths=WIDTHS) -> None:
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        if axe:
            results = Axe().run(page)
            assert results.violations_count == 0, f"{name} at {width}px\n" + (
                results.generate_report())
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} overflows by {overflow}px at {width}px"
        page.screenshot(path=f"/tmp/h14a-{name}-{width}.png", full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_questionnaire_and_opinions_in_a_browser(page, live_server, client):
    page.set_default_timeout(30_000)
    now = timezone.now()
    advisor = BookableAdvisorFactory(structure__public_name="Info Jeunes Limoges")
    appointment = AppointmentFactory(advisor=advisor, status="done",
                                     starts_at=now - dt.timedelta(days=1, hours=2))
    selection = ProgrammeRecommendation.objects.create(youth=appointment.youth,
                                                       created_at=appointment.starts_at)
    selection.sheets.add(ProgrammeSheetFactory(title="Corps européen de solidarité"),
                         ProgrammeSheetFactory(title="Volontariat international en entreprise"))
    evaluations_invite_due(now=now + dt.timedelta(days=1))
    evaluation = Evaluation.objects.get()
    url = live_server.url + reverse("evaluations:questionnaire",
                                    kwargs={"token": evaluation_token(evaluation)})
    _check(page, url, "questionnaire")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(url)
    page.get_by_role("button", name="Envoyer mon avis").click()
    assert "Choisissez une note de 1 à 5." in page.content()
    page.screenshot(path="/tmp/h14a-questionnaire-errors-390.png", full_page=True)
    page.get_by_label("4", exact=True).check()
    page.get_by_label("Très utiles").check()
    page.get_by_label("Oui", exact=True).check()
    page.get_by_label("Dans 6 mois à 1 an").check()
    page.get_by_label("Quel programme vous intéresse le plus ?").select_option(
        label="Corps européen de solidarité")
    page.get_by_label("Un commentaire ?").fill("Des pistes concrètes, merci.")
    page.get_by_role("button", name="Envoyer mon avis").click()
    page.wait_for_url("**/evaluation/merci/")
    evaluation.refresh_from_db()
    assert (evaluation.satisfaction, evaluation.usefulness) == (4, 4)
    _check(page, url, "questionnaire-used")

    client.force_login(advisor.user)
    _cookie(page, client, live_server)
    _check(page, live_server.url + reverse("backoffice:evaluations"), "advisor-opinions")
    assert "Des pistes concrètes" in page.content()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_coordinators_admin_pages_at_laptop_width(page, live_server, client):
    page.set_default_timeout(30_000)
    today = timezone.localdate()
    ConventionFactory(structure=StructureFactory(public_name="Info Jeunes Pau",
                                                 departement="64", postal_code="64000"),
                      termination_letter_received_on=today - dt.timedelta(days=20))
    ConventionFactory(structure=StructureFactory(public_name="Info Jeunes Tulle",
                                                 departement="19", postal_code="19000"),
                      formal_notice_received_on=today - dt.timedelta(days=10))
    ConventionFactory(structure=StructureFactory(public_name="Info Jeunes Niort",
                                                 departement="79", postal_code="79000"))
    login_with_mfa(client, CoordinatorFactory(with_totp=True))
    _cookie(page, client, live_server)
    _check(page, live_server.url + reverse("admin:advisors_convention_state"),
           "convention-state", axe=False, widths=(1366,))
    assert "En préavis de résiliation" in page.content()
    _check(page, live_server.url + reverse("admin:advisors_convention_changelist"),
           "convention-list", axe=False, widths=(1366,))
    # The reason column ends inside the visible list (no sideways scrolling of the results).
    reason = page.locator("#result_list td.field-reason").first.bounding_box()
    results = page.locator("#changelist .results").bounding_box()
    assert reason["x"] + reason["width"] <= results["x"] + results["width"] + 1
    _check(page, live_server.url + reverse("admin:index"), "admin-index", axe=False,
           widths=(1366,))
    profile = MobilityProfile.objects.create(user=YouthFactory(), wish_domains=["studies"],
                                             wish_countries=["DE"],
                                             languages=[{"language": "es", "level": "B2"}])
    _check(page, live_server.url + reverse("admin:matching_mobilityprofile_change",
                                           args=[profile.pk]),
           "admin-profile", axe=False, widths=(1366,))
    assert page.locator("#pays-DE").is_checked()
