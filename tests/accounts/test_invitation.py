"""A coordinator invites an advisor, who sets their password through a one-time link."""

import datetime as dt
import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse

from accounts.models import Role, User
from advisors.invitations import InvitationError, advisor_invite, invitation_url
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
        "now": dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC),
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


def test_an_account_with_a_password_gets_no_invitation_link(client,
                                                             django_capture_on_commit_callbacks):
    """Issue 9 §1: inviting the address of an account that already has a password and TOTP
    (here an advisor withdrawn from another structure) must not hand a password-setting login
    to whoever reads the mailbox."""
    target = AdvisorFactory(user__email="conseil.bis@exemple.fr",
                            withdrawn_on=dt.date(2026, 6, 30)).user
    Authenticator.objects.create(user=target, type=Authenticator.Type.TOTP,
                                 data={"secret": "JBSWY3DPEHPK3PXP"})
    _invite(django_capture_on_commit_callbacks, email=target.email)
    assert "/compte/invitation/" not in mail.outbox[0].body
    assert "déjà un compte" in mail.outbox[0].body
    path = invitation_url(target).split("127.0.0.1:8000", 1)[1]
    assert client.get(path).status_code == 400
    response = client.post(path, {"new_password1": "Voyage-Lointain-2026",
                                  "new_password2": "Voyage-Lointain-2026"})
    assert response.status_code == 400
    target.refresh_from_db()
    assert target.check_password("mot-de-passe-solide-42")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_an_invited_account_with_totp_is_asked_for_its_code(client,
                                                            django_capture_on_commit_callbacks):
    """No login path skips allauth's stages: the invitation logs in through them."""
    advisor = _invite(django_capture_on_commit_callbacks)
    Authenticator.objects.create(user=advisor.user, type=Authenticator.Type.TOTP,
                                 data={"secret": "JBSWY3DPEHPK3PXP"})
    path = _link(mail.outbox[0]).split("127.0.0.1:8000", 1)[1]
    response = client.post(path, {"new_password1": "Voyage-Lointain-2026",
                                  "new_password2": "Voyage-Lointain-2026"})
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_a_new_advisor_is_logged_in_after_choosing_a_password(
        client, django_capture_on_commit_callbacks):
    advisor = _invite(django_capture_on_commit_callbacks)
    path = _link(mail.outbox[0]).split("127.0.0.1:8000", 1)[1]
    client.post(path, {"new_password1": "Voyage-Lointain-2026",
                       "new_password2": "Voyage-Lointain-2026"})
    assert client.session["_auth_user_id"] == str(advisor.user.pk)


@pytest.mark.parametrize("uid", ["OTk5OTk5OTk5OTk5OTk5OTk5OTk5", "%%%", "LTE"])
def test_broken_invitation_links_are_refused_without_error(client, uid):
    assert client.get(f"/compte/invitation/{uid}/faux-jeton/").status_code == 400
