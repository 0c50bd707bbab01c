"""Reads on programme sheets shared by the catalogue, the export and the matching."""

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import Q, QuerySet

from matching.engine import SHEET_FIELDS, SheetData

from .models import ProgrammeSheet
from .services import normalise_text

#: PostgreSQL text search configuration: French stemming with accents removed (migration 0002).
SEARCH_CONFIG = "french_unaccent"


def published_sheets() -> QuerySet[ProgrammeSheet]:
    return ProgrammeSheet.objects.published()


def published_sheet_get(*, slug: str) -> ProgrammeSheet:
    return published_sheets().get(slug=slug)


def sheet_data(sheet: ProgrammeSheet) -> SheetData:
    return SheetData.from_fields({name: getattr(sheet, name) for name in SHEET_FIELDS})


def published_sheet_data() -> list[SheetData]:
    """Every published sheet as the engine's SheetData, in one query."""
    return [SheetData.from_fields(row)
            for row in published_sheets().order_by("slug").values(*SHEET_FIELDS)]


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
