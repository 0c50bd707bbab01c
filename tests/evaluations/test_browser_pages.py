"""The questionnaire in a browser at phone and laptop widths (axe, no sideways scroll), filled
in and sent; the advisor's page of opinions; the coordinators' convention-state page and the
admin index. Screenshots go to SCREENSHOT_DIR for a person to look at."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations.links import evaluation_token
from evaluations.models import Evaluation
from evaluations.services import evaluations_invite_due
from matching.models import MobilityProfile, ProgrammeRecommendation
from tests.browser_pages import axe_clean, check_page, share_session
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
    check_page(page, url, "questionnaire")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(url)
    page.get_by_role("button", name="Envoyer mon avis").click()
    assert "Choisissez une note de 1 à 5." in page.content()
    axe_clean(page, "questionnaire with errors at 390px")
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
    check_page(page, url, "questionnaire-used")

    client.force_login(advisor.user)
    share_session(page.context, client, live_server)
    check_page(page, live_server.url + reverse("backoffice:evaluations"), "advisor-opinions")
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
    share_session(page.context, client, live_server)
    check_page(page, live_server.url + reverse("admin:advisors_convention_state"),
           "convention-state", axe=False, widths=(1366,))
    assert "En préavis de résiliation" in page.content()
    check_page(page, live_server.url + reverse("admin:advisors_convention_changelist"),
           "convention-list", axe=False, widths=(1366,))
    # The reason column ends inside the visible list (no sideways scrolling of the results).
    reason = page.locator("#result_list td.field-reason").first.bounding_box()
    results = page.locator("#changelist .results").bounding_box()
    assert reason["x"] + reason["width"] <= results["x"] + results["width"] + 1
    check_page(page, live_server.url + reverse("admin:index"), "admin-index", axe=False,
           widths=(1366,))
    profile = MobilityProfile.objects.create(user=YouthFactory(), wish_domains=["studies"],
                                             wish_countries=["DE"],
                                             languages=[{"language": "es", "level": "B2"}])
    check_page(page, live_server.url + reverse("admin:matching_mobilityprofile_change",
                                           args=[profile.pk]),
           "admin-profile", axe=False, widths=(1366,))
    assert page.locator("#pays-DE").is_checked()
