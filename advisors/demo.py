"""Fictional demo network: the three CRIJ sites, sixteen partner structures over the twelve
départements, conventions in every state, advisors (trained or not), training sessions, and the
two development accounts. Idempotent (everything is keyed by slug, email or title) and
deterministic; convention dates are relative to today so that each state stays visible."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from stdnum import luhn

from accounts.models import Role, User

from .models import (
    Advisor,
    Convention,
    Structure,
    StructureKind,
    StructureStatus,
    StructureStatusChange,
    TrainingAttendance,
    TrainingKind,
    TrainingSession,
)
from .validators import validate_designated_account, validate_designation_date

COORDINATOR_EMAIL = "coordination@somobilite.test"
COORDINATOR_PASSWORD = "demo-coordination-2026"  # development only
ADVISOR_EMAIL = "conseillere@somobilite.test"
ADVISOR_PASSWORD = "demo-conseil-2026"  # development only
# Fixed TOTP secret of the demo coordinator (base32), so that admin can be opened in
# development with a code computed from it. Never reuse outside development.
COORDINATOR_TOTP_SECRET = "DEMOSOMOBILITE234567ABCDEFGHIJKL"
TOTP_CODE_COMMAND = (
    ".venv/bin/python manage.py shell -c \"import time; "
    "from allauth.mfa import app_settings as s; "
    "from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value; "
    f"print(format_hotp_value(hotp_value('{COORDINATOR_TOTP_SECRET}', "
    'int(time.time()) // s.TOTP_PERIOD)))"'
)

CRIJ_SIGNATORY = ("Claude Fictif", "Président du CRIJ (fictif)")
SIGNED_LONG_AGO = date(2024, 3, 1)
SERVICES_LONG_AGO = date(2024, 3, 21)


def fictional_siret(number: int) -> str:
    """A valid (Luhn) SIRET that belongs to no one we know: SIREN 99xxxxxx + check digit, then
    an establishment number whose last digit makes the 14 digits Luhn-valid."""
    siren_base = f"99{number:06d}"
    siren = siren_base + luhn.calc_check_digit(siren_base)
    nic_base = f"{siren}0001"
    return nic_base + luhn.calc_check_digit(nic_base)


@dataclass(frozen=True)
class DemoStructure:
    slug: str
    public_name: str
    legal_name: str
    kind: str
    address: str
    postal_code: str
    commune: str
    phone: str
    lat: str
    lon: str
    convention: str  # key of CONVENTION_SCENARIOS
    advisors: tuple[tuple[str, str, bool], ...]  # (first name, last name, trained)
    description: str = ""


CRIJ_LEGAL_NAME = "Centre Régional Information Jeunesse Nouvelle-Aquitaine"
CRIJ_DESCRIPTION = (
    "Site du CRIJ Nouvelle-Aquitaine : information jeunesse, conseils sur les études, les stages, "
    "l'emploi, le volontariat et les séjours à l'étranger. Accueil libre et gratuit."
)
IJ_DESCRIPTION = (
    "Structure Info Jeunes du réseau So Mobilité : entretiens individuels gratuits pour préparer "
    "un projet à l'étranger (études, stage, job, volontariat, échange…)."
)

STRUCTURES = [
    DemoStructure("crij-bordeaux", "CRIJ Nouvelle-Aquitaine – site de Bordeaux",
                  CRIJ_LEGAL_NAME, StructureKind.CRIJ_SITE,
                  "125 cours Alsace-Lorraine", "33000", "Bordeaux", "+33556000101",
                  "44.837800", "-0.572900", "in_force",
                  (("Lou", "Exemple", True), ("Noé", "Démo", True)), CRIJ_DESCRIPTION),
    DemoStructure("crij-limoges", "CRIJ Nouvelle-Aquitaine – site de Limoges",
                  CRIJ_LEGAL_NAME, StructureKind.CRIJ_SITE,
                  "8 place de la Motte", "87000", "Limoges", "+33555000101",
                  "45.831500", "1.257800", "in_force",
                  (("Maël", "Fictif", True),), CRIJ_DESCRIPTION),
    DemoStructure("crij-poitiers", "CRIJ Nouvelle-Aquitaine – site de Poitiers",
                  CRIJ_LEGAL_NAME, StructureKind.CRIJ_SITE,
                  "10 rue Carnot", "86000", "Poitiers", "+33549000101",
                  "46.580200", "0.340400", "in_force",
                  (("Inès", "Modèle", True),), CRIJ_DESCRIPTION),
    DemoStructure("info-jeunes-angouleme", "Info Jeunes Angoulême",
                  "Association Info Jeunes du Grand Angoulême", StructureKind.INFO_JEUNES,
                  "4 rue des Remparts", "16000", "Angoulême", "+33545000101",
                  "45.648400", "0.156200", "in_force",
                  (("Jade", "Essai", True),), IJ_DESCRIPTION),
    DemoStructure("info-jeunes-la-rochelle", "Info Jeunes La Rochelle",
                  "Association rochelaise pour l'information jeunesse", StructureKind.INFO_JEUNES,
                  "12 quai du Port", "17000", "La Rochelle", "+33546000101",
                  "46.160300", "-1.151100", "in_force",
                  (("Hugo", "Témoin", True), ("Léa", "Nouvelle", False)), IJ_DESCRIPTION),
    DemoStructure("info-jeunes-saintes", "Info Jeunes Saintes",
                  "Association Saintes Jeunesse Information", StructureKind.INFO_JEUNES,
                  "3 cours National", "17100", "Saintes", "+33546000202",
                  "45.745900", "-0.633400", "notice_running",
                  (("Arthur", "Provisoire", True),), IJ_DESCRIPTION),
    DemoStructure("info-jeunes-brive", "Info Jeunes Brive",
                  "Association Info Jeunes du Pays de Brive", StructureKind.INFO_JEUNES,
                  "7 avenue de Paris", "19100", "Brive-la-Gaillarde", "+33555100101",
                  "45.158900", "1.533200", "in_force",
                  (("Chloé", "Spécimen", True),), IJ_DESCRIPTION),
    DemoStructure("info-jeunes-gueret", "Info Jeunes Guéret",
                  "Association creusoise Information Jeunesse", StructureKind.INFO_JEUNES,
                  "1 place Bonnyaud", "23000", "Guéret", "+33555500101",
                  "46.171600", "1.871400", "formal_notice_pending",
                  (("Tom", "Hypothèse", True),), IJ_DESCRIPTION),
    DemoStructure("info-jeunes-perigueux", "Info Jeunes Périgueux",
                  "Association Périgord Info Jeunes", StructureKind.INFO_JEUNES,
                  "9 rue Wilson", "24000", "Périgueux", "+33553000101",
                  "45.184000", "0.721600", "in_force",
                  (("Manon", "Factice", True),), IJ_DESCRIPTION),
    DemoStructure("point-jeunes-bergerac", "Point Jeunes de Bergerac",
                  "Ville de Bergerac (commune fictive pour la démonstration)", StructureKind.OTHER,
                  "Place de la Mairie", "24100", "Bergerac", "+33553000202",
                  "44.851800", "0.482000", "services_not_started",
                  (("Nathan", "Stagiaire", False),),
                  "Point Jeunes municipal, nouvel opérateur So Mobilité."),
    DemoStructure("info-jeunes-libourne", "Info Jeunes Libourne",
                  "Association libournaise Information Jeunesse", StructureKind.INFO_JEUNES,
                  "15 allées Robert-Boulin", "33500", "Libourne", "+33556000202",
                  "44.915000", "-0.243300", "formal_notice_answered",
                  (("Zoé", "Prototype", True),), IJ_DESCRIPTION),
    DemoStructure("info-jeunes-mont-de-marsan", "Info Jeunes Mont-de-Marsan",
                  "Association landaise Information Jeunesse", StructureKind.INFO_JEUNES,
                  "2 rue Victor-Hugo", "40000", "Mont-de-Marsan", "+33558000101",
                  "43.890200", "-0.499700", "in_force",
                  (("Adam", "Maquette", True),), IJ_DESCRIPTION),
    DemoStructure("maison-europe-dax", "Maison de l'Europe du Pays dacquois",
                  "Association Maison de l'Europe du Pays dacquois (fictive)", StructureKind.OTHER,
                  "6 rue des Thermes", "40100", "Dax", "+33558000202",
                  "43.710200", "-1.053700", "not_signed", (),
                  "Association d'éducation à la citoyenneté européenne, candidate au réseau."),
    DemoStructure("info-jeunes-agen", "Info Jeunes Agen",
                  "Association agenaise Information Jeunesse", StructureKind.INFO_JEUNES,
                  "11 boulevard de la République", "47000", "Agen", "+33553600101",
                  "44.203100", "0.616300", "in_force",
                  (("Rose", "Ébauche", True),), IJ_DESCRIPTION),
    DemoStructure("info-jeunes-pau", "Info Jeunes Pau",
                  "Association paloise Information Jeunesse", StructureKind.INFO_JEUNES,
                  "5 rue des Cordeliers", "64000", "Pau", "+33559000101",
                  "43.295100", "-0.370800", "in_force",
                  (("Gabriel", "Brouillon", True), ("Alice", "Essai", False)), IJ_DESCRIPTION),
    DemoStructure("info-jeunes-bayonne", "Info Jeunes Bayonne",
                  "Association Info Jeunes Pays basque", StructureKind.INFO_JEUNES,
                  "20 quai des Corsaires", "64100", "Bayonne", "+33559000202",
                  "43.492900", "-1.474800", "ended",
                  (("Louis", "Ancien", True),), IJ_DESCRIPTION),
    DemoStructure("info-jeunes-niort", "Info Jeunes Niort",
                  "Association niortaise Information Jeunesse", StructureKind.INFO_JEUNES,
                  "13 rue Ricard", "79000", "Niort", "+33549000202",
                  "46.323700", "-0.464800", "in_force",
                  (("Lina", "Esquisse", True),), IJ_DESCRIPTION),
    DemoStructure("info-jeunes-chatellerault", "Info Jeunes Châtellerault",
                  "Association châtelleraudaise Information Jeunesse", StructureKind.INFO_JEUNES,
                  "21 boulevard Blossac", "86100", "Châtellerault", "+33549000303",
                  "46.817800", "0.546500", "in_force",
                  (("Paul", "Canevas", True),), IJ_DESCRIPTION),
    DemoStructure("info-jeunes-saint-junien", "Info Jeunes Saint-Junien",
                  "Association Info Jeunes Porte Océane du Limousin", StructureKind.INFO_JEUNES,
                  "4 place Lénine", "87200", "Saint-Junien", "+33555000202",
                  "45.887600", "0.901600", "notice_requested_end",
                  (("Eva", "Gabarit", True),), IJ_DESCRIPTION),
]


def convention_facts(scenario: str, today: date
                     ) -> tuple[str, dict[str, date | None]]:
    """(structure status, convention fields) of a scenario, as of ``today``."""
    in_force: dict[str, date | None] = {"signed_on": SIGNED_LONG_AGO,
                                        "services_start_on": SERVICES_LONG_AGO}
    scenarios: dict[str, tuple[str, dict[str, date | None]]] = {
        "in_force": (StructureStatus.ACTIVE, in_force),
        "notice_running": (StructureStatus.ACTIVE, {
            **in_force, "termination_letter_received_on": today - timedelta(days=20)}),
        "notice_requested_end": (StructureStatus.ACTIVE, {
            **in_force, "termination_letter_received_on": today - timedelta(days=30),
            "termination_requested_end_on": today + timedelta(days=120)}),
        "formal_notice_pending": (StructureStatus.ACTIVE, {
            **in_force, "formal_notice_received_on": today - timedelta(days=10)}),
        "formal_notice_answered": (StructureStatus.ACTIVE, {
            **in_force, "formal_notice_received_on": date(2025, 9, 1),
            "formal_notice_answered_on": date(2025, 9, 15)}),
        "ended": (StructureStatus.ENDED, {
            **in_force, "termination_letter_received_on": date(2025, 1, 15)}),
        "services_not_started": (StructureStatus.ACCEPTED, {
            "signed_on": today - timedelta(days=10),
            "services_start_on": today + timedelta(days=21)}),
        "not_signed": (StructureStatus.CANDIDATE, {"signed_on": None, "services_start_on": None}),
    }
    return scenarios[scenario]


STATUS_PATH: dict[str, list[StructureStatus]] = {
    StructureStatus.CANDIDATE: [StructureStatus.CANDIDATE],
    StructureStatus.ACCEPTED: [StructureStatus.CANDIDATE, StructureStatus.ACCEPTED],
    StructureStatus.ACTIVE: [StructureStatus.CANDIDATE, StructureStatus.ACCEPTED,
                             StructureStatus.ACTIVE],
    StructureStatus.ENDED: [StructureStatus.CANDIDATE, StructureStatus.ACCEPTED,
                            StructureStatus.ACTIVE, StructureStatus.ENDED],
}


def _status_dates(status: str, facts: dict, today: date) -> list[tuple[str, date]]:
    signed_on = facts.get("signed_on")
    steps = {
        StructureStatus.CANDIDATE: (signed_on or today) - timedelta(days=60),
        StructureStatus.ACCEPTED: (signed_on or today) - timedelta(days=15),
        StructureStatus.ACTIVE: facts.get("services_start_on") or today,
        StructureStatus.ENDED: date(2025, 3, 16),
    }
    return [(step, steps[step]) for step in STATUS_PATH[status]]


def _user(email: str, first_name: str, last_name: str, role: str, **extra) -> User:
    user, _ = User.objects.update_or_create(
        email=email,
        defaults={"first_name": first_name, "last_name": last_name, "role": role, **extra},
    )
    return user


def _verified_login(user: User, password: str) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def _seed_structure(demo: DemoStructure, number: int, today: date) -> Structure:
    status, facts = convention_facts(demo.convention, today)
    structure, _ = Structure.objects.update_or_create(
        slug=demo.slug,
        defaults={
            "public_name": demo.public_name, "legal_name": demo.legal_name, "kind": demo.kind,
            "siret": fictional_siret(number), "address": demo.address,
            "postal_code": demo.postal_code, "commune": demo.commune,
            "departement": demo.postal_code[:2], "phone": demo.phone,
            "email": f"contact@{demo.slug}.test", "description": demo.description,
            "latitude": Decimal(demo.lat), "longitude": Decimal(demo.lon), "status": status,
        },
    )
    kept = []
    for step, changed_on in _status_dates(status, facts, today):
        change, _ = StructureStatusChange.objects.update_or_create(
            structure=structure, status=step,
            defaults={"changed_on": changed_on, "note": "Données de démonstration"},
        )
        kept.append(change.pk)
    structure.status_changes.exclude(pk__in=kept).delete()

    empty = {"termination_letter_received_on": None, "termination_requested_end_on": None,
             "formal_notice_received_on": None, "formal_notice_answered_on": None}
    Convention.objects.update_or_create(
        structure=structure,
        defaults={
            **empty, **facts,
            "crij_signatory_name": CRIJ_SIGNATORY[0], "crij_signatory_title": CRIJ_SIGNATORY[1],
            "partner_signatory_name": f"Direction de {demo.public_name}",
            "partner_signatory_title": "Président·e ou maire (fictif)",
        },
    )
    return structure


def _designate(user: User, structure: Structure, designated_on: date) -> Advisor:
    """Designate ``user`` in ``structure`` (idempotent), under the rules every designation
    follows (``validators``: an advisor account, dated at most a year ahead); raises
    ``ValidationError`` otherwise."""
    validate_designated_account(user)
    validate_designation_date(designated_on, today=timezone.localdate())
    advisor, _ = Advisor.objects.update_or_create(
        user=user, structure=structure, defaults={"designated_on": designated_on}
    )
    return advisor


def _slugify_name(text: str) -> str:
    return slugify(text).replace("-", "")


@transaction.atomic
def seed(stdout) -> None:
    today = timezone.localdate()
    initial_2024, _ = TrainingSession.objects.update_or_create(
        kind=TrainingKind.INITIAL, title="Formation initiale So Mobilité – printemps 2024",
        defaults={"date": date(2024, 3, 12), "place": "CRIJ Nouvelle-Aquitaine, Bordeaux"},
    )
    TrainingSession.objects.update_or_create(
        kind=TrainingKind.NETWORK_EVENT, title="Temps collectif du réseau – rencontre annuelle",
        defaults={"date": date(2025, 6, 19), "place": "CRIJ Nouvelle-Aquitaine, Limoges"},
    )
    upcoming, _ = TrainingSession.objects.update_or_create(
        kind=TrainingKind.INITIAL, title="Formation initiale So Mobilité – prochaine session",
        defaults={"date": today + timedelta(days=30), "place": "À distance"},
    )

    for number, demo in enumerate(STRUCTURES, start=1):
        structure = _seed_structure(demo, number, today)
        designated_on = structure.conventions.get().signed_on or today
        for first_name, last_name, trained in demo.advisors:
            email = f"{_slugify_name(first_name)}.{_slugify_name(last_name)}@{demo.slug}.test"
            user = _user(email, first_name, last_name, Role.ADVISOR)
            if not user.password:  # invited, never logged in
                user.set_unusable_password()
                user.save(update_fields=["password"])
            advisor = _designate(user, structure, designated_on)
            if demo.convention == "ended" and advisor.withdrawn_on is None:
                advisor.withdrawn_on = date(2025, 3, 15)
                advisor.withdrawal_reason = "Fin de la convention"
                advisor.save(update_fields=["withdrawn_on", "withdrawal_reason"])
            session = initial_2024 if trained else upcoming
            TrainingAttendance.objects.update_or_create(
                session=session, user=user, defaults={"attended": trained}
            )

    coordinator = _user(COORDINATOR_EMAIL, "Coordination", "CRIJ (démo)", Role.COORDINATOR,
                        is_staff=True, is_superuser=True)
    _verified_login(coordinator, COORDINATOR_PASSWORD)
    Authenticator.objects.update_or_create(
        user=coordinator, type=Authenticator.Type.TOTP,
        defaults={"data": {"secret": encrypt(COORDINATOR_TOTP_SECRET)}},
    )

    advisor_user = _user(ADVISOR_EMAIL, "Camille", "Conseillère (démo)", Role.ADVISOR)
    _verified_login(advisor_user, ADVISOR_PASSWORD)
    _designate(advisor_user, Structure.objects.get(slug="crij-bordeaux"), SIGNED_LONG_AGO)
    TrainingAttendance.objects.update_or_create(
        session=initial_2024, user=advisor_user, defaults={"attended": True}
    )
    stdout.write(
        f"Réseau de démonstration : {len(STRUCTURES)} structures, "
        f"{Advisor.objects.count()} conseiller·ères, "
        f"{TrainingSession.objects.count()} sessions de formation."
    )


def print_demo_accounts(stdout) -> None:
    stdout.write("")
    stdout.write("Comptes de démonstration (développement uniquement) :")
    stdout.write(f"  Coordination : {COORDINATOR_EMAIL} / {COORDINATOR_PASSWORD}")
    stdout.write(f"    Double authentification (TOTP), secret : {COORDINATOR_TOTP_SECRET}")
    stdout.write("    Code du moment :")
    stdout.write(f"    {TOTP_CODE_COMMAND}")
    stdout.write(f"  Conseillère : {ADVISOR_EMAIL} / {ADVISOR_PASSWORD}")
