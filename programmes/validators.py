"""Checks of the list-valued fields of a programme sheet, shared by the model (admin forms)
and the JSON importer (programmes.exchange). Each ``check_*`` returns a French reason or None.
"""

from django.core.exceptions import ValidationError

from vocabulary.codes import (
    ANY_STATUS,
    CEFR_RANK,
    DEPARTEMENTS,
    ISO_639_1,
    NATIONALITY_GROUPS,
    Domain,
    Status,
    Zone,
    all_country_codes,
)


def any_status() -> list[str]:
    return [ANY_STATUS]


def _check_code_list(value, allowed, what: str, *, allow_empty: bool) -> str | None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return "doit être une liste de codes"
    if not value and not allow_empty:
        return "ne doit pas être vide"
    unknown = [item for item in value if item not in allowed]
    if unknown:
        return f"{what} inconnu(s) : {', '.join(unknown)}"
    if len(set(value)) != len(value):
        return "contient des doublons"
    return None


def check_domains(value) -> str | None:
    return _check_code_list(value, set(Domain.values), "domaine", allow_empty=False)


def check_zones(value) -> str | None:
    return _check_code_list(value, set(Zone.values), "zone", allow_empty=True)


def check_countries(value) -> str | None:
    return _check_code_list(value, all_country_codes(), "code pays", allow_empty=True)


def check_statuses(value) -> str | None:
    reason = _check_code_list(value, {*Status.values, ANY_STATUS}, "statut", allow_empty=False)
    if reason is None and ANY_STATUS in value and len(value) > 1:
        return "« any » ne se combine pas avec d'autres statuts"
    return reason


def check_nationalities(value) -> str | None:
    if value is None:
        return None
    return _check_code_list(value, all_country_codes() | set(NATIONALITY_GROUPS), "nationalité",
                            allow_empty=False)


def check_departements(value) -> str | None:
    """``None`` (no residence condition) or a non-empty list of département codes."""
    if value is None:
        return None
    return _check_code_list(value, DEPARTEMENTS, "département", allow_empty=False)


def check_departements_required(value) -> str | None:
    """A non-empty list of département codes (the format's ``residence.departements``)."""
    if value is None:
        return "liste de codes de département attendue"
    return check_departements(value)


def check_languages(value) -> str | None:
    if not isinstance(value, list):
        return "doit être une liste"
    seen = set()
    for item in value:
        if not isinstance(item, dict) or set(item) != {"language", "level", "required"}:
            return 'chaque langue doit avoir exactement « language », « level » et « required »'
        if item["language"] not in ISO_639_1:
            return f"code de langue inconnu : {item['language']}"
        if item["level"] not in CEFR_RANK:
            return f"niveau inconnu : {item['level']} (A1 à C2)"
        if not isinstance(item["required"], bool):
            return "« required » doit valoir true ou false"
        if item["language"] in seen:
            return f"langue en double : {item['language']}"
        seen.add(item["language"])
    return None


def _raise_if(reason: str | None) -> None:
    if reason:
        raise ValidationError(reason)


def validate_domains(value) -> None:
    _raise_if(check_domains(value))


def validate_zones(value) -> None:
    _raise_if(check_zones(value))


def validate_countries(value) -> None:
    _raise_if(check_countries(value))


def validate_statuses(value) -> None:
    _raise_if(check_statuses(value))


def validate_nationalities(value) -> None:
    _raise_if(check_nationalities(value))


def validate_languages(value) -> None:
    _raise_if(check_languages(value))


def validate_departements(value) -> None:
    _raise_if(check_departements(value))
