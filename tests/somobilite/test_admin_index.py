"""The admin index as a coordinator sees it: grouped by what coordinators do, in French,
each heading once, and the third-party menus relabelled under "Technique"."""

import re

import pytest
from django.urls import reverse

from somobilite.admin_site import ADMIN_GROUPS
from tests.factories import CoordinatorFactory
from tests.mfa_support import login_with_mfa

pytestmark = pytest.mark.django_db


def _captions(html: str) -> list[str]:
    return re.findall(r'<caption>\s*<a [^>]*class="section"[^>]*>([^<]+)</a>', html)


def test_index_grouped_by_what_coordinators_do(client):
    login_with_mfa(client, CoordinatorFactory(with_totp=True))
    response = client.get(reverse("admin:index"))
    html = response.content.decode()
    assert response.status_code == 200
    assert _captions(html) == ["Réseau", "Rendez-vous", "Programmes", "Suivi", "Technique"]
    groups = {group["name"]: [str(m["name"]) for m in group["models"]]
              for group in response.context["app_list"]}
    assert groups["Réseau"][:3] == ["Structures", "Conventions", "Conseiller·ères"]
    assert groups["Rendez-vous"][0] == "Rendez-vous"
    assert "Veille des conventions" in groups["Suivi"]
    assert {"Tâches périodiques", "Intervalles", "Double authentification (TOTP)"} <= set(
        groups["Technique"])
    for wrong in ("Tâches périodique<", "Intervales", "Authenticators"):
        assert wrong not in html, wrong
    # Every registered model appears exactly once.
    listed = [m["model"] for group in response.context["app_list"] for m in group["models"]]
    from django.contrib import admin

    assert sorted(m._meta.label for m in listed) == sorted(
        m._meta.label for m in admin.site._registry)
    # A third-party change list carries the French name too.
    beat = client.get(reverse("admin:django_celery_beat_periodictask_changelist"))
    assert "<h1>Tâches périodiques</h1>" in beat.content.decode()


def test_group_slugs_are_unique():
    slugs = [slug for slug, _name, _labels in ADMIN_GROUPS]
    assert len(slugs) == len(set(slugs))


def test_an_app_page_keeps_its_own_models(client):
    login_with_mfa(client, CoordinatorFactory(with_totp=True))
    response = client.get(reverse("admin:app_list", args=["advisors"]))
    assert response.status_code == 200
    assert [app["app_label"] for app in response.context["app_list"]] == ["advisors"]


def test_third_party_pages_are_french_beyond_the_index(client):
    """Tester t-adv 9: « MFA » and « Authenticators » on the admin's own pages (app page,
    list, change form, breadcrumbs)."""
    from allauth.mfa.models import Authenticator

    coordinator = CoordinatorFactory(with_totp=True)
    login_with_mfa(client, coordinator)
    key = Authenticator.objects.filter(user=coordinator).first()
    pages = [reverse("admin:app_list", args=["mfa"]),
             reverse("admin:mfa_authenticator_changelist"),
             reverse("admin:mfa_authenticator_change", args=[key.pk]),
             reverse("admin:app_list", args=["django_celery_beat"]),
             reverse("admin:django_celery_beat_periodictask_add")]
    for url in pages:
        response = client.get(url)
        shown = re.sub(r"<script.*?</script>|<[^>]+>", " ", response.content.decode(), flags=re.S)
        assert response.status_code == 200, url
        for english in ("MFA", "uthenticator", "Periodic task", "Tâches Périodique",
                        "USER", "created at", "last used at"):
            assert english not in shown, (url, english)
    html = client.get(reverse("admin:mfa_authenticator_change", args=[key.pk])).content.decode()
    assert "Double authentification" in html and "clé de double authentification" in html
