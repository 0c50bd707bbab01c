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
from advisors.validators import departement_of_postal_code
from somobilite import clock

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
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CoordinatorFactory(UserFactory):
    role = Role.COORDINATOR
    is_staff = True
    is_superuser = True

    @factory.post_generation
    def with_totp(obj, create, extracted, **kwargs):
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


# --- Bookings (availability and appointments) ----------------------------------------------


class BookableAdvisorFactory(AdvisorFactory):
    """An advisor whose slots can be booked: initial training attended (March 2024), active
    structure with a convention in force and services started (March 2024)."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def bookable(obj, create, extracted, **kwargs):
        if create:
            TrainingAttendanceFactory(user=obj.user)
            if not obj.structure.conventions.exists():
                ConventionFactory(structure=obj.structure)


class RecurringAvailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "bookings.RecurringAvailability"

    advisor = factory.SubFactory(BookableAdvisorFactory)
    weekday = 4
    start_time = dt.time(9, 0)
    end_time = dt.time(12, 0)
    valid_from = dt.date(2024, 1, 1)
    offers_in_person = True
    offers_video = True
    offers_phone = True


class OneOffAvailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "bookings.OneOffAvailability"

    advisor = factory.SubFactory(BookableAdvisorFactory)
    date = dt.date(2026, 3, 25)
    start_time = dt.time(14, 0)
    end_time = dt.time(16, 0)
    offers_in_person = True
    offers_video = True
    offers_phone = False


class YouthFactory(UserFactory):
    """A young person's passwordless account."""

    password = factory.PostGenerationMethodCall("set_unusable_password")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        """Declared again so that it runs after ``password`` (post-generation hooks run in
        declaration order, and a redeclared ``password`` comes after the parent's save):
        otherwise the stored password differs from the object's, and a session made with
        ``force_login`` is dropped on the next request."""
        if create:
            obj.save()


class AppointmentFactory(factory.django.DjangoModelFactory):
    """A confirmed appointment; pass ``advisor`` and ``starts_at`` (aware)."""

    class Meta:
        model = "bookings.Appointment"

    advisor = factory.SubFactory(BookableAdvisorFactory)
    structure = factory.SelfAttribute("advisor.structure")
    youth = factory.SubFactory(YouthFactory)
    starts_at = dt.datetime(2026, 3, 27, 9, 0, tzinfo=dt.UTC)
    ends_at = factory.LazyAttribute(lambda o: clock.after(o.starts_at, dt.timedelta(hours=1)))
    mode = "video"
    video_room = factory.Sequence(lambda n: f"salle-test-{n}")
    status = "confirmed"
    # Set for every status but a hold never confirmed (pending, expired): the database checks
    # it (a cancelled appointment was confirmed; a released hold is expired).
    confirmed_at = factory.LazyAttribute(
        lambda o: None if o.status in ("pending", "expired")
        else o.starts_at - dt.timedelta(days=7))
    reminder_due_at = factory.LazyAttribute(
        lambda o: clock.before(o.starts_at, dt.timedelta(hours=24)))
    first_name = factory.Sequence(lambda n: f"Jeune{n}")
    last_name = "Fictif"
    phone = "+33600000000"
    birth_date = dt.date(2004, 5, 17)
    postal_code = "33000"
    # As Appointment.save derives it: set here too for bulk_create, which skips save (the
    # database refuses a postal code without its département).
    departement = factory.LazyAttribute(
        lambda o: departement_of_postal_code(o.postal_code) if o.postal_code else "")
    youth_status = "student"
    domains = factory.LazyFunction(lambda: ["studies"])
    project = "Partir étudier un semestre à l'étranger."
    consent_at = factory.LazyAttribute(lambda o: o.starts_at - dt.timedelta(days=7))
    consent_text_version = "2025-1"


class ProgrammeSheetFactory(factory.django.DjangoModelFactory):
    """A published programme sheet, saved through the service (search columns filled)."""

    class Meta:
        model = "programmes.ProgrammeSheet"

    slug = factory.Sequence(lambda n: f"dispositif-{n}")
    title = factory.Sequence(lambda n: f"Dispositif de test {n}")
    summary = "Un dispositif fictif pour les tests."
    description = "Description **fictive**."
    domains = factory.LazyFunction(lambda: ["studies"])
    destination_countries = factory.LazyFunction(lambda: ["DE"])
    url = "https://example.org/dispositif"
    organiser = "Organisme fictif"
    publication = "published"
    last_reviewed = dt.date(2026, 10, 1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from programmes.services import programme_sheet_save

        return programme_sheet_save(sheet=model_class(*args, **kwargs))
