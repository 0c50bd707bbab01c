"""The five pages of a booking through the real form stay within their queries (issue 17:
the server's CPU per booking; the re-check under lock, the profile prefill, the emails)."""

import pytest
import time_machine

from .web_support import FIRST_SLOT, NOW, book_url, bookable_advisor, form_data, last_code

pytestmark = pytest.mark.django_db


def test_a_booking_through_the_form_stays_within_its_queries(client,
                                                             django_assert_max_num_queries):
    with time_machine.travel(NOW, tick=False):
        advisor = bookable_advisor(slug="ij-requetes")
        url = book_url(advisor, FIRST_SLOT, "video")
        # Warm the offers cache as the slots page a person comes from does.
        client.get(url)
        with django_assert_max_num_queries(2):
            assert client.get(url).status_code == 200
        with django_assert_max_num_queries(31):
            held = client.post(url, form_data(mode="video"))
        assert held.status_code == 302
        with django_assert_max_num_queries(3):
            assert client.get(held["Location"]).status_code == 200
        code = last_code("lou.exemple@exemple.fr")
        with django_assert_max_num_queries(44):
            confirmed = client.post(held["Location"], {"code": code, "action": "verify"})
        assert confirmed.status_code == 302
        with django_assert_max_num_queries(4):
            page = client.get(confirmed["Location"])
        assert page.status_code == 200
        assert "Votre rendez-vous est confirmé" in page.content.decode()
