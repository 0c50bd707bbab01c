"""What the database and the models refuse, whatever path writes (admin, shell, a bulk update):
a structure's map point outside the region's box (tester t9b F10); a convention's services
before its signature, two conventions of a structure at once, a designation of an account that
is not an advisor's or too far ahead (tester t9b F13, F14)."""

import importlib
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps as django_apps
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Role
from advisors.models import Convention, Structure
from advisors.validators import REGION_LATITUDE, REGION_LONGITUDE
from tests.factories import (
    AdvisorFactory,
    AdvisorUserFactory,
    ConventionFactory,
    StructureFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("field", "value"), [
    ("latitude", Decimal("999")), ("latitude", Decimal("-45.6")), ("latitude", Decimal("90")),
    ("longitude", Decimal("-999")), ("longitude", Decimal("5.37")),
    ("latitude", REGION_LATITUDE[1] + Decimal("0.000001")),
    ("longitude", REGION_LONGITUDE[0] - Decimal("0.000001")),
])
def test_the_database_refuses_a_point_outside_the_region(field, value):
    structure = StructureFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Structure.objects.filter(pk=structure.pk).update(**{field: value})


@pytest.mark.parametrize(("latitude", "longitude"), [
    (None, None), (REGION_LATITUDE[0], REGION_LONGITUDE[0]),
    (REGION_LATITUDE[1], REGION_LONGITUDE[1]), (Decimal("43.3712"), Decimal("-1.7870")),
    (Decimal("46.2048"), Decimal("-1.5577")),  # Hendaye, Île de Ré
])
def test_points_of_the_region_are_kept(latitude, longitude):
    structure = StructureFactory(latitude=latitude, longitude=longitude)
    structure.full_clean()
    structure.refresh_from_db()
    assert (structure.latitude, structure.longitude) == (latitude, longitude)


def test_model_validation_names_the_field_and_the_rule():
    structure = StructureFactory.build(latitude=Decimal("999"), postal_code="87000",
                                       departement="33", commune="Limoges")
    with pytest.raises(ValidationError) as raised:
        structure.full_clean(exclude=["siret", "slug"])
    errors = raised.value.message_dict
    assert errors["latitude"][0].startswith("La latitude doit être entre 42,5 et 47,45")
    assert "structure_latitude_in_region" not in str(errors)
    assert errors["postal_code"] == [
        "Le code postal 87000 ne dessert aucune commune du département choisi (33) mais : "
        "Haute-Vienne (87). Corrigez le code postal ou le département."]


def test_the_database_refuses_services_before_the_signature():
    """Tester t9b F13: whatever path writes (shell, bulk update), on every database."""
    convention = ConventionFactory()
    with pytest.raises(IntegrityError, match="convention_services_start_after_signature"), \
            transaction.atomic():
        Convention.objects.filter(pk=convention.pk).update(services_start_on=date(2024, 2, 1))
    Convention.objects.filter(pk=convention.pk).update(services_start_on=date(2024, 3, 1))


@time_machine.travel("2026-12-01 10:00 +01:00", tick=False)
def test_model_validation_of_a_convention_names_the_other_one():
    first = ConventionFactory()
    second = ConventionFactory.build(structure=first.structure, signed_on=date(2026, 12, 2),
                                     services_start_on=date(2026, 1, 1))
    with pytest.raises(ValidationError) as raised:
        second.full_clean()
    assert set(raised.value.message_dict) == {"signed_on", "services_start_on"}
    second.signed_on, second.services_start_on = date(2026, 11, 30), None
    with pytest.raises(ValidationError, match="déjà une convention signée le 01/03/2024"):
        second.full_clean()


@time_machine.travel("2026-12-01 10:00 +01:00", tick=False)
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.YOUTH])
def test_only_an_advisor_account_is_designated(role):
    """Tester t9b F14: the model's validation (admin forms, any ``full_clean``)."""
    advisor = AdvisorFactory.build(user=UserFactory(role=role), structure=StructureFactory())
    with pytest.raises(ValidationError) as raised:
        advisor.full_clean()
    assert "Invitez la personne avec" in raised.value.message_dict[NON_FIELD_ERRORS][0]


@time_machine.travel("2026-12-01 10:00 +01:00", tick=False)
@pytest.mark.parametrize(("designated_on", "valid"), [
    (date(2027, 12, 1), True), (date(2027, 12, 2), False), (date(2099, 1, 1), False),
])
def test_a_designation_is_dated_at_most_a_year_ahead(designated_on, valid):
    advisor = AdvisorFactory.build(structure=StructureFactory(), designated_on=designated_on,
                                   user=AdvisorUserFactory())
    if valid:
        advisor.full_clean()
        return
    with pytest.raises(ValidationError, match="au plus tard le 01/12/2027"):
        advisor.full_clean()


@pytest.mark.skipif(settings.IS_POSTGRES,
                    reason="PostgreSQL's exclusion constraint keeps overlapping rows out")
@time_machine.travel("2026-12-01 10:00 +01:00", tick=False)
def test_the_migration_turns_overlapping_conventions_into_drafts_keeping_their_dates():
    """Migration 0007 on rows saved before the rule (the tester's three « en vigueur »)."""
    migration = importlib.import_module("advisors.migrations.0007_convention_one_at_a_time")
    governing = ConventionFactory(signed_on=date(2026, 1, 5), services_start_on=None)
    structure = governing.structure
    older = ConventionFactory(structure=structure, signed_on=date(2024, 3, 1),
                              termination_letter_received_on=date(2026, 2, 1), notes="À voir.")
    future = ConventionFactory(structure=structure, signed_on=date(2099, 1, 1),
                               services_start_on=None)
    ended = ConventionFactory(structure=structure, signed_on=date(2022, 1, 3),
                              services_start_on=None,
                              termination_letter_received_on=date(2023, 5, 2))
    alone = ConventionFactory(signed_on=date(2025, 1, 2), services_start_on=None)
    migration.put_conventions_right(django_apps, None)
    for convention in (governing, older, future, ended, alone):
        convention.refresh_from_db()
    assert governing.signed_on == date(2026, 1, 5)
    assert ended.signed_on == date(2022, 1, 3)
    assert alone.signed_on == date(2025, 1, 2)
    assert older.signed_on is older.termination_letter_received_on is None
    assert older.notes.startswith("À voir.\n\n[Migration du 01/12/2026]")
    assert "(signée le 05/01/2026)" in older.notes
    assert ("signature le 01/03/2024, début des services le 21/03/2024, réception du courrier "
            "de résiliation le 01/02/2026.") in older.notes
    assert future.signed_on is None and "signature le 01/01/2099" in future.notes
