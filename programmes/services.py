"""Writes on programme sheets. Every save goes through ``programme_sheet_save`` so the
denormalised search and filter columns stay in step with the sheet."""

import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from matching import vocabulary as voc

from .exchange import IMPORTED_FIELDS
from .models import ProgrammeSheet


class ProgrammeImportError(Exception):
    """The file was rejected; ``errors`` lists every « slug: field: reason »."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(_("Import refusé : %(count)d erreur(s).") % {"count": len(errors)})


def normalise_text(text: str) -> str:
    """Lower case without accents (« Échange » → « echange »), for the portable search."""
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def build_search_text(sheet: ProgrammeSheet) -> str:
    return normalise_text(" ".join([sheet.title, sheet.summary, sheet.description,
                                    sheet.organiser]))


def build_filter_index(sheet: ProgrammeSheet) -> str:
    """Space-delimited tokens the catalogue filters on with one ``contains`` lookup each:
    ``d:<domain>``, ``c:<country>`` for every country the sheet reaches (zones expanded) and
    ``z:<zone>`` for every zone it touches (the engine's rule: a zone containing one of the
    sheet's countries)."""
    zone_countries = voc.zone_countries()
    countries = set(sheet.destination_countries)
    for zone in sheet.destination_zones:
        countries |= zone_countries[zone]
    zones = set(sheet.destination_zones)
    country_zones = voc.country_zones()
    for code in countries:
        zones |= country_zones.get(code, frozenset())
    tokens = ([f"d:{code}" for code in sheet.domains] + [f"z:{code}" for code in sorted(zones)]
              + [f"c:{code}" for code in sorted(countries)])
    return f" {' '.join(tokens)} "


def programme_sheet_save(*, sheet: ProgrammeSheet) -> ProgrammeSheet:
    """Validate and save a sheet (admin, import, demo)."""
    sheet.search_text = build_search_text(sheet)
    sheet.filter_index = build_filter_index(sheet)
    sheet.full_clean()
    sheet.save()
    return sheet


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def programmes_import(*, sheets: list[dict], dry_run: bool = False) -> ImportReport:
    """Create or update sheets by slug in one transaction; a sheet whose values are the same
    is not saved at all (so importing an export changes nothing, not even timestamps).
    ``sheets`` are field dicts from programmes.exchange.parse_programmes (already valid)."""
    report = ImportReport()
    errors: list[str] = []
    with transaction.atomic():
        existing = ProgrammeSheet.objects.select_for_update().in_bulk(
            [fields["slug"] for fields in sheets], field_name="slug")
        for fields in sheets:
            slug = fields["slug"]
            sheet = existing.get(slug)
            if sheet is None:
                sheet = ProgrammeSheet(slug=slug)
                target = report.created
            elif all(getattr(sheet, name) == fields[name] for name in IMPORTED_FIELDS):
                report.unchanged.append(slug)
                continue
            else:
                target = report.updated
            for name in IMPORTED_FIELDS:
                setattr(sheet, name, fields[name])
            try:
                programme_sheet_save(sheet=sheet)
            except ValidationError as error:
                errors.extend(f"{slug}: {name}: {' '.join(messages)}"
                              for name, messages in error.message_dict.items())
                continue
            target.append(slug)
        if errors:
            transaction.set_rollback(True)
            raise ProgrammeImportError(errors)
        if dry_run:
            transaction.set_rollback(True)
    return report
