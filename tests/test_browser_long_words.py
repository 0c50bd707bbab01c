"""Words longer than a phone's screen, typed by people (a name without spaces, a pasted link as
the project), never make a page scroll sideways: the advisor's interview screen and matching
panel (the name in the breadcrumb and the heading), the agenda, and the young person's own
space (the name in the navbar). Checked at 390 px and 1366 px in headless Chromium; screenshots
go to ``SCREENSHOT_DIR`` when it is set."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.browser_pages import check_page, share_session
from tests.factories import AppointmentFactory, BookableAdvisorFactory, UserFactory

LONG_FIRST_NAME = "Marie-" + "Antoinette" * 14  # 146 characters, one hyphen
LONG_LAST_NAME = "D" + "e" * 149  # 150 characters, the form's maximum


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_long_typed_words_never_widen_a_page(page, live_server):
    advisor = BookableAdvisorFactory()
    youth = UserFactory(email="longue@exemple.fr", first_name=LONG_FIRST_NAME,
                        last_name=LONG_LAST_NAME)
    appointment = AppointmentFactory(
        advisor=advisor, youth=youth, first_name=LONG_FIRST_NAME, last_name=LONG_LAST_NAME,
        starts_at=timezone.now() + dt.timedelta(days=1), mode="in_person",
        project="https://exemple.org/" + "motsanespace" * 150)
    staff = Client()
    staff.force_login(advisor.user)
    share_session(page.context, staff, live_server)
    interview = f"{live_server.url}/espace-conseil/rendez-vous/{appointment.public_id}/"
    check_page(page, interview, "mot-long-entretien", axe=False)
    check_page(page, interview + "programmes/", "mot-long-programmes", axe=False)
    check_page(page, live_server.url + "/espace-conseil/?vue=liste", "mot-long-agenda",
               axe=False)

    page.context.clear_cookies()
    young = Client()
    young.force_login(youth)
    share_session(page.context, young, live_server)
    check_page(page, live_server.url + "/mon-espace/", "mot-long-mon-espace", axe=False)
    check_page(page, live_server.url + "/rendez-vous/mes-rendez-vous/", "mot-long-mes-rdv",
               axe=False)
