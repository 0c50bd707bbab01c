"""Django admin opens only for coordinators with TOTP two-factor authentication."""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import CoordinatorFactory, UserFactory

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


def test_coordinator_with_totp_opens_admin(client):
    client.force_login(CoordinatorFactory(with_totp=True))
    response = client.get(ADMIN)
    assert response.status_code == 200
    assert "Coordination du réseau" in response.content.decode()


def test_coordinator_with_totp_is_sent_to_admin_by_the_mfa_page(client):
    client.force_login(CoordinatorFactory(with_totp=True))
    response = client.get(reverse("accounts:mfa_required"))
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
