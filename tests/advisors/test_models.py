"""What the database itself refuses for a structure (tester t9b F10): a map point outside the
region's box, whatever path writes it (admin, shell, a bulk update)."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Role
from advisors.models import Structure
from advisors.validators import REGION_LATITUDE, REGION_LONGITUDE
from tests.factories import AdvisorFactory, AdvisorUserFactory, StructureFactory, UserFactory

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
