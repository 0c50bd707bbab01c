"""The site header of every page (templates/base.html, _header.html): the same markup for every
visitor who is not logged in (kept once per process), each logged-in person's own."""

import re

import pytest
from django.core.cache import caches
from django.test import Client

from tests.factories import AdvisorFactory, CoordinatorFactory, YouthFactory

pytestmark = pytest.mark.django_db


def _header(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    return page[page.index('class="visually-hidden-focusable skip-link"'):page.index("</header>")]


def _kept_headers() -> int:
    return sum(".anonymous_header." in key for key in caches["template_fragments"]._cache)


def test_visitors_share_one_header_and_people_logged_in_get_their_own():
    anonymous = _header(Client())
    assert "Se connecter" in anonymous and "Se déconnecter" not in anonymous
    assert "Mes rendez-vous" not in anonymous and _kept_headers() == 1

    youth = Client()
    youth.force_login(YouthFactory(first_name="Lou", last_name="Exemple"))
    mine = _header(youth)
    assert "Lou Exemple" in mine and "Mes rendez-vous" in mine and "Mes données" in mine
    assert re.search(r'name="csrfmiddlewaretoken" value="\w+"', mine)  # the logout form

    advisor = Client()
    advisor.force_login(AdvisorFactory(user__first_name="Sam", user__last_name="Conseil").user)
    theirs = _header(advisor)
    assert "Sam Conseil" in theirs and "Espace conseil" in theirs
    assert "Mes rendez-vous" not in theirs

    coordinator = Client()
    coordinator.force_login(CoordinatorFactory(with_totp=True))
    assert "Coordination" in _header(coordinator)

    # Nothing of theirs reached the shared header, which was written once.
    assert _header(Client()) == anonymous and _kept_headers() == 1
    youth.logout()
    assert _header(youth) == anonymous


def _personal_headers() -> int:
    return sum(".site_header_top." in key for key in caches["template_fragments"]._cache)


def _logout_token(header: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="(\w+)"', header).group(1)


def test_a_logged_in_header_is_kept_per_person_with_each_one_s_own_logout_token():
    caches["template_fragments"].clear()
    lou, noa = Client(enforce_csrf_checks=True), Client()
    lou.force_login(YouthFactory(first_name="Lou", last_name="Exemple"))
    noa.force_login(YouthFactory(first_name="Noa", last_name="Autre"))
    lou_header, noa_header = _header(lou), _header(noa)
    assert "Lou Exemple" in lou_header and "Noa Autre" not in lou_header
    assert "Noa Autre" in noa_header and "Lou Exemple" not in noa_header
    kept = _personal_headers()
    # The same person again: the kept part is reused, the same name, a token of their own.
    again = _header(lou)
    assert "Lou Exemple" in again and _personal_headers() == kept
    # Each token is the one of its own session: Noa's token does not log Lou out, Lou's does.
    assert lou.post("/compte/logout/", {"csrfmiddlewaretoken": _logout_token(noa_header)}
                    ).status_code == 403
    assert lou.post("/compte/logout/", {"csrfmiddlewaretoken": _logout_token(again)}
                    ).status_code == 302
    assert "Se connecter" in _header(lou)


def test_a_new_name_shows_at_once_in_the_kept_header():
    caches["template_fragments"].clear()
    person = YouthFactory(first_name="Lou", last_name="Exemple")
    client = Client()
    client.force_login(person)
    assert "Lou Exemple" in _header(client)
    person.first_name = "Louise"
    person.save(update_fields=["first_name"])
    header = _header(client)
    assert "Louise Exemple" in header and "Lou Exemple" not in header
    person.first_name = "<b>Lou</b>"  # escaped once, as before
    person.save(update_fields=["first_name"])
    header = _header(client)
    assert "&lt;b&gt;Lou&lt;/b&gt; Exemple" in header and "<b>" not in header


def test_an_advisor_s_menu_marks_the_page_they_are_on_under_the_kept_header():
    caches["template_fragments"].clear()
    client = Client()
    client.force_login(AdvisorFactory(user__first_name="Sam", user__last_name="Conseil").user)
    for path, current in (("/espace-conseil/statistiques/", "Statistiques"),
                          ("/espace-conseil/aide/", "Aide")):
        page = client.get(path).content.decode()
        marked = re.findall(r'aria-current="page">([^<]+)</a>', page)
        assert current in marked and "Sam Conseil" in page, (path, marked)
