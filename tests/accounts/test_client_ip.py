"""The client's address behind the reverse proxy: one setting, used by every rate limit and by
the staff access log (issue 9 §3)."""

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from accounts.client_ip import client_ip
from tests.factories import UserFactory

PROXY = "10.0.0.1"  # what REMOTE_ADDR is for every request behind the proxy


def _request(forwarded: str | None = None, **headers):
    extra = {"REMOTE_ADDR": PROXY, **headers}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(("count", "forwarded", "expected"), [
    # No proxy trusted: the header is the client's own words, the connection is the truth.
    (0, "198.51.100.7", PROXY),
    (0, None, PROXY),
    # One proxy: the entry it appended, whatever the client wrote before it.
    (1, "198.51.100.7", "198.51.100.7"),
    (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),
    (1, "6.6.6.6,198.51.100.7:51234", "198.51.100.7"),
    (1, "1.2.3.4, 5.6.7.8, 2001:db8::7", "2001:db8::7"),
    (1, "[2001:db8::8]:443", "2001:db8::8"),
    # Two proxies: the entry the outer one appended.
    (2, "6.6.6.6, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
    # A chain shorter than the trusted count: the leftmost entry, written by a proxy of ours.
    (2, "198.51.100.7", "198.51.100.7"),
    # No header (a request that did not come through the proxy), or garbage where the address
    # should be: the connection's address, never an error.
    (1, None, PROXY),
    (1, "", PROXY),
    (1, "not-an-address", PROXY),
    (2, "6.6.6.6, pas-une-adresse, 10.0.0.9", PROXY),
])
def test_the_client_is_the_entry_our_proxies_wrote(count, forwarded, expected):
    with override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=count):
        assert client_ip(_request(forwarded)) == expected


def test_a_header_set_by_the_proxy_wins_over_the_chain():
    with override_settings(ALLAUTH_TRUSTED_CLIENT_IP_HEADER="X-Real-IP",
                           ALLAUTH_TRUSTED_PROXY_COUNT=1):
        request = _request("6.6.6.6", HTTP_X_REAL_IP="198.51.100.7")
        assert client_ip(request) == "198.51.100.7"
        assert client_ip(_request("6.6.6.6")) == PROXY


@pytest.mark.django_db
@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=2)
def test_a_short_chain_on_the_login_page_is_no_server_error():
    """allauth itself raises ImproperlyConfigured on a chain shorter than the count."""
    client = Client(raise_request_exception=False)
    response = client.post(reverse("account_login"),
                           {"login": "personne@exemple.fr", "password": "faux"},
                           REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 200


@pytest.mark.django_db
@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_failed_logins_are_counted_per_person_behind_the_proxy():
    """``login_failed`` allows 5 failures per 5 minutes per address: one person using them all
    (even forging the start of the chain) leaves the others their own."""
    UserFactory(email="quelquun@exemple.fr", role="advisor")
    client = Client()

    def attempt(chain, number):
        return client.post(reverse("account_login"),
                           {"login": f"inconnu{number}@exemple.fr", "password": "faux"},
                           REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=chain)

    for number in range(5):
        attempt(f"192.0.2.{number}, 198.51.100.66", number)
    blocked = attempt("192.0.2.99, 198.51.100.66", 6)
    assert "Trop de tentatives de connexion" in blocked.content.decode()
    other = client.post(reverse("account_login"),
                        {"login": "quelquun@exemple.fr", "password": "mot-de-passe-solide-42"},
                        REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.20")
    assert other.status_code == 302
