"""The advisor's agenda and the landing page of each role after login."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import (
    AdvisorFactory,
    AppointmentFactory,
    CoordinatorFactory,
    UserFactory,
    YouthFactory,
)
from tests.staff_world import paris, withdrawn_advisor

pytestmark = pytest.mark.django_db

AGENDA = reverse("backoffice:agenda")


@pytest.mark.parametrize(("role", "landing"), [
    ("youth", "/mon-espace/"),
    ("advisor", "/espace-conseil/"),
    ("coordinator", "/admin/"),
])
def test_each_role_lands_where_it_works(client, world, role, landing):
    user = {"youth": lambda: UserFactory(email="jeune.mdp@exemple.fr"),
            "advisor": lambda: world.advisor.user,
            "coordinator": lambda: CoordinatorFactory(email="coord@exemple.fr")}[role]()
    response = client.post(reverse("account_login"),
                           {"login": user.email, "password": "mot-de-passe-solide-42"})
    assert (response.status_code, response.url) == (302, landing)


def test_login_page_offers_the_code_first_and_no_sign_up(client, db):
    page = client.get(reverse("account_login")).content.decode()
    assert page.index("Recevoir un code par e-mail") < page.index("Se connecter avec mon mot")
    assert reverse("account_signup") not in page
    assert "form-control" in page  # styled by crispy-forms, in the site layout
    assert "Vous êtes jeune" in page and "So Mobilité" in page


def test_agenda_lists_to_fill_in_first_then_today_and_the_week(client, world):
    AppointmentFactory(advisor=world.advisor, first_name="Mathis", age_at_interview=19,
                       starts_at=paris(2026, 3, 19, 14), mode="phone", phone="+33611223344")
    AppointmentFactory(advisor=world.advisor, first_name="Nour", starts_at=paris(2026, 3, 23, 9),
                       mode="video")
    AppointmentFactory(advisor=world.advisor, first_name="Loin",
                       starts_at=paris(2026, 4, 10, 9))
    AppointmentFactory(advisor=world.other, first_name="Autre",
                       starts_at=paris(2026, 3, 19, 15))
    client.force_login(world.advisor.user)
    page = client.get(AGENDA).content.decode()
    assert "1 entretien passé à renseigner" in page
    assert page.index("Lina") < page.index("Aujourd'hui, jeudi 19 mars") < page.index("Mathis") \
        < page.index("Les 7 prochains jours") < page.index("Nour")
    assert "06 11 22 33 44" in page and "tel:+33-6-11-22-33-44" in page
    assert "21 ans" in page and "Un stage en Allemagne" in page
    assert "Loin" not in page and "Autre" not in page


def test_day_week_and_list_views_and_colleagues(client, world):
    AppointmentFactory(advisor=world.colleague, first_name="Chez-Bastien",
                       starts_at=paris(2026, 3, 24, 11))
    AppointmentFactory(advisor=world.advisor, first_name="Semaine-prochaine",
                       starts_at=paris(2026, 3, 25, 11))
    client.force_login(world.advisor.user)
    week = client.get(AGENDA, {"vue": "semaine", "date": "2026-03-24"}).content.decode()
    assert "Semaine du 23 mars au 29 mars 2026" in week
    assert "Semaine-prochaine" in week and "Chez-Bastien" not in week
    colleague = client.get(AGENDA, {"vue": "jour", "date": "2026-03-24",
                                    "conseiller": world.colleague.pk}).content.decode()
    assert "Chez-Bastien" in colleague and "Semaine-prochaine" not in colleague
    everybody = client.get(AGENDA, {"vue": "liste", "conseiller": "tous"}).content.decode()
    assert "Chez-Bastien" in everybody and "Semaine-prochaine" in everybody
    assert "avec Bastien Collègue" in everybody
    # An advisor of another structure is not a choice: one's own agenda is shown.
    own = client.get(AGENDA, {"vue": "liste", "conseiller": world.other.pk}).content.decode()
    assert "Chez-Bastien" not in own and "Semaine-prochaine" in own


def test_a_bad_date_is_explained_not_a_server_error(client, world):
    client.force_login(world.advisor.user)
    response = client.get(AGENDA, {"vue": "jour", "date": "31/02/2026"})
    assert response.status_code == 200
    assert "Date « 31/02/2026 » non reconnue" in response.content.decode()


@pytest.mark.parametrize("view", ["jour", "semaine"])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_date_at_the_end_of_the_calendar_is_explained_not_a_server_error(client, world, view,
                                                                         day):
    client.force_login(world.advisor.user)
    response = client.get(AGENDA, {"vue": view, "date": day})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choisissez une date entre 2000 et 2099. Voici aujourd&#x27;hui." in page
    assert "19 mars" in page  # NOW's day, with working previous / next links


def test_follow_up_dates_show_in_the_agenda(client, world):
    AppointmentFactory(advisor=world.advisor, first_name="Relance", last_name="Due",
                       status="done", starts_at=paris(2026, 3, 5, 9),
                       follow_up_on=dt.date(2026, 3, 19))
    client.force_login(world.advisor.user)
    page = client.get(AGENDA).content.decode()
    assert "À relancer" in page and "Relance Due" in page


def test_an_untrained_advisor_sees_the_agenda_and_why_she_cannot_be_booked(client, world):
    untrained = AdvisorFactory(structure=world.structure)
    client.force_login(untrained.user)
    page = client.get(AGENDA).content.decode()
    assert "vous n&#x27;avez pas encore suivi la formation initiale obligatoire" in page


@pytest.mark.parametrize("who", ["youth", "coordinator", "withdrawn"])
def test_others_are_refused(client, world, who):
    user = {"youth": lambda: UserFactory(), "coordinator": lambda: world.coordinator,
            "withdrawn": lambda: withdrawn_advisor(world.structure).user}[who]()
    client.force_login(user)
    assert client.get(AGENDA).status_code == 403


def test_agenda_queries_do_not_grow_with_the_appointments(client, world,
                                                          django_assert_num_queries):
    client.force_login(world.advisor.user)
    client.get(AGENDA)
    queries = 9
    with django_assert_num_queries(queries):
        client.get(AGENDA, {"conseiller": "tous"})
    for day in range(1, 8):
        for hour in (9, 14):
            youth = YouthFactory()
            AppointmentFactory(advisor=world.colleague, youth=youth,
                               starts_at=paris(2026, 3, 19 + day, hour))
            AppointmentFactory(advisor=world.advisor, starts_at=paris(2026, 3, day, hour),
                               follow_up_on=dt.date(2026, 3, 20))
    with django_assert_num_queries(queries):
        response = client.get(AGENDA, {"conseiller": "tous"})
    assert response.content.decode().count("agenda-row") >= 28
