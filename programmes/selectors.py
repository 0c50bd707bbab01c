"""Reads on programme sheets shared by the catalogue, the export, the matching, the admin's
« à revoir » flag and the advisors' proposals."""

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from programmes.sheet_data import SHEET_FIELDS, SheetData
from vocabulary import codes as voc
from vocabulary.formatting import format_date, format_weeks

from .models import ProgrammeProposal, ProgrammeSheet, ProposalKind
from .services import (
    MERGED_FIELDS,
    ProposalError,
    normalise_text,
    proposal_changes,
    proposal_fields,
)

#: PostgreSQL text search configuration: French stemming with accents removed (migration 0002).
SEARCH_CONFIG = "french_unaccent"


def published_sheets() -> QuerySet[ProgrammeSheet]:
    return ProgrammeSheet.objects.published()


def published_sheet_get(*, slug: str) -> ProgrammeSheet:
    return published_sheets().get(slug=slug)


def sheet_data(sheet: ProgrammeSheet) -> SheetData:
    return SheetData.from_fields({name: getattr(sheet, name) for name in SHEET_FIELDS})


def load_published_sheet_data() -> tuple[SheetData, ...]:
    """Every published sheet as the engine's SheetData, in one query (no cache)."""
    return tuple(SheetData.from_fields(row)
                 for row in published_sheets().order_by("slug").values(*SHEET_FIELDS))


class _SheetDataCache:
    """The converted published sheets, kept in process memory. Converting 5,000 rows costs
    far more than ranking them, so a match only asks the database for a version: the count of
    sheets and their latest ``updated_at`` (every save goes through programme_sheet_save,
    which bumps ``updated_at``; a deletion changes the count). The save service also clears
    this process's copy at once, so a save followed by a match in the same process never
    waits on the clock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entry: tuple[tuple[object, ...], tuple[SheetData, ...]] | None = None

    def clear(self) -> None:
        self._entry = None

    def get(self) -> tuple[SheetData, ...]:
        version = tuple(ProgrammeSheet.objects.aggregate(
            count=Count("id"), last=Max("updated_at"), last_id=Max("id")).values())
        entry = self._entry
        if entry is not None and entry[0] == version:
            return entry[1]
        with self._lock:
            data = load_published_sheet_data()
            self._entry = (version, data)
        return data


sheet_data_cache = _SheetDataCache()


def published_sheet_data() -> tuple[SheetData, ...]:
    """Every published sheet as the engine's SheetData: one small aggregate query when the
    sheets have not changed since the last call in this process (see _SheetDataCache)."""
    return sheet_data_cache.get()


def catalogue_sheets(*, query: str = "", domain: str = "", zone: str = "", country: str = "",
                     age: int | None = None) -> QuerySet[ProgrammeSheet]:
    """Published sheets for the public catalogue. Destination filters follow the engine: a
    zone matches a sheet reaching one of its countries (``filter_index``). The search is
    PostgreSQL full text in French ignoring accents, or on SQLite every word (accents
    removed) contained in ``search_text``."""
    sheets = published_sheets().defer("description", "search_text", "filter_index")
    if domain:
        sheets = sheets.filter(filter_index__contains=f" d:{domain} ")
    if zone:
        sheets = sheets.filter(filter_index__contains=f" z:{zone} ")
    if country:
        sheets = sheets.filter(filter_index__contains=f" c:{country} ")
    if age is not None:
        sheets = sheets.filter(Q(age_min__isnull=True) | Q(age_min__lte=age),
                               Q(age_max__isnull=True) | Q(age_max__gte=age))
    query = query.strip()
    if not query:
        return sheets.order_by("title", "slug")
    if settings.IS_POSTGRES:
        vector = (SearchVector("title", weight="A", config=SEARCH_CONFIG)
                  + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
                  + SearchVector("description", "organiser", weight="C", config=SEARCH_CONFIG))
        search = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
        return (sheets.annotate(search=vector).filter(search=search)
                .annotate(rank=SearchRank(vector, search)).order_by("-rank", "title", "slug"))
    for word in normalise_text(query).split():
        sheets = sheets.filter(search_text__contains=word)
    return sheets.order_by("title", "slug")


# --- Review ---------------------------------------------------------------------------------

def review_limit(*, on: date | None = None) -> date:
    """Sheets last reviewed before this date are « à revoir »."""
    return (on or timezone.localdate()) - relativedelta(months=settings.PROGRAMME_REVIEW_MONTHS)


def to_review_q(*, on: date | None = None) -> Q:
    return Q(last_reviewed__isnull=True) | Q(last_reviewed__lt=review_limit(on=on))


def sheets_to_review(*, on: date | None = None) -> QuerySet[ProgrammeSheet]:
    return ProgrammeSheet.objects.filter(to_review_q(on=on))


# --- Proposals -------------------------------------------------------------------------------

def proposals_for_proposer(*, user: User) -> QuerySet[ProgrammeProposal]:
    return ProgrammeProposal.objects.filter(proposer=user).select_related("sheet")


@dataclass(frozen=True)
class DiffLine:
    label: str
    old: str
    new: str
    #: The sheet was changed on this field after the advisor wrote the proposal.
    moved_since: bool = False


def _labels_of(codes: Iterable[str], labels: dict[str, str]) -> str:
    return ", ".join(labels.get(code, code) for code in codes)


def display_value(name: str, value: Any) -> str:
    """A sheet field's value as a coordinator reads it."""
    if value is None or value == "" or value == []:
        return "—"
    if name == "domains":
        return _labels_of(value, voc.choices_dict(voc.Domain))
    if name == "destination_zones":
        return _labels_of(value, voc.choices_dict(voc.Zone))
    if name == "destination_countries":
        return ", ".join(voc.country_name(code) for code in value)
    if name == "statuses":
        return "tous" if voc.ANY_STATUS in value else _labels_of(
            value, voc.choices_dict(voc.Status))
    if name == "nationalities":
        groups = {code: str(label) for code, label in voc.NATIONALITY_GROUP_LABELS.items()}
        return ", ".join(groups.get(code) or voc.country_name(code) for code in value)
    if name == "languages":
        return ", ".join(f"{voc.language_name(item['language'])} {item['level']} "
                         + ("(obligatoire)" if item["required"] else "(conseillé)")
                         for item in value)
    if name == "residence_departements":
        return ", ".join(f"{voc.DEPARTEMENTS.get(code, code)} ({code})" for code in value)
    if name == "verification":
        return str(voc.choices_dict(voc.Verification).get(value, value))
    if name == "education_min":
        return str(voc.choices_dict(voc.EducationLevel).get(value, value))
    if name == "age_reference":
        return str(voc.choices_dict(voc.AgeReference).get(value, value))
    if isinstance(value, Decimal):
        return format_weeks(value)
    if isinstance(value, date):
        return format_date(value)
    return str(value)


def _field_label(name: str) -> str:
    field = ProgrammeSheet._meta.get_field(name)
    return str(getattr(field, "verbose_name", name)).capitalize()


def proposal_diff(*, proposal: ProgrammeProposal) -> list[DiffLine]:
    """Field by field « current sheet → proposed »: every filled field of a new sheet, or the
    fields an update changes (an invalid content, which the submit service never stores,
    gives no line)."""
    try:
        proposed = proposal_fields(proposal.content)
        if proposal.kind == ProposalKind.NEW:
            return [DiffLine(_field_label(name), "—", display_value(name, proposed[name]))
                    for name in MERGED_FIELDS
                    if display_value(name, proposed[name]) != "—"]
        changed = proposal_changes(base=proposal.base or {}, content=proposal.content)
        base = proposal_fields(proposal.base)
    except ProposalError:
        return []
    sheet = proposal.sheet
    return [DiffLine(_field_label(name), display_value(name, getattr(sheet, name)),
                     display_value(name, proposed[name]),
                     moved_since=getattr(sheet, name) != base[name])
            for name in changed]
