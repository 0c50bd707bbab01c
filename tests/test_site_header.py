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
