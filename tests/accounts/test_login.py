"""Login: email as identifier, login by emailed code for young people, rate limits."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_login_with_email_and_password(client):
    user = UserFactory(email="alex@exemple.fr")
    response = client.post(
        reverse("account_login"),
        {"login": "alex@exemple.fr", "password": "mot-de-passe-solide-42"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_young_person_logs_in_with_a_code_sent_by_email(client):
    user = UserFactory(email="jeune@exemple.fr")
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    response = client.post(reverse("account_request_login_code"), {"email": "jeune@exemple.fr"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    code = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", mail.outbox[0].body).group(1)

    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_codes_do_not_log_in(client):
    user = UserFactory(email="jeune2@exemple.fr")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.post(reverse("account_request_login_code"), {"email": user.email})
    response = client.post(reverse("account_confirm_login_code"), {"code": "000000"})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302)


def test_failed_logins_are_rate_limited(client):
    UserFactory(email="cible@exemple.fr")
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": "cible@exemple.fr", "password": "faux-mot-de-passe"}
        )
        assert "Trop de tentatives" not in response.content.decode()
    # Locked out now, even with the right password.
    response = client.post(
        reverse("account_login"),
        {"login": "cible@exemple.fr", "password": "mot-de-passe-solide-42"},
    )
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_public_signup_is_closed(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert "inscription" in response.content.decode().lower()
    response = client.post(
        reverse("account_signup"),
        {
            "email": "nouveau@exemple.fr",
            "password1": "UnMotDePasse-Long-42",
            "password2": "UnMotDePasse-Long-42",
        },
    )
    from accounts.models import User

    assert not User.objects.filter(email="nouveau@exemple.fr").exists()


ALLAUTH_WORDING = ("Courriel", "Autres options de connexion", "Vous recevrez un code spécial",
                   "Demander le code", "Send me", "Sign", "Request", "Confirm")


def _shown(response) -> str:
    import html

    return html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_login_code_pages_speak_the_house_french(client):
    """Tester t-youth 18: allauth's generic wording on /compte/login/code/."""
    user = UserFactory(email="jeune3@exemple.fr")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    request_page = client.get(reverse("account_request_login_code"))
    shown = _shown(request_page)
    assert "Recevoir un code de connexion" in shown and "Adresse e-mail" in shown
    assert 'autocomplete="email"' in request_page.content.decode()
    refused = _shown(client.post(reverse("account_request_login_code"), {"email": "pas-une"}))
    assert "Saisissez une adresse" in refused  # the field's error, under it

    client.post(reverse("account_request_login_code"), {"email": user.email})
    confirm_page = client.get(reverse("account_confirm_login_code"))
    shown = _shown(confirm_page)
    assert "Nous avons envoyé un code à jeune3@exemple.fr" in " ".join(shown.split())
    assert "Code reçu par e-mail" in shown and "Me connecter" in shown
    wrong = _shown(client.post(reverse("account_confirm_login_code"), {"code": "000000"}))
    assert "Code reçu par e-mail" in wrong
    for page in (_shown(request_page), shown, wrong):
        for english in ALLAUTH_WORDING:
            assert english not in page, english
