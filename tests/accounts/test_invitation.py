"""A coordinator invites an advisor, who sets their password through a one-time link."""

import datetime as dt
import re

import pytest
from django.core import mail

from accounts.models import Role, User
from advisors.invitations import InvitationError, advisor_invite
from advisors.models import Advisor
from tests.factories import AdvisorFactory, CoordinatorFactory, StructureFactory, UserFactory

pytestmark = pytest.mark.django_db


def _invite(django_capture_on_commit_callbacks, **overrides):
    kwargs = {
        "email": "Nouvelle.Conseillere@Exemple.fr",
        "first_name": "Nadia",
        "last_name": "Conseil",
        "structure": StructureFactory(),
        "designated_on": dt.date(2026, 11, 1),
        "invited_by": CoordinatorFactory(with_totp=True),
    }
    kwargs.update(overrides)
    with django_capture_on_commit_callbacks(execute=True):
        return advisor_invite(**kwargs)


def _link(message) -> str:
    return re.search(r"https?://\S+/compte/invitation/\S+/", message.body).group(0)


def test_invitation_creates_the_account_and_sends_a_link(django_capture_on_commit_callbacks):
    advisor = _invite(django_capture_on_commit_callbacks)
    user = advisor.user
    assert user.email == "nouvelle.conseillere@exemple.fr"
    assert user.role == Role.ADVISOR
    assert not user.has_usable_password()
    assert Advisor.objects.get().structure == advisor.structure
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nouvelle.conseillere@exemple.fr"]
    assert advisor.structure.public_name in mail.outbox[0].body
    assert mail.outbox[0].alternatives  # HTML part


def test_the_advisor_sets_a_password_once(client, django_capture_on_commit_callbacks):
    _invite(django_capture_on_commit_callbacks)
    path = _link(mail.outbox[0]).split("127.0.0.1:8000", 1)[1]
    assert client.get(path).status_code == 200
    response = client.post(
        path, {"new_password1": "Voyage-Lointain-2026", "new_password2": "Voyage-Lointain-2026"}
    )
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle.conseillere@exemple.fr")
    assert user.check_password("Voyage-Lointain-2026")
    client.logout()
    again = client.get(path)
    assert again.status_code == 400
    assert "déjà utilisé" in again.content.decode()


def test_mismatched_passwords_are_explained(client, django_capture_on_commit_callbacks):
    _invite(django_capture_on_commit_callbacks)
    path = _link(mail.outbox[0]).split("127.0.0.1:8000", 1)[1]
    response = client.post(
        path, {"new_password1": "Voyage-Lointain-2026", "new_password2": "Autre-Chose-2026"}
    )
    assert response.status_code == 200
    assert "deux mots de passe ne correspondent pas" in response.content.decode()


def test_a_young_persons_address_cannot_be_invited(django_capture_on_commit_callbacks):
    UserFactory(email="jeune@exemple.fr", role=Role.YOUTH)
    with pytest.raises(InvitationError, match="jeune"):
        _invite(django_capture_on_commit_callbacks, email="jeune@exemple.fr")
    assert mail.outbox == []


def test_a_person_designated_elsewhere_must_be_withdrawn_first(django_capture_on_commit_callbacks):
    current = AdvisorFactory()
    with pytest.raises(InvitationError, match="retrait"):
        _invite(django_capture_on_commit_callbacks, email=current.user.email)
    assert Advisor.objects.count() == 1
