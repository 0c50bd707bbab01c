"""What the database itself refuses for a structure (tester t9b F10): a map point outside the
region's box, whatever path writes it (admin, shell, a bulk update)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from advisors.models import Structure
from advisors.validators import REGION_LATITUDE, REGION_LONGITUDE
from tests.factories import StructureFactory

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
