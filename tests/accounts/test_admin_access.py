"""Django admin opens only for a coordinator's session that passed TOTP two-factor
authentication, as allauth records it (issue 9 §1)."""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import CoordinatorFactory, UserFactory
from tests.mfa_support import login_with_mfa, totp_code

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"


def test_anonymous_is_sent_to_the_allauth_login_page(client):
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert "next=%2Fadmin%2F" in response.redirect_chain[-1][0]


def test_admin_login_form_cannot_bypass_mfa(client):
    """Posting credentials to admin's own login view must not log anyone in."""
    coordinator = CoordinatorFactory(with_totp=True)
    response = client.post(
        reverse("admin:login"),
        {"username": coordinator.email, "password": "mot-de-passe-solide-42"},
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", [Role.YOUTH, Role.ADVISOR])
def test_young_people_and_advisors_are_refused(client, role):
    user = UserFactory(role=role, is_staff=True)  # even a staff flag set by mistake
    client.force_login(user)
    response = client.get(ADMIN)
    assert response.status_code in (302, 403)
    follow = client.get(ADMIN, follow=True)
    assert follow.status_code == 403


def test_coordinator_without_mfa_is_asked_to_activate_it(client):
    client.force_login(CoordinatorFactory())
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:mfa_required")
    assert "double authentification" in response.content.decode()
    assert reverse("mfa_activate_totp") in response.content.decode()


def test_coordinator_with_totp_opens_admin_once_the_session_passed_mfa(client):
    login_with_mfa(client, CoordinatorFactory(with_totp=True))
    response = client.get(ADMIN)
    assert response.status_code == 200
    assert "Coordination du réseau" in response.content.decode()


def test_a_session_that_skipped_mfa_does_not_open_admin(client):
    """The account has TOTP, but this session was opened without the second factor."""
    coordinator = CoordinatorFactory(with_totp=True)
    client.force_login(coordinator)
    assert client.get(ADMIN).status_code == 302
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("mfa_reauthenticate"))
    assert "next=%2Fadmin%2F" in response.redirect_chain[-1][0]
    # Typing the code on allauth's reauthentication page records the MFA step.
    typed = client.post(response.redirect_chain[-1][0], {"code": totp_code(coordinator)})
    assert typed.status_code == 302 and typed.url == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_the_real_login_asks_for_the_code_then_opens_admin(client):
    coordinator = CoordinatorFactory(with_totp=True)
    response = client.post(reverse("account_login"), {
        "login": coordinator.email, "password": "mot-de-passe-solide-42"})
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # not logged in until the code is typed
    assert client.get(ADMIN).status_code == 302
    done = client.post(reverse("mfa_authenticate"), {"code": totp_code(coordinator)})
    assert done.status_code == 302
    assert client.get(ADMIN).status_code == 200


def test_coordinator_with_mfa_is_sent_to_admin_by_the_mfa_page(client):
    login_with_mfa(client, CoordinatorFactory(with_totp=True))
    response = client.get(reverse("accounts:mfa_required"))
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_a_withdrawn_totp_closes_admin_even_after_mfa(client):
    coordinator = CoordinatorFactory(with_totp=True)
    login_with_mfa(client, coordinator)
    coordinator.authenticator_set.all().delete()
    assert client.get(ADMIN).status_code == 302
