"""accounts/services.py: the address a young person proved by typing back a code, recorded for
allauth's verification (issue 17: fewer statements, the same records)."""

import pytest
from allauth.account.internal.flows.email_verification import verify_email_indirectly
from allauth.account.models import EmailAddress
from django.test import RequestFactory

from accounts.services import email_address_prove
from tests.factories import YouthFactory

pytestmark = pytest.mark.django_db


def _request():
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _records():
    return sorted(EmailAddress.objects.values_list("user__email", "email", "verified",
                                                   "primary"))


def test_a_new_address_is_recorded_verified_and_allauth_reads_no_more(
        django_assert_num_queries):
    youth = YouthFactory(email="lou@exemple.fr")
    with django_assert_num_queries(4) as captured:  # the look-up, the insert in a savepoint
        address = email_address_prove(user=youth)
    assert [q["sql"].split()[0] for q in captured.captured_queries
            if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))] == ["SELECT", "INSERT"]
    assert (address.user, address.email, address.verified, address.primary) == (
        youth, "lou@exemple.fr", True, True)
    with django_assert_num_queries(0):
        assert verify_email_indirectly(_request(), youth, youth.email)
    assert _records() == [("lou@exemple.fr", "lou@exemple.fr", True, True)]


def test_an_existing_record_is_left_to_allauths_verification():
    youth = YouthFactory(email="lou@exemple.fr")
    EmailAddress.objects.create(user=youth, email="lou@exemple.fr", primary=True,
                                verified=False)
    address = email_address_prove(user=youth)
    assert not address.verified
    assert verify_email_indirectly(_request(), youth, youth.email)
    assert _records() == [("lou@exemple.fr", "lou@exemple.fr", True, True)]


def test_an_address_verified_by_another_account_stays_unverified_as_allauth_decides():
    """The database refuses a second verified record of one address: the record is created
    unverified, and allauth's verification refuses it as it did before."""
    other = YouthFactory(email="ancienne@exemple.fr")
    EmailAddress.objects.create(user=other, email="lou@exemple.fr", primary=True,
                                verified=True)
    youth = YouthFactory(email="lou@exemple.fr")
    address = email_address_prove(user=youth)
    assert (address.user, address.verified, address.primary) == (youth, False, True)
    assert not verify_email_indirectly(_request(), youth, youth.email)
    assert _records() == [("ancienne@exemple.fr", "lou@exemple.fr", True, True),
                          ("lou@exemple.fr", "lou@exemple.fr", False, True)]
