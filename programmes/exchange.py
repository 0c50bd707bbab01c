"""The programme-sheet JSON format (/work/shared/formats/exchange-format.md): strict parsing
into ProgrammeSheet field values, and the reverse for export.

Errors read ``slug: field: reason`` (nested fields dotted, e.g. ``pvt-canada: age.max: …``);
an element without a usable slug is named by its position (``#3``).
"""

import json
import re
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from vocabulary.codes import AgeReference, EducationLevel, Verification
from vocabulary.exchange import (
    forbidden_characters,
    parse_date,
    parse_weeks_range,
    weeks_to_json,
)
from vocabulary.text import forbidden_character_reason

from . import validators
from .models import Publication

TOP_KEYS = ("slug", "title", "summary", "description", "domains", "destinations", "age",
            "statuses", "nationalities", "education_min", "languages", "duration_weeks",
            "budget_min_eur", "cost", "disability_age_max", "application", "organiser", "url",
            "last_reviewed", "publication", "residence", "verification")
REQUIRED_KEYS = ("slug", "title", "summary", "domains", "destinations", "url")
NESTED_KEYS = {
    "destinations": {"zones", "countries"},
    "age": {"min", "max", "reference"},
    "cost": {"participant_eur", "funding"},
    "application": {"deadline", "periods"},
    "residence": {"departements"},
    "verification": {"status", "note"},
}
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: The largest amount in euros a sheet may state (``budget_min_eur``, ``cost.participant_eur``):
#: a year abroad costs a few tens of thousands of euros; a bigger number is a typing error.
MAX_AMOUNT_EUR = 1_000_000
TEXT_LIMITS = {"title": 200, "summary": 500, "organiser": 200, "url": 500}

#: Model fields written by the importer (compared to decide whether a sheet changes).
IMPORTED_FIELDS = (
    "title", "summary", "description", "domains", "destination_zones", "destination_countries",
    "age_min", "age_max", "age_reference", "disability_age_max", "statuses", "nationalities",
    "education_min", "languages", "duration_min_weeks", "duration_max_weeks", "budget_min_eur",
    "cost_participant_eur", "funding", "application_deadline", "application_periods",
    "organiser", "url", "last_reviewed", "publication", "residence_departements",
    "verification", "verification_note",
)


class _Item:
    """Collects the errors of one element of the file."""

    def __init__(self, label: str, errors: list[str]):
        self.label = label
        self.errors = errors

    def error(self, where: str, reason: str) -> None:
        self.errors.append(f"{self.label}: {where}: {reason}")


def _text(item: _Item, data: dict, key: str, *, required: bool = False) -> str:
    value = data.get(key)
    if value is None:
        if required and key in data:  # an absent required key is reported once, elsewhere
            item.error(key, "texte obligatoire")
        return ""
    if not isinstance(value, str):
        item.error(key, "texte attendu")
        return ""
    if required and not value.strip():
        item.error(key, "ne doit pas être vide")
    limit = TEXT_LIMITS.get(key)
    if limit and len(value) > limit:
        item.error(key, f"{limit} caractères au plus")
    return value


def _int(item: _Item, value, where: str, *, maximum: int) -> int | None:
    """A whole number from 0 to ``maximum``; every integer of the format has a bound well
    below its column's (a PositiveIntegerField holds 2,147,483,647 on PostgreSQL), so no
    number reaches the model's validation, which would name the column (tester t9c #8)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        item.error(where, "entier positif ou null attendu")
        return None
    if value > maximum:
        item.error(where, f"{maximum:_} au plus".replace("_", " "))
        return None
    return value


def _object(item: _Item, data: dict, key: str) -> dict:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        item.error(key, "objet attendu")
        return {}
    for unknown in sorted(set(value) - NESTED_KEYS[key]):
        item.error(f"{key}.{unknown}", "clé inconnue")
    return value


def _checked(item: _Item, where: str, value, check):
    reason = check(value)
    if reason:
        item.error(where, reason)
    return value


def _collect(errors: list[str], prefix: str, call):
    """Run a matching.exchange parser and re-label its « where : reason » errors."""
    local: list[str] = []
    value = call(local)
    for message in local:
        where, _, reason = message.partition(" : ")
        errors.append(f"{prefix}: {where}: {reason}")
    return value


def parse_programme(data, label: str, errors: list[str]) -> dict | None:
    """Validate one sheet; return its model field values (with ``slug``) or None."""
    before = len(errors)
    item = _Item(label, errors)
    if not isinstance(data, dict):
        item.error("(élément)", "objet JSON attendu")
        return None
    bad_characters = forbidden_characters(data)
    for where, reason in bad_characters:  # before the checks that would echo the value
        item.error(where, reason)
    if bad_characters:
        return None
    for key in sorted(set(data) - set(TOP_KEYS)):
        item.error(key, "clé inconnue")
    for key in REQUIRED_KEYS:
        if key not in data:
            item.error(key, "clé obligatoire manquante")
    slug = data.get("slug")
    if "slug" in data and (not isinstance(slug, str) or not SLUG_RE.match(slug)
                           or len(slug) > 100):
        item.error("slug", "minuscules, chiffres et tirets attendus (100 caractères au plus)")
    fields: dict = {"slug": slug}
    for key in ("title", "summary"):
        fields[key] = _text(item, data, key, required=True)
    fields["description"] = _text(item, data, "description")
    fields["organiser"] = _text(item, data, "organiser")
    url = _text(item, data, "url", required=True)
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            item.error("url", "adresse web http(s) invalide")
    fields["url"] = url
    fields["domains"] = data.get("domains")
    if "domains" in data:
        _checked(item, "domains", fields["domains"], validators.check_domains)

    destinations = _object(item, data, "destinations")
    fields["destination_zones"] = _checked(item, "destinations.zones",
                                           destinations.get("zones", []),
                                           validators.check_zones)
    fields["destination_countries"] = _checked(item, "destinations.countries",
                                               destinations.get("countries", []),
                                               validators.check_countries)
    if "destinations" in data and not (fields["destination_zones"]
                                       or fields["destination_countries"]):
        item.error("destinations", "au moins une zone ou un pays")

    age = _object(item, data, "age")
    fields["age_min"] = _int(item, age.get("min"), "age.min", maximum=120)
    fields["age_max"] = _int(item, age.get("max"), "age.max", maximum=120)
    if (fields["age_min"] is not None and fields["age_max"] is not None
            and fields["age_min"] > fields["age_max"]):
        item.error("age", "le minimum dépasse le maximum")
    reference = age.get("reference", AgeReference.APPLICATION.value)
    if reference not in AgeReference.values:
        item.error("age.reference", "« application » ou « departure » attendu")
    fields["age_reference"] = reference
    fields["disability_age_max"] = _int(item, data.get("disability_age_max"),
                                        "disability_age_max", maximum=120)
    if (fields["disability_age_max"] is not None and fields["age_max"] is not None
            and fields["disability_age_max"] < fields["age_max"]):
        item.error("disability_age_max", "ne peut pas être inférieur à age.max")

    fields["statuses"] = _checked(item, "statuses", data.get("statuses", validators.any_status()),
                                  validators.check_statuses)
    fields["nationalities"] = _checked(item, "nationalities", data.get("nationalities"),
                                       validators.check_nationalities)
    education = data.get("education_min")
    if education is not None and education not in EducationLevel.values:
        item.error("education_min", f"niveau inconnu : {education}")
    fields["education_min"] = education
    fields["languages"] = _checked(item, "languages", data.get("languages", []),
                                   validators.check_languages)
    low, high = _collect(errors, label, lambda errs: parse_weeks_range(
        data.get("duration_weeks"), errs, "duration_weeks"))
    fields["duration_min_weeks"], fields["duration_max_weeks"] = low, high
    fields["budget_min_eur"] = _int(item, data.get("budget_min_eur"), "budget_min_eur",
                                    maximum=MAX_AMOUNT_EUR)

    cost = _object(item, data, "cost")
    fields["cost_participant_eur"] = _int(item, cost.get("participant_eur"),
                                          "cost.participant_eur", maximum=MAX_AMOUNT_EUR)
    fields["funding"] = _text(item, cost, "funding")

    application = _object(item, data, "application")
    fields["application_deadline"] = _collect(errors, label, lambda errs: parse_date(
        application.get("deadline"), errs, "application.deadline"))
    fields["application_periods"] = _text(item, application, "periods")
    fields["last_reviewed"] = _collect(errors, label, lambda errs: parse_date(
        data.get("last_reviewed"), errs, "last_reviewed"))
    residence = _object(item, data, "residence")
    fields["residence_departements"] = None
    if data.get("residence") is not None and isinstance(data["residence"], dict):
        if "departements" not in residence:
            item.error("residence.departements", "clé obligatoire manquante")
        else:
            fields["residence_departements"] = _checked(
                item, "residence.departements", residence["departements"],
                validators.check_departements_required)
    verification = _object(item, data, "verification")
    status = verification.get("status", Verification.VERIFIED.value)
    note = verification.get("note") or ""
    if status not in Verification.values:
        item.error("verification.status", "« verified » ou « to_verify » attendu")
    if not isinstance(note, str):
        item.error("verification.note", "texte attendu")
        note = ""
    elif status == Verification.TO_VERIFY and not note.strip():
        item.error("verification.note", "dites ce qui reste à vérifier")
    elif status == Verification.VERIFIED and note.strip():
        item.error("verification.note", "une fiche vérifiée n'a pas de note : "
                                        "« status » doit valoir « to_verify »")
    fields["verification"] = status
    fields["verification_note"] = note.strip()
    publication = data.get("publication", Publication.PUBLISHED.value)
    if publication not in Publication.values:
        item.error("publication", "« published », « draft » ou « archived » attendu")
    fields["publication"] = publication
    return fields if len(errors) == before else None


def parse_programmes(data) -> tuple[list[dict], list[str]]:
    """Validate a whole file (a JSON array); return (field dicts, errors). Nothing is kept
    from a file with errors: callers write only when ``errors`` is empty."""
    if not isinstance(data, list):
        return [], ["fichier: (racine): une liste JSON de fiches est attendue"]
    errors: list[str] = []
    sheets: list[dict] = []
    seen: dict[str, int] = {}
    for index, element in enumerate(data, start=1):
        slug = element.get("slug") if isinstance(element, dict) else None
        if isinstance(slug, str) and forbidden_character_reason(slug):
            slug = None  # named by position, not by a label that holds the character
        label = slug if isinstance(slug, str) and slug else f"#{index}"
        if isinstance(slug, str) and slug in seen:
            errors.append(f"{label}: slug: en double (déjà en position {seen[slug]})")
        elif isinstance(slug, str):
            seen[slug] = index
        fields = parse_programme(element, label, errors)
        if fields is not None:
            sheets.append(fields)
    return (sheets if not errors else []), errors


def _date_json(value: date | None):
    return value.isoformat() if value else None


def sheet_to_exchange(sheet) -> dict:
    """A ProgrammeSheet as a format element, every key present, in the format's order."""
    return {
        "slug": sheet.slug,
        "title": sheet.title,
        "summary": sheet.summary,
        "description": sheet.description,
        "domains": list(sheet.domains),
        "destinations": {"zones": list(sheet.destination_zones),
                         "countries": list(sheet.destination_countries)},
        "age": {"min": sheet.age_min, "max": sheet.age_max, "reference": sheet.age_reference},
        "statuses": list(sheet.statuses),
        "nationalities": None if sheet.nationalities is None else list(sheet.nationalities),
        "education_min": sheet.education_min,
        "languages": [dict(item) for item in sheet.languages],
        "duration_weeks": {"min": weeks_to_json(sheet.duration_min_weeks),
                           "max": weeks_to_json(sheet.duration_max_weeks)},
        "budget_min_eur": sheet.budget_min_eur,
        "cost": {"participant_eur": sheet.cost_participant_eur, "funding": sheet.funding},
        "disability_age_max": sheet.disability_age_max,
        "application": {"deadline": _date_json(sheet.application_deadline),
                        "periods": sheet.application_periods},
        "organiser": sheet.organiser,
        "url": sheet.url,
        "last_reviewed": _date_json(sheet.last_reviewed),
        "publication": sheet.publication,
        "residence": (None if sheet.residence_departements is None
                      else {"departements": list(sheet.residence_departements)}),
        "verification": {"status": sheet.verification, "note": sheet.verification_note},
    }


def programmes_to_json(sheets: Iterable) -> str:
    """The exchange-format file of ``sheets`` (ProgrammeSheet objects, written in the order
    given): a JSON array, UTF-8 text (non-ASCII kept), two-space indent, keys in the format's
    order, ending with a newline. The one writer of the format: ``export_programmes`` and the
    admin's « Exporter » both write through it, so the same sheets give the same bytes."""
    data = [sheet_to_exchange(sheet) for sheet in sheets]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
