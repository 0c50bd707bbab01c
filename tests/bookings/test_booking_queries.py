"""The five pages of a booking through the real form stay within their queries (issue 17:
the server's CPU per booking; the re-check under lock, the profile prefill, the emails, the
session writes). Inside the test's transaction a session write takes a savepoint; served in
autocommit, as in production, the form makes 1 query, the hold 23, the code page 2, the
confirmation 29 and the confirmed page 3."""

import pytest
import time_machine
from django.test import Client

from .web_support import FIRST_SLOT, NOW, book_url, bookable_advisor, form_data, last_code

pytestmark = pytest.mark.django_db


def test_a_booking_through_the_form_stays_within_its_queries(client,
                                                             django_assert_max_num_queries):
    with time_machine.travel(NOW, tick=False):
        advisor = bookable_advisor(slug="ij-requetes")
        url = book_url(advisor, FIRST_SLOT, "video")
        # Warm the offers cache as the slots page a person comes from does.
        client.get(url)
        with django_assert_max_num_queries(1):
            assert client.get(url).status_code == 200
        with django_assert_max_num_queries(25):
            held = client.post(url, form_data(mode="video"))
        assert held.status_code == 302
        with django_assert_max_num_queries(2):
            assert client.get(held["Location"]).status_code == 200
        code = last_code("lou.exemple@exemple.fr")
        with django_assert_max_num_queries(31):
            confirmed = client.post(held["Location"], {"code": code, "action": "verify"})
        assert confirmed.status_code == 302
        with django_assert_max_num_queries(3):
            page = client.get(confirmed["Location"])
        assert page.status_code == 200
        assert "Votre rendez-vous est confirmé" in page.content.decode()


def test_the_form_fields_are_rendered_once_for_every_anonymous_visitor(client):
    """The fields of an unbound form for nobody logged in come from the template-fragments
    cache (the same markup for everyone offered the same modes that day); typed answers with
    errors, or a logged-in young person's prefill, are rendered for them."""
    import re

    from django.core.cache import caches
    from django.core.cache.utils import make_template_fragment_key

    from tests.factories import YouthFactory

    def fields(response):
        content = response.content.decode()
        return re.search(r'<div class="mb-4">.*?<fieldset class="mb-4">\s*<legend class="h5">'
                         r'Vos données', content, re.DOTALL).group(0)

    fragments = caches["template_fragments"]
    with time_machine.travel(NOW, tick=False):
        advisor = bookable_advisor(slug="ij-fragments")
        url = book_url(advisor, FIRST_SLOT, "video")
        first = client.get(url)
        assert fragments.get(make_template_fragment_key(
            "booking_form_fields", ["in_person,video|video|2026-03-02"])) is not None
        second = Client().get(url)
        assert fields(second) == fields(first)
        assert 'value="video"' in fields(first) and "checked" in fields(first)
        # Another mode chosen: its own markup.
        other = client.get(book_url(advisor, FIRST_SLOT, "in_person"))
        assert fields(other) != fields(first)
        # Answers with an error come back as typed, with their message.
        wrong = client.post(url, form_data(mode="video", postal_code="75001"))
        assert wrong.status_code == 200
        assert 'value="75001"' in fields(wrong) and "Nouvelle-Aquitaine" in fields(wrong)
        # A logged-in young person gets the form prefilled with their own name.
        youth = YouthFactory(email="lea@exemple.fr", first_name="Léa", last_name="Martin")
        client.force_login(youth)
        mine = client.get(url)
        assert 'value="Léa"' in fields(mine) and 'value="Léa"' not in fields(first)

