"""A programme sheet as a plain value: what the matching engine reads (matching.engine), built
from the model's field values (programmes.selectors) or from an imported JSON sheet
(programmes.exchange). It holds no ORM object, so the engine stays a pure function.

Public names: ``SheetData`` (with ``SheetData.from_fields``), ``LanguageRequirement``,
``SHEET_FIELDS`` (the ProgrammeSheet fields ``from_fields`` reads), ``VERIFIED`` and
``TO_VERIFY`` (the ``verification`` values).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from vocabulary import codes as voc

_NO_MIN = float("-inf")
_NO_MAX = float("inf")
VERIFIED = voc.Verification.VERIFIED.value
TO_VERIFY = voc.Verification.TO_VERIFY.value


#: Equal destination sets share one object, so the per-profile memo of destination values
#: (see matching.engine._destination_value) compares them by identity.
_INTERNED: dict[frozenset[str], frozenset[str]] = {}


def _intern(value: frozenset[str]) -> frozenset[str]:
    return _INTERNED.setdefault(value, value)


@dataclass(frozen=True, slots=True)
class LanguageRequirement:
    language: str
    level: str
    required: bool


@dataclass(frozen=True, slots=True)
class SheetData:
    """A programme sheet as the engine needs it, with derived sets precomputed once.

    ``residence``: département codes (None: no condition). ``verification``: VERIFIED or
    TO_VERIFY, with ``verification_note`` saying what is to verify. ``title`` and
    ``last_reviewed`` serve the tie rule (see the module docstring)."""

    slug: str
    domains: tuple[str, ...]
    destination_zones: tuple[str, ...] = ()
    destination_countries: tuple[str, ...] = ()
    age_min: int | None = None
    age_max: int | None = None
    age_reference: str = voc.AgeReference.APPLICATION.value
    disability_age_max: int | None = None
    statuses: tuple[str, ...] = (voc.ANY_STATUS,)
    nationalities: tuple[str, ...] | None = None
    education_min: str | None = None
    languages: tuple[LanguageRequirement, ...] = ()
    duration_min_weeks: Decimal | None = None
    duration_max_weeks: Decimal | None = None
    budget_min_eur: int | None = None
    application_deadline: date | None = None
    residence: tuple[str, ...] | None = None
    verification: str = VERIFIED
    verification_note: str = ""
    title: str = ""
    last_reviewed: date | None = None
    # Derived once here, so that matching is only set and integer operations.
    _countries: frozenset[str] = field(init=False, repr=False, compare=False)
    _named: frozenset[str] = field(init=False, repr=False, compare=False)
    _worldwide: bool = field(init=False, repr=False, compare=False)
    _status_set: frozenset[str] | None = field(init=False, repr=False, compare=False)
    _nationality_set: frozenset[str] | None = field(init=False, repr=False, compare=False)
    _residence_set: frozenset[str] | None = field(init=False, repr=False, compare=False)
    _education_rank: int | None = field(init=False, repr=False, compare=False)
    # (language, rank, line prefix « Niveau d'anglais B2 demandé : »)
    _required: tuple[tuple[str, int, str], ...] = field(init=False, repr=False, compare=False)
    _recommended: tuple[tuple[str, int, str], ...] = field(init=False, repr=False,
                                                           compare=False)
    _duration: tuple[float, float] = field(init=False, repr=False, compare=False)
    _reviewed: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        zone_countries = voc.zone_countries()
        worldwide = voc.Zone.WORLDWIDE in self.destination_zones
        if worldwide:
            countries = zone_countries[voc.Zone.WORLDWIDE]
        else:
            countries = frozenset(self.destination_countries).union(
                *(zone_countries[zone] for zone in self.destination_zones))
        nationalities = None
        if self.nationalities is not None:
            nationalities = frozenset(self.nationalities).union(
                *(voc.NATIONALITY_GROUPS.get(code, ()) for code in self.nationalities))
        of = voc.of_language_labels()
        setattr_ = object.__setattr__
        setattr_(self, "_countries", _intern(countries))
        setattr_(self, "_named", _intern(frozenset(self.destination_countries)))
        setattr_(self, "_worldwide", worldwide)
        setattr_(self, "_status_set",
                 None if voc.ANY_STATUS in self.statuses else frozenset(self.statuses))
        setattr_(self, "_nationality_set", nationalities)
        setattr_(self, "_residence_set",
                 None if self.residence is None else frozenset(self.residence))
        setattr_(self, "_education_rank",
                 None if self.education_min is None else voc.EDUCATION_RANK[self.education_min])
        setattr_(self, "_required", tuple(
            (lang.language, voc.CEFR_RANK[lang.level],
             f"Niveau {of[lang.language]} {lang.level} demandé : ")
            for lang in self.languages if lang.required))
        setattr_(self, "_recommended", tuple(
            (lang.language, voc.CEFR_RANK[lang.level],
             f"Niveau {of[lang.language]} {lang.level} conseillé : ")
            for lang in self.languages if not lang.required))
        setattr_(self, "_duration", (
            _NO_MIN if self.duration_min_weeks is None else float(self.duration_min_weeks),
            _NO_MAX if self.duration_max_weeks is None else float(self.duration_max_weeks)))
        setattr_(self, "_reviewed",
                 0 if self.last_reviewed is None else self.last_reviewed.toordinal())

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> SheetData:
        """Build from ProgrammeSheet field values (a model instance's or a ``.values()`` row)."""
        residence = fields.get("residence_departements")
        return cls(
            slug=fields["slug"],
            domains=tuple(fields["domains"]),
            destination_zones=tuple(fields.get("destination_zones") or ()),
            destination_countries=tuple(fields.get("destination_countries") or ()),
            age_min=fields.get("age_min"),
            age_max=fields.get("age_max"),
            age_reference=fields.get("age_reference") or voc.AgeReference.APPLICATION.value,
            disability_age_max=fields.get("disability_age_max"),
            statuses=tuple(fields.get("statuses") or (voc.ANY_STATUS,)),
            nationalities=(None if fields.get("nationalities") is None
                           else tuple(fields["nationalities"])),
            education_min=fields.get("education_min"),
            languages=tuple(LanguageRequirement(item["language"], item["level"],
                                                bool(item["required"]))
                            for item in fields.get("languages") or ()),
            duration_min_weeks=fields.get("duration_min_weeks"),
            duration_max_weeks=fields.get("duration_max_weeks"),
            budget_min_eur=fields.get("budget_min_eur"),
            application_deadline=fields.get("application_deadline"),
            residence=None if residence is None else tuple(residence),
            verification=fields.get("verification") or VERIFIED,
            verification_note=fields.get("verification_note") or "",
            title=fields.get("title") or "",
            last_reviewed=fields.get("last_reviewed"),
        )


#: The ProgrammeSheet fields SheetData.from_fields reads (for ``.values(*SHEET_FIELDS)``).
SHEET_FIELDS = (
    "slug", "domains", "destination_zones", "destination_countries", "age_min", "age_max",
    "age_reference", "disability_age_max", "statuses", "nationalities", "education_min",
    "languages", "duration_min_weeks", "duration_max_weeks", "budget_min_eur",
    "application_deadline", "residence_departements", "verification", "verification_note",
    "title", "last_reviewed",
)
