"""Writes on programme sheets. Every save goes through ``programme_sheet_save`` so the
denormalised search and filter columns stay in step with the sheet."""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from advisors.selectors import user_is_current_advisor
from somobilite.celery import publish_on_commit
from somobilite.history import UNSET, history_stamp
from vocabulary import codes as voc
from vocabulary.exchange import weeks_to_json

from . import validators
from .exchange import IMPORTED_FIELDS, parse_programme, sheet_to_exchange
from .models import (
    ProgrammeProposal,
    ProgrammeSheet,
    ProposalKind,
    ProposalStatus,
    Publication,
)


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
    ``z:<zone>`` for every zone it names or really reaches. As in the matching, a zone reached
    only through countries straddling two continents (Turkey, the Caucasus for Europe) is not
    reached, unless the sheet goes nowhere else (a programme in Turkey is in both)."""
    zone_countries = voc.zone_countries()
    countries = set(sheet.destination_countries)
    for zone in sheet.destination_zones:
        countries |= zone_countries[zone]
    zones = set(sheet.destination_zones)
    country_zones = voc.country_zones()
    for code in (countries - voc.transcontinental_countries().keys()) or countries:
        zones |= country_zones.get(code, frozenset())
    tokens = ([f"d:{code}" for code in sheet.domains] + [f"z:{code}" for code in sorted(zones)]
              + [f"c:{code}" for code in sorted(countries)])
    return f" {' '.join(tokens)} "


def programme_sheet_save(*, sheet: ProgrammeSheet, by: User | None = None, reason: str = ""
                         ) -> ProgrammeSheet:
    """Validate and save a sheet (admin, import, demo, accepted proposals); ``by`` and
    ``reason`` go to the sheet's history."""
    sheet.search_text = build_search_text(sheet)
    sheet.filter_index = build_filter_index(sheet)
    sheet.full_clean()
    history_stamp(sheet, by=UNSET if by is None else by, reason=reason or None)
    sheet.save()
    from .selectors import sheet_data_cache  # the matching's copy of the published sheets

    sheet_data_cache.clear()
    return sheet


def _field_name(name: str) -> str:
    """The French name of the sheet's field ``name`` (its verbose name, « coût pour le
    participant (€) »), for a model validation error; the name itself for ``__all__``."""
    try:
        field = ProgrammeSheet._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def programmes_import(*, sheets: list[dict[str, Any]], dry_run: bool = False) -> ImportReport:
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
                errors.extend(f"{slug}: {_field_name(name)}: {' '.join(messages)}"
                              for name, messages in error.message_dict.items())
                continue
            target.append(slug)
        if errors:
            transaction.set_rollback(True)
            raise ProgrammeImportError(errors)
        if dry_run:
            transaction.set_rollback(True)
    return report


# --- Advisors' proposals -------------------------------------------------------------------

class ProposalError(Exception):
    """A proposal was refused; ``errors`` maps a format path (« age.max ») to its reasons
    when the content itself is invalid."""

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None):
        self.message = message
        self.errors = errors or {}
        super().__init__(message)


#: Sheet fields an accepted update may change (never the slug nor the publication state;
#: ``last_reviewed`` is set to the review date).
MERGED_FIELDS = tuple(name for name in IMPORTED_FIELDS
                      if name not in ("publication", "last_reviewed"))


def proposal_fields(content: object) -> dict[str, Any]:
    """The sheet field values of a proposal's content, checked by the import parser."""
    errors: list[str] = []
    label = content.get("slug") if isinstance(content, dict) else None
    fields = parse_programme(content, str(label or "proposition"), errors)
    if errors or fields is None:  # None comes with errors
        by_path: dict[str, list[str]] = {}
        for message in errors:
            _label, _sep, rest = message.partition(": ")
            where, _sep, reason = rest.partition(": ")
            by_path.setdefault(where, []).append(reason)
        raise ProposalError(_("La proposition contient des erreurs : corrigez les champs "
                              "signalés."), by_path)
    return fields


def proposal_changes(*, base: dict[str, Any], content: dict[str, Any]) -> list[str]:
    """The sheet fields a proposal changes compared with the sheet it started from."""
    before, after = proposal_fields(base), proposal_fields(content)
    return [name for name in MERGED_FIELDS if before[name] != after[name]]


def _new_slug(title: str) -> str:
    return slugify(title)[:100].strip("-") or "fiche"


def proposal_content_build(*, values: dict[str, Any], sheet: ProgrammeSheet | None
                           ) -> dict[str, Any]:
    """The exchange-format element for the advisor form's values: for an update, the
    published sheet with the form's fields replaced (the fields the form does not show,
    such as nationalities, are kept as they are)."""
    content: dict[str, Any] = sheet_to_exchange(sheet) if sheet is not None else {
        "slug": _new_slug(values["title"]), "publication": Publication.PUBLISHED.value}
    deadline = values.get("application_deadline")
    content.update({
        "title": values["title"],
        "summary": values["summary"],
        "description": values.get("description", ""),
        "domains": list(values["domains"]),
        "destinations": {"zones": list(values.get("destination_zones") or []),
                         "countries": list(values.get("destination_countries") or [])},
        "age": {**content.get("age", {}), "min": values.get("age_min"),
                "max": values.get("age_max")},
        "statuses": list(values.get("statuses") or validators.any_status()),
        "languages": list(values.get("languages") or []),
        "duration_weeks": {"min": weeks_to_json(values.get("duration_min_weeks")),
                           "max": weeks_to_json(values.get("duration_max_weeks"))},
        "budget_min_eur": values.get("budget_min_eur"),
        "cost": {"participant_eur": values.get("cost_participant_eur"),
                 "funding": values.get("funding", "")},
        "application": {"deadline": deadline.isoformat() if deadline else None,
                        "periods": values.get("application_periods", "")},
        "organiser": values.get("organiser", ""),
        "url": values["url"],
    })
    return content


def proposal_submit(*, proposer: User, content: dict[str, Any], note: str = "",
                    sheet: ProgrammeSheet | None = None) -> ProgrammeProposal:
    """Record an advisor's proposal: a new sheet, or a change to the published ``sheet``.
    The content is checked with the import parser (ProposalError.errors by format path)."""
    if not user_is_current_advisor(proposer):
        raise ProposalError(_("Seuls les conseillers et conseillères désignés par une "
                              "structure peuvent proposer une fiche."))
    content = dict(content)
    if sheet is not None:
        if sheet.publication != Publication.PUBLISHED:
            raise ProposalError(_("Seules les fiches publiées peuvent faire l'objet d'une "
                                  "proposition de modification."))
        content["slug"] = sheet.slug
        base = sheet_to_exchange(sheet)
        proposal_fields(content)
        if not proposal_changes(base=base, content=content):
            raise ProposalError(_("Votre proposition ne change rien à la fiche publiée."))
    else:
        base = None
        proposal_fields(content)
    return ProgrammeProposal.objects.create(
        proposer=proposer, kind=ProposalKind.UPDATE if sheet else ProposalKind.NEW,
        sheet=sheet, content=content, base=base, note=note.strip())


def _lock_submitted(proposal: ProgrammeProposal, reviewer: User) -> ProgrammeProposal:
    if not reviewer.is_coordinator:
        raise ProposalError(_("Seule la coordination examine les propositions."))
    locked = (ProgrammeProposal.objects.select_for_update(of=("self",)).select_related("proposer")
              .get(pk=proposal.pk))
    if locked.status != ProposalStatus.SUBMITTED:
        raise ProposalError(_("Cette proposition a déjà été examinée (%(status)s).")
                            % {"status": locked.get_status_display().lower()})
    return locked


def _unique_slug(slug: str) -> str:
    taken = set(ProgrammeSheet.objects.filter(slug__startswith=slug)
                .values_list("slug", flat=True))
    candidate, n = slug, 2
    while candidate in taken:
        suffix = f"-{n}"
        candidate, n = slug[:100 - len(suffix)] + suffix, n + 1
    return candidate


def _notify_after_commit(proposal: ProgrammeProposal) -> None:
    from .tasks import proposal_outcome_email_send

    publish_on_commit(proposal_outcome_email_send, proposal.pk)


def proposal_accept(*, proposal: ProgrammeProposal, reviewer: User, now: datetime,
                    comment: str = "") -> ProgrammeSheet:
    """Accept a proposal: a new sheet is created published, an update is merged into its
    sheet (only the fields the advisor changed). Both count as a review of the sheet."""
    with transaction.atomic():
        proposal = _lock_submitted(proposal, reviewer)
        fields = proposal_fields(proposal.content)
        proposer = proposal.proposer
        reason = _("Proposition n° %(id)s de %(name)s acceptée") % {
            "id": proposal.pk, "name": proposer or _("(compte supprimé)")}
        if comment.strip():
            reason += f" : {comment.strip()}"
        changed: Sequence[str]
        if proposal.kind == ProposalKind.NEW:
            sheet = ProgrammeSheet(slug=_unique_slug(fields["slug"]))
            changed = MERGED_FIELDS
        else:
            if proposal.sheet_id is None:  # deleting a sheet deletes its proposals
                raise ProposalError(_("La fiche de cette proposition n'existe plus."))
            sheet = ProgrammeSheet.objects.select_for_update().get(pk=proposal.sheet_id)
            changed = proposal_changes(base=proposal.base or {}, content=proposal.content)
        for name in changed:
            setattr(sheet, name, fields[name])
        if proposal.kind == ProposalKind.NEW:
            sheet.publication = Publication.PUBLISHED
        sheet.last_reviewed = timezone.localdate(now)
        try:
            programme_sheet_save(sheet=sheet, by=reviewer, reason=reason)
        except ValidationError as error:
            raise ProposalError(
                _("La fiche obtenue n'est pas valide : %(errors)s") % {"errors": "; ".join(
                    f"{_field_name(name)} : {' '.join(messages)}"
                    for name, messages in error.message_dict.items())}) from error
        proposal.sheet = sheet
        proposal.status = ProposalStatus.ACCEPTED
        proposal.reviewer = reviewer
        proposal.reviewed_at = now
        proposal.save(update_fields=["sheet", "status", "reviewer", "reviewed_at",
                                     "updated_at"])
        _notify_after_commit(proposal)
    return sheet


def proposal_reject(*, proposal: ProgrammeProposal, reviewer: User, now: datetime,
                    reason: str) -> ProgrammeProposal:
    """Refuse a proposal with a reason the advisor receives by email."""
    if not reason.strip():
        raise ProposalError(_("Indiquez le motif du refus : il est envoyé au conseiller."))
    with transaction.atomic():
        proposal = _lock_submitted(proposal, reviewer)
        proposal.status = ProposalStatus.REJECTED
        proposal.reviewer = reviewer
        proposal.reviewed_at = now
        proposal.rejection_reason = reason.strip()
        proposal.save(update_fields=["status", "reviewer", "reviewed_at", "rejection_reason",
                                     "updated_at"])
        _notify_after_commit(proposal)
    return proposal
