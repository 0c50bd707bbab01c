"""Every database constraint of the project's models tells a person, in French, what to type
(tester t9b F11: « La contrainte « structure_postal_code_5_digits » n'est pas respectée »).

Django shows a constraint's ``violation_error_message`` when a model form (the admin's, or any
other) validates a row against it; the default one names the constraint. Rather than decide
which constraint a form can reach today, every constraint of the project gets its own message,
so a form added tomorrow cannot show an internal name.
"""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.admin.sites import site
from django.db.models import BaseConstraint
from django.utils import translation

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
