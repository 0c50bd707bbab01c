"""Every database constraint of the project's models tells a person, in French, what to type
(tester t9b F11: « La contrainte « structure_postal_code_5_digits » n'est pas respectée »).

Django shows a constraint's ``violation_error_message`` when a model form (the admin's, or any
other) validates a row against it; the default one names the constraint. Rather than decide
which constraint a form can reach today, every constraint of the project gets its own message,
so a form added tomorrow cannot show an internal name.
"""

from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.conf import settings
from django.contrib.admin.sites import site
from django.db.models import BaseConstraint
from django.urls import reverse
from django.utils import translation

from somobilite.admin_site import THIRD_PARTY_CONSTRAINT_MESSAGES
from tests.factories import CoordinatorFactory
from tests.mfa_support import login_with_mfa

PROJECT_ROOT = Path(settings.BASE_DIR).resolve()


def _is_project_app(label: str) -> bool:
    path = Path(apps.get_app_config(label).path).resolve()
    return path.is_relative_to(PROJECT_ROOT) and ".venv" not in path.parts


def _project_constraints() -> list[tuple[str, BaseConstraint]]:
    found = []
    for config in apps.get_app_configs():
        if not _is_project_app(config.label):
            continue
        for model in config.get_models():
            found.extend((f"{model._meta.label}.{c.name}", c) for c in model._meta.constraints)
    return sorted(found, key=lambda pair: pair[0])


CONSTRAINTS = _project_constraints()
FRENCH_HINTS = ("é", "è", "à", "ê", " le ", " la ", " de ", " un ", " une ", " par ", " : ")


def test_the_walk_finds_the_project_constraints():
    names = {name for name, _constraint in CONSTRAINTS}
    assert len(names) >= 60
    assert "advisors.Structure.structure_postal_code_5_digits" in names
    assert "accounts.User.user_email_ci_unique" in names


@pytest.mark.parametrize(("name", "constraint"), CONSTRAINTS, ids=[n for n, _c in CONSTRAINTS])
def test_each_constraint_has_its_own_french_message(name, constraint):
    assert constraint.violation_error_message != constraint.default_violation_error_message, (
        f"{name}: give it a violation_error_message saying in French what to type")
    with translation.override("fr"):
        message = str(constraint.get_violation_error_message())
    assert constraint.name not in message
    assert any(hint in message for hint in FRENCH_HINTS), message
    assert message.endswith("."), message


def test_admin_registered_models_are_all_covered():
    """The models a coordinator edits in the admin are among those walked above."""
    walked = {name.rsplit(".", 1)[0] for name, _constraint in CONSTRAINTS}
    for model in site._registry:
        if model._meta.constraints and _is_project_app(model._meta.app_label):
            assert model._meta.label in walked


def _registered_constraints() -> list[tuple[str, BaseConstraint]]:
    """Every constraint of every model registered in our admin site, project or not."""
    return sorted(((f"{model._meta.label}.{c.name}", c) for model in site._registry
                   for c in model._meta.constraints), key=lambda pair: pair[0])


REGISTERED = _registered_constraints()


def test_the_walk_finds_the_third_party_constraints_of_the_admin():
    names = {name for name, _constraint in REGISTERED}
    assert "mfa.Authenticator.unique_authenticator_type" in names
    assert "account.EmailAddress.unique_primary_email" in names


@pytest.mark.parametrize(("name", "constraint"), REGISTERED, ids=[n for n, _c in REGISTERED])
def test_each_constraint_an_admin_form_can_meet_reads_french(name, constraint):
    """Tester t9c #13: allauth's constraint showed « La contrainte « unique_authenticator_type »
    n'est pas respectée » on /admin/mfa/authenticator/add/. A third-party constraint gets its
    message in THIRD_PARTY_CONSTRAINT_MESSAGES; a project one carries its own."""
    own = constraint.violation_error_message != constraint.default_violation_error_message
    given = THIRD_PARTY_CONSTRAINT_MESSAGES.get(name)
    assert own or given is not None, f"{name}: give it a French message"
    with translation.override("fr"):
        message = str(given if given is not None else constraint.get_violation_error_message())
    assert constraint.name not in message
    assert any(hint in message for hint in FRENCH_HINTS), message
    assert message.endswith("."), message


def test_no_stale_third_party_message():
    assert set(THIRD_PARTY_CONSTRAINT_MESSAGES) <= {name for name, _c in REGISTERED}


@pytest.mark.django_db
def test_a_second_totp_in_the_admin_reads_french(client):
    coordinator = CoordinatorFactory(with_totp=True)
    login_with_mfa(client, coordinator)
    response = client.post(reverse("admin:mfa_authenticator_add"), {
        "user": coordinator.pk, "type": Authenticator.Type.TOTP, "data": '{"secret": "X"}',
        "created_at_0": "2026-03-18", "created_at_1": "10:00:00"})
    page = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200
    assert "unique_authenticator_type" not in page
    assert "Ce compte a déjà un authentificateur de ce type" in page
    assert Authenticator.objects.filter(user=coordinator).count() == 1


@pytest.mark.django_db
def test_a_second_primary_address_in_the_admin_reads_french(client):
    coordinator = CoordinatorFactory(with_totp=True)
    login_with_mfa(client, coordinator)
    EmailAddress.objects.create(user=coordinator, email=coordinator.email, primary=True,
                                verified=True)
    response = client.post(reverse("admin:account_emailaddress_add"), {
        "user": coordinator.pk, "email": "autre@exemple.fr", "primary": "on"})
    page = response.content.decode().replace("&#x27;", "'")
    assert "unique_primary_email" not in page
    assert "Ce compte a déjà une adresse e-mail principale" in page
