"""The coordinators' statistics and compliance pages in headless Chromium (issue 14): the
charts load as SVG images under the site's CSP, the filters work, a wrong period is explained;
both pages at 390 px and 1366 px without sideways scrolling and without axe violation
(screenshots in ``SCREENSHOT_DIR`` when set, for people to look at)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import AppointmentStatus as S
from matching.models import MobilityProfile, ProgrammeRecommendation
from tests.browser_pages import axe_clean, share_session, shots
from tests.factories import (
    AdvisorFactory,
    AppointmentFactory,
    BookableAdvisorFactory,
    ConventionFactory,
    CoordinatorFactory,
    ProgrammeSheetFactory,
    RecurringAvailabilityFactory,
    StructureFactory,
)
from tests.mfa_support import login_with_mfa


def _network():
    now = timezone.now()
    sheets = [ProgrammeSheetFactory(title=title) for title in (
        "Corps européen de solidarité", "Volontariat franco-allemand", "Erasmus+ stage")]
    places = [("Info Jeunes Bordeaux", "33"), ("Info Jeunes Pau", "64"),
              ("Info Jeunes Limoges", "87"), ("Point Info Jeunesse Tulle", "19")]
    outcomes = [S.DONE, S.DONE, S.DONE, S.NO_SHOW, S.LATE_CANCELLED, S.CANCELLED_BY_YOUTH]
    statuses = ["student", "pupil", "job_seeker", "employee", "vet_apprentice"]
    for index, (name, departement) in enumerate(places):
        structure = StructureFactory(public_name=name, departement=departement)
        ConventionFactory(structure=structure,
                          termination_letter_received_on=(now.date() - dt.timedelta(days=20)
                                                          if index == 1 else None))
        if index == 3:
            AdvisorFactory(structure=structure, user__first_name="Nina",
                           user__last_name="Nouvelle")
            continue
        advisor = BookableAdvisorFactory(structure=structure)
        RecurringAvailabilityFactory(advisor=advisor, weekday=index,
                                     end_time=dt.time(12 - index))
        for n in range(12):
            status = outcomes[(n + index) % len(outcomes)]
            youth_profile = AppointmentFactory(
                advisor=advisor, starts_at=now - dt.timedelta(days=3 + 5 * n, hours=2),
                status=status, mode=("in_person", "video", "phone")[n % 3],
                consent_at=now - dt.timedelta(days=3 + 5 * n + 2 + n % 9),
                age_at_interview=16 + (n * 3 + index) % 18,
                youth_status=statuses[(n + index) % len(statuses)],
                departement=departement if n % 4 else "24",
                domains=[["studies"], ["internship", "job"], ["volunteering"]][n % 3]).youth
            MobilityProfile.objects.create(user=youth_profile,
                                           wish_countries=[["DE"], ["ES", "IE"], ["CA"]][n % 3],
                                           wish_zones=[["eu"], [], ["north_america"]][n % 3])
            if n % 2 == 0:
                selection = ProgrammeRecommendation.objects.create(
                    youth=youth_profile, structure=structure, created_at=now - dt.timedelta(
                        days=2 + 5 * n))
                selection.sheets.set(sheets[: 1 + n % 3])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_coordinators_pages(page, live_server, client):
    page.set_default_timeout(30_000)
    _network()
    coordinator = CoordinatorFactory(with_totp=True)
    login_with_mfa(client, coordinator)
    share_session(page.context, client, live_server)

    page.goto(live_server.url + "/admin/")
    page.get_by_role("link", name="Statistiques du réseau").click()
    expect(page.get_by_role("heading", name="Statistiques du réseau", level=1)).to_be_visible()
    charts = page.locator("img.chart")
    expect(charts).to_have_count(14)
    for index in range(14):
        charts.nth(index).scroll_into_view_if_needed()
        expect(charts.nth(index)).to_have_js_property("complete", True, timeout=60_000)
        assert charts.nth(index).evaluate("img => img.naturalWidth") > 0
    axe_clean(page)
    shots(page, "coordination-statistics")

    page.get_by_label("Département", exact=True).select_option("64")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_text("structures du département 64 – Pyrénées-Atlantiques")
           ).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger (CSV pour tableur) : Domaines demandés").click()
    assert download_info.value.suggested_filename.startswith("statistiques-domaines-")
    page.locator("#id_du").fill("2030-05-01")
    page.locator("#id_au").fill("2030-04-01")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_text("La fin de la période est avant son début.")).to_be_visible()

    page.get_by_role("link", name="Conformité et couverture").first.click()
    expect(page.get_by_role("heading", name="Conformité et couverture du réseau")
           ).to_be_visible()
    expect(page.get_by_text("Nina").first).to_be_visible()
    expect(page.get_by_role("cell", name="En préavis de résiliation")).to_be_visible()
    axe_clean(page)
    shots(page, "coordination-compliance")
