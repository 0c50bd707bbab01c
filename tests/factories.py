"""factory_boy factories shared by the test suite (fictional people and places only)."""

import datetime as dt

import factory
from allauth.mfa.models import Authenticator

from accounts.models import Role, User
from advisors.models import (
    Advisor,
    Convention,
    Structure,
    StructureKind,
    StructureStatus,
    TrainingAttendance,
    TrainingKind,
    TrainingSession,
)

# Valid SIRET numbers (Luhn-checked), fictional structures.
VALID_SIRETS = ["73282932000074", "35600000000048", "55208131766522", "44306184100047"]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = "Testeur"
    role = Role.YOUTH
    password = factory.PostGenerationMethodCall("set_password", "mot-de-passe-solide-42")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class CoordinatorFactory(UserFactory):
    role = Role.COORDINATOR
    is_staff = True
    is_superuser = True

    @factory.post_generation
    def with_totp(obj, create, extracted, **kwargs):  # noqa: N805
        """Pass with_totp=True to give the coordinator an activated TOTP authenticator."""
        if create and extracted:
            Authenticator.objects.create(
                user=obj, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
            )


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    legal_name = factory.Sequence(lambda n: f"Association Info Jeunes Test {n}")
    public_name = factory.Sequence(lambda n: f"Info Jeunes Test {n}")
    slug = factory.Sequence(lambda n: f"info-jeunes-test-{n}")
    kind = StructureKind.INFO_JEUNES
    siret = factory.Iterator(VALID_SIRETS)
    address = "1 place de la Mairie"
    postal_code = "33000"
    commune = "Bordeaux"
    departement = "33"
    phone = "+33556000000"
    email = factory.Sequence(lambda n: f"contact{n}@structure-test.fr")
    description = "Structure fictive pour les tests."
    status = StructureStatus.ACTIVE


class ConventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Convention

    structure = factory.SubFactory(StructureFactory)
    crij_signatory_name = "Camille Durand"
    crij_signatory_title = "Présidente"
    partner_signatory_name = "Dominique Martin"
    partner_signatory_title = "Président"
    signed_on = dt.date(2024, 3, 1)
    services_start_on = dt.date(2024, 3, 21)


class AdvisorUserFactory(UserFactory):
    role = Role.ADVISOR


class AdvisorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Advisor

    user = factory.SubFactory(AdvisorUserFactory)
    structure = factory.SubFactory(StructureFactory)
    designated_on = dt.date(2024, 3, 1)


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    kind = TrainingKind.INITIAL
    title = "Formation initiale So Mobilité"
    date = dt.date(2024, 3, 10)
    place = "CRIJ, Bordeaux"


class TrainingAttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingAttendance

    session = factory.SubFactory(TrainingSessionFactory)
    user = factory.SubFactory(AdvisorUserFactory)
    attended = True
