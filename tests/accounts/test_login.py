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


def test_the_login_code_email_speaks_the_house_french(client, settings):
    """Tester t9a #12: allauth's « Cet email peut être ignoré… », « Merci d'utiliser… » and a
    bare domain at the end of the login code email."""
    user = UserFactory(email="jeune4@exemple.fr")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.post(reverse("account_request_login_code"), {"email": user.email})
    (message,) = mail.outbox
    assert message.subject == "[So Mobilité] Votre code de connexion"
    body = message.body
    assert body.startswith("Bonjour,") and "L'équipe So Mobilité" in body
    assert f"valable {settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT // 60} minutes" in body
    assert re.search(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b", body)
    for allauth_wording in ("Cet email", "Merci d'utiliser", "c'est So Mobilité"):
        assert allauth_wording not in body


def test_a_code_asked_for_an_unknown_address_points_to_booking_not_to_sign_up(client, settings):
    """Public sign-up is closed: allauth's « vous pouvez vous inscrire » link led to a closed
    page. The email says an account comes with a booking, and where to book."""
    client.post(reverse("account_request_login_code"), {"email": "inconnu@exemple.fr"})
    (message,) = mail.outbox
    assert message.to == ["inconnu@exemple.fr"]
    assert message.subject == "[So Mobilité] Aucun compte à cette adresse"
    assert settings.SITE_URL + reverse("bookings:search") in message.body
    assert reverse("account_signup") not in message.body


@pytest.mark.parametrize("prefix", [
    "account/email/login_code", "account/email/unknown_account",
    "account/email/password_reset_key", "account/email/password_changed",
    "account/email/password_set", "account/email/email_confirmation",
])
def test_every_allauth_email_has_the_house_greeting_and_signature(prefix, rf, settings):
    from allauth.account.adapter import get_adapter
    from allauth.core import context as allauth_context

    request = rf.get("/")
    with allauth_context.request_context(request):
        get_adapter(request).send_mail(prefix, "quelqu.un@exemple.fr", {
            "code": "ABCD-EFGH", "password_reset_url": "https://exemple.fr/r",
            "signup_url": "https://exemple.fr/s", "activate_url": "https://exemple.fr/a"})
    (message,) = mail.outbox
    assert message.body.startswith("Bonjour,"), message.body
    assert message.body.rstrip().endswith(f"L'équipe So Mobilité\n{settings.SITE_URL}")
    assert "Merci d'utiliser" not in message.body
