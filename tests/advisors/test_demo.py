import io
from datetime import date

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from stdnum.fr import siret

from accounts.models import User
from accounts.permissions import has_totp
from advisors.conventions import ConventionState
from advisors.demo import (
    ADVISOR_EMAIL,
    ADVISOR_PASSWORD,
    COORDINATOR_EMAIL,
    COORDINATOR_PASSWORD,
    STRUCTURES,
    fictional_siret,
)
from advisors.models import (
    Advisor,
    Convention,
    Structure,
    StructureStatusChange,
    TrainingAttendance,
    TrainingSession,
)
from advisors.selectors import advisor_is_bookable, advisor_is_trained, structure_convention_status
from advisors.validators import NOUVELLE_AQUITAINE_DEPARTEMENTS

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 12)


def counts():
    return [m.objects.count() for m in (Structure, StructureStatusChange, Convention, Advisor,
                                        User, TrainingSession, TrainingAttendance, Authenticator)]


@time_machine.travel("2026-05-12 09:00 +02:00", tick=False)
def test_seed_demo_is_idempotent_and_covers_the_network():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    first = counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == first

    structures = list(Structure.objects.prefetch_related("conventions"))
    assert len(structures) == len(STRUCTURES) >= 18
    assert {s.departement for s in structures} == set(NOUVELLE_AQUITAINE_DEPARTEMENTS)
    assert {s.commune for s in structures if s.kind == "crij_site"} == {
        "Bordeaux", "Limoges", "Poitiers"}
    assert Structure.objects.get(slug="crij-bordeaux").address == "125 cours Alsace-Lorraine"
    for structure in structures:
        structure.full_clean()  # SIRET, phone, département are valid
    states = {structure_convention_status(s, TODAY).state for s in structures}
    assert states == set(ConventionState)

    advisors = list(Advisor.objects.select_related("user", "structure"))
    assert any(advisor_is_trained(a, TODAY) for a in advisors)
    assert any(not advisor_is_trained(a, TODAY) for a in advisors)

    coordinator = User.objects.get(email=COORDINATOR_EMAIL)
    assert coordinator.check_password(COORDINATOR_PASSWORD)
    assert coordinator.is_superuser and coordinator.is_coordinator
    assert coordinator.is_staff and has_totp(coordinator)
    advisor_user = User.objects.get(email=ADVISOR_EMAIL)
    assert advisor_user.check_password(ADVISOR_PASSWORD)
    assert advisor_is_bookable(advisor_user.advisor_designations.get(), TODAY)

    output = out.getvalue()
    assert COORDINATOR_EMAIL in output and ADVISOR_PASSWORD in output


def test_fictional_sirets_are_valid_and_distinct():
    numbers = [fictional_siret(n) for n in range(1, 40)]
    assert all(siret.is_valid(n) for n in numbers)
    assert len(set(numbers)) == len(numbers)
