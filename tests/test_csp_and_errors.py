"""Content-Security-Policy on every kind of page, and French error pages (JSON under /api/)
(issue 9 §6)."""

import json

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from somobilite.views import server_error
from tests.factories import CoordinatorFactory, StructureFactory, UserFactory
from tests.mfa_support import login_with_mfa

pytestmark = pytest.mark.django_db

STRICT = ("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'",
          "base-uri 'self'", "form-action 'self'")


def _policy(response) -> str:
    return response["Content-Security-Policy"]


def _assert_strict(response):
    policy = _policy(response)
    for directive in STRICT:
        assert directive in policy, (directive, policy)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    # data: only for images (Bootstrap's CSS icons), never for scripts, styles or frames.
    assert [part.strip() for part in policy.split(";") if "data:" in part] == [
        "img-src 'self' data:"]


@pytest.mark.parametrize("url", ["/", "/rendez-vous/", "/programmes/", "/compte/login/",
                                 "/api/v1/structures/", "/page-qui-n-existe-pas/"])
def test_public_pages_and_the_api_have_the_strict_policy(client, url):
    _assert_strict(client.get(url))


def test_admin_and_back_office_have_the_strict_policy(client):
    login_with_mfa(client, CoordinatorFactory(with_totp=True))
    _assert_strict(client.get("/admin/"))
    _assert_strict(client.get(reverse("admin:bookings_appointment_changelist")))


def test_only_the_celery_beat_form_may_run_its_inline_script(client):
    login_with_mfa(client, CoordinatorFactory(with_totp=True))
    page = client.get(reverse("admin:django_celery_beat_periodictask_add"))
    assert page.status_code == 200
    assert "script-src 'self' 'unsafe-inline'" in _policy(page)
    _assert_strict(client.get(reverse("admin:django_celery_beat_crontabschedule_changelist")))


def test_the_site_templates_have_no_inline_script_or_style():
    from pathlib import Path

    from django.conf import settings

    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        if "/email/" in str(path) or path.name.endswith("_pdf.html"):
            continue  # emails and PDFs are not pages a browser applies the policy to
        text = path.read_text()
        inline = ["style=", "<style", "<script>", " onclick=", " onload=", " onchange=",
                  " onsubmit=", "javascript:"]
        if any(marker in text for marker in inline):
            offenders.append(str(path))
    assert not offenders


def test_an_unknown_page_is_french_in_the_site_layout(client):
    response = client.get("/page-qui-n-existe-pas/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "Cette page n'existe pas ou plus" in content
    assert "So Mobilité" in content and reverse("home") in content  # layout, a way back
    assert "coordination@somobilite.fr" in content  # a contact


def test_a_refused_page_is_french_with_its_reason(client):
    client.force_login(UserFactory())
    response = client.get(reverse("advisor_availability:page"))
    assert response.status_code == 403
    content = response.content.decode()
    assert "Vous n'avez pas accès à cette page" in content
    assert "Réservé aux conseillers" in content


def test_a_refused_form_token_is_explained_in_french():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "a@exemple.fr"})
    assert response.status_code == 403
    assert "Le formulaire n'a pas pu être envoyé" in response.content.decode()


def test_a_server_error_is_french_and_needs_no_database():
    request = RequestFactory().get("/rendez-vous/")
    response = server_error(request)
    assert response.status_code == 500
    assert "Un problème est survenu de notre côté" in response.content.decode()


def test_api_errors_are_json(client):
    StructureFactory()
    unknown = client.get("/api/v1/inconnu/")
    assert unknown.status_code == 404
    assert unknown["Content-Type"].startswith("application/json")
    assert json.loads(unknown.content) == {"error": "Adresse inconnue."}
    failing = server_error(RequestFactory().get("/api/v1/structures/"))
    assert failing.status_code == 500 and "error" in json.loads(failing.content)


def test_post_on_the_api_is_a_json_405_even_with_csrf_checks():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/structures/", {})
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert "lecture seule" in json.loads(response.content)["error"]
