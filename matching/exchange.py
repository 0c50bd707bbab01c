"""Reading and writing the mobility profile of the exchange format (a JSON object).

``profile_from_exchange`` validates every key strictly (unknown keys are errors) and returns the
engine's Profile; errors are collected and raised together in a ProfileFormatError.
"""


from typing import Any

from vocabulary import codes as voc
from vocabulary.exchange import (
    forbidden_characters,
    parse_code_list,
    parse_date,
    parse_weeks_range,
    weeks_to_json,
)

from .engine import Profile, Wishes

PROFILE_KEYS = {"birth_date", "postal_code", "nationality", "status", "education_level",
                "disability", "languages", "budget_eur", "wishes"}
REQUIRED_PROFILE_KEYS = {"birth_date"}
WISHES_KEYS = {"domains", "zones", "countries", "duration_weeks", "departure"}


class ProfileFormatError(ValueError):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def profile_from_exchange(data: object) -> Profile:
    """Validate a profile document and return the engine's Profile (ProfileFormatError)."""
    errors: list[str] = []
    if not isinstance(data, dict):
        raise ProfileFormatError(["profil : un objet JSON est attendu"])
    bad_characters = forbidden_characters(data)
    if bad_characters:  # before the checks that would echo the value
        raise ProfileFormatError([f"{where} : {reason}" for where, reason in bad_characters])
    for key in sorted(set(data) - PROFILE_KEYS):
        errors.append(f"{key} : clé inconnue")
    for key in sorted(REQUIRED_PROFILE_KEYS - set(data)):
        errors.append(f"{key} : clé obligatoire manquante")
    birth_date = parse_date(data.get("birth_date"), errors, "birth_date")
    postal_code = data.get("postal_code") or ""
    if not isinstance(postal_code, str) or (postal_code and not (
            len(postal_code) == 5 and postal_code.isdigit())):
        errors.append("postal_code : code postal à 5 chiffres attendu")
        postal_code = ""
    nationality = data.get("nationality")
    if nationality is not None and nationality not in voc.all_country_codes():
        errors.append("nationality : code pays ISO 3166-1 (ex. « FR ») attendu")
    status = data.get("status")
    if status is not None and status not in voc.Status.values:
        errors.append(f"status : statut inconnu : {status}")
    education = data.get("education_level")
    if education is not None and education not in voc.EDUCATION_RANK:
        errors.append(f"education_level : niveau inconnu : {education}")
    disability = data.get("disability", False)
    if not isinstance(disability, bool):
        errors.append("disability : true ou false attendu")
    languages: dict[str, str] = {}
    raw_languages = data.get("languages") or []
    if not isinstance(raw_languages, list):
        errors.append("languages : liste attendue")
        raw_languages = []
    for index, item in enumerate(raw_languages):
        where = f"languages[{index}]"
        if not isinstance(item, dict) or set(item) != {"language", "level"}:
            errors.append(f"{where} : objet {{\"language\", \"level\"}} attendu")
        elif item["language"] not in voc.ISO_639_1:
            errors.append(f"{where}.language : code de langue ISO 639-1 inconnu")
        elif item["level"] not in voc.CEFR_RANK:
            errors.append(f"{where}.level : niveau A1 à C2 attendu")
        elif item["language"] in languages:
            errors.append(f"{where} : langue en double")
        else:
            languages[item["language"]] = item["level"]
    budget = data.get("budget_eur")
    if budget is not None and (isinstance(budget, bool) or not isinstance(budget, int)
                               or budget < 0):
        errors.append("budget_eur : montant entier positif attendu")
        budget = None
    wishes = _parse_wishes(data.get("wishes"), errors)
    if errors or birth_date is None:  # a missing birth date is an error listed above
        raise ProfileFormatError(errors)
    return Profile(
        birth_date=birth_date, nationality=nationality, status=status,
        education_level=education, disability=disability, languages=languages,
        budget_eur=budget, postal_code=postal_code, wishes=wishes,
    )


def _parse_wishes(value: object, errors: list[str]) -> Wishes:
    if value is None:
        return Wishes()
    if not isinstance(value, dict):
        errors.append("wishes : objet attendu")
        return Wishes()
    for key in sorted(set(value) - WISHES_KEYS):
        errors.append(f"wishes.{key} : clé inconnue")
    low, high = parse_weeks_range(value.get("duration_weeks"), errors, "wishes.duration_weeks")
    return Wishes(
        domains=parse_code_list(value.get("domains"), set(voc.Domain.values), errors,
                                "wishes.domains"),
        zones=parse_code_list(value.get("zones"), set(voc.Zone.values), errors, "wishes.zones"),
        countries=parse_code_list(value.get("countries"), voc.all_country_codes(), errors,
                                  "wishes.countries"),
        duration_min_weeks=low,
        duration_max_weeks=high,
        departure=parse_date(value.get("departure"), errors, "wishes.departure"),
    )


def profile_to_exchange(profile: Profile) -> dict[str, Any]:
    wishes = profile.wishes
    return {
        "birth_date": profile.birth_date.isoformat(),
        "postal_code": profile.postal_code,
        "nationality": profile.nationality,
        "status": profile.status,
        "education_level": profile.education_level,
        "disability": profile.disability,
        "languages": [{"language": code, "level": level}
                      for code, level in profile.languages.items()],
        "budget_eur": profile.budget_eur,
        "wishes": {
            "domains": list(wishes.domains),
            "zones": list(wishes.zones),
            "countries": list(wishes.countries),
            "duration_weeks": {"min": weeks_to_json(wishes.duration_min_weeks),
                               "max": weeks_to_json(wishes.duration_max_weeks)},
            "departure": wishes.departure.isoformat() if wishes.departure else None,
        },
    }
