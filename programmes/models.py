"""Programme sheets (fiches dispositifs): one real mobility programme each.

Fields mirror the programme format of /work/shared/formats/exchange-format.md; list-valued
fields are JSON lists validated against vocabulary.codes (see programmes.validators).
``search_text`` and ``filter_index`` are denormalised columns kept up to date by
programmes.services so the catalogue can search and filter the same way on SQLite and
PostgreSQL.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from vocabulary.codes import (
    ANY_STATUS,
    DEPARTEMENTS,
    NATIONALITY_GROUP_LABELS,
    AgeReference,
    Domain,
    EducationLevel,
    Status,
    Verification,
    Zone,
    choices_dict,
    country_name,
    language_name,
)
from vocabulary.formatting import format_weeks_range

from . import validators


class Publication(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publiée")
    ARCHIVED = "archived", _("Archivée")


class ProgrammeSheetQuerySet(models.QuerySet["ProgrammeSheet"]):
    def published(self) -> "ProgrammeSheetQuerySet":
        return self.filter(publication=Publication.PUBLISHED)


class ProgrammeSheet(models.Model):
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    summary = models.CharField(_("résumé"), max_length=500)
    description = models.TextField(_("description (Markdown)"), blank=True)
    domains = models.JSONField(_("domaines"), default=list,
                               validators=[validators.validate_domains])
    destination_zones = models.JSONField(_("zones de destination"), default=list, blank=True,
                                         validators=[validators.validate_zones])
    destination_countries = models.JSONField(_("pays de destination"), default=list, blank=True,
                                             validators=[validators.validate_countries])
    age_min = models.PositiveSmallIntegerField(_("âge minimum"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("âge maximum"), null=True, blank=True)
    age_reference = models.CharField(_("âge apprécié"), max_length=20,
                                     choices=AgeReference.choices,
                                     default=AgeReference.APPLICATION)
    disability_age_max = models.PositiveSmallIntegerField(
        _("âge maximum en situation de handicap"), null=True, blank=True)
    statuses = models.JSONField(_("statuts acceptés"), default=validators.any_status,
                                validators=[validators.validate_statuses],
                                help_text=_('["any"] : tous les statuts.'))
    nationalities = models.JSONField(
        _("nationalités acceptées"), null=True, blank=True,
        validators=[validators.validate_nationalities],
        help_text=_("Vide : aucune condition. Codes pays, « EU » ou « EEA »."))
    education_min = models.CharField(_("niveau d'études minimum"), max_length=20, null=True,
                                     blank=True, choices=EducationLevel.choices)
    residence_departements = models.JSONField(
        _("réservé aux habitants des départements"), null=True, blank=True,
        validators=[validators.validate_departements],
        help_text=_("Vide : aucune condition de résidence. Le département est lu sur le code "
                    "postal de la personne."))
    languages = models.JSONField(
        _("langues"), default=list, blank=True, validators=[validators.validate_languages],
        help_text=_('Liste de {"language": "en", "level": "B1", "required": false}.'))
    duration_min_weeks = models.DecimalField(_("durée minimum (semaines)"), max_digits=6,
                                             decimal_places=2, null=True, blank=True)
    duration_max_weeks = models.DecimalField(_("durée maximum (semaines)"), max_digits=6,
                                             decimal_places=2, null=True, blank=True)
    budget_min_eur = models.PositiveIntegerField(_("budget conseillé (€)"), null=True,
                                                 blank=True)
    cost_participant_eur = models.PositiveIntegerField(_("coût pour le participant (€)"),
                                                       null=True, blank=True)
    funding = models.TextField(_("financements"), blank=True)
    application_deadline = models.DateField(_("date limite de candidature"), null=True,
                                            blank=True)
    application_periods = models.TextField(_("périodes de candidature"), blank=True)
    organiser = models.CharField(_("organisateur"), max_length=200, blank=True)
    url = models.URLField(_("lien officiel"), max_length=500)
    last_reviewed = models.DateField(_("dernière vérification"), null=True, blank=True)
    verification = models.CharField(_("conditions"), max_length=10,
                                    choices=Verification.choices, default=Verification.VERIFIED)
    verification_note = models.TextField(
        _("ce qui reste à vérifier"), blank=True,
        help_text=_("Obligatoire pour une fiche « à vérifier », vide pour une fiche vérifiée. "
                    "Montré aux jeunes et aux conseillers."))
    publication = models.CharField(_("publication"), max_length=20, choices=Publication,
                                   default=Publication.DRAFT)
    search_text = models.TextField(editable=False, blank=True)
    filter_index = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["search_text", "filter_index"])
    objects = ProgrammeSheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("fiche dispositif")
        verbose_name_plural = _("fiches dispositifs")
        ordering = ["title", "slug"]
        indexes = [models.Index(fields=["publication", "title"]),
                   # The matching cache's version query: max(updated_at) from the index.
                   models.Index(fields=["updated_at"], name="programme_updated_at_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(publication__in=Publication.values),
                name="programme_publication_valid",
                violation_error_message=_(
                    "Choisissez un état de publication de la liste : brouillon, publiée ou "
                    "archivée.")),
            models.CheckConstraint(
                condition=Q(age_reference__in=AgeReference.values),
                name="programme_age_reference_valid",
                violation_error_message=_(
                    "Choisissez la date à laquelle l'âge se compte : candidature ou départ.")),
            models.CheckConstraint(
                condition=Q(education_min__isnull=True)
                | Q(education_min__in=EducationLevel.values),
                name="programme_education_min_valid",
                violation_error_message=_(
                    "Choisissez un niveau d'études de la liste, ou laissez le champ vide.")),
            models.CheckConstraint(
                condition=Q(age_min__isnull=True) | Q(age_max__isnull=True)
                | Q(age_min__lte=F("age_max")),
                name="programme_age_range_ordered",
                violation_error_message=_(
                    "L'âge minimum doit être inférieur ou égal à l'âge maximum.")),
            models.CheckConstraint(
                condition=Q(age_max__isnull=True) | Q(disability_age_max__isnull=True)
                | Q(disability_age_max__gte=F("age_max")),
                name="programme_disability_age_extends",
                violation_error_message=_(
                    "L'âge maximum en situation de handicap doit être supérieur ou égal à l'âge "
                    "maximum.")),
            models.CheckConstraint(
                condition=Q(duration_min_weeks__isnull=True) | Q(duration_max_weeks__isnull=True)
                | Q(duration_min_weeks__lte=F("duration_max_weeks")),
                name="programme_duration_range_ordered",
                violation_error_message=_(
                    "La durée minimum (en semaines) doit être inférieure ou égale à la durée "
                    "maximum.")),
            models.CheckConstraint(
                condition=Q(duration_min_weeks__isnull=True) | Q(duration_min_weeks__gt=0),
                name="programme_duration_min_positive",
                violation_error_message=_(
                    "La durée minimum est d'au moins une semaine, ou laissez le champ vide.")),
            models.CheckConstraint(
                condition=Q(verification=Verification.VERIFIED, verification_note="")
                | (Q(verification=Verification.TO_VERIFY) & ~Q(verification_note="")),
                name="programme_verification_note",
                violation_error_message=_(
                    "Une fiche « à vérifier » dit ce qui reste à vérifier ; une fiche vérifiée "
                    "n'a pas de note à ce sujet.")),
        ]

    def __str__(self) -> str:
        return self.title

    # Display helpers for templates (French labels of the coded fields).
    @property
    def domain_labels(self) -> list[str]:
        labels = choices_dict(Domain)
        return [labels.get(code, code) for code in self.domains]

    @property
    def destination_labels(self) -> list[str]:
        zones = choices_dict(Zone)
        return ([zones.get(code, code) for code in self.destination_zones]
                + [country_name(code) for code in self.destination_countries])

    @property
    def status_labels(self) -> list[str]:
        if ANY_STATUS in self.statuses:
            return []
        labels = choices_dict(Status)
        return [labels.get(code, code) for code in self.statuses]

    @property
    def nationality_labels(self) -> list[str]:
        groups = {code: str(label) for code, label in NATIONALITY_GROUP_LABELS.items()}
        return [groups.get(code) or country_name(code) for code in self.nationalities or []]

    @property
    def language_lines(self) -> list[str]:
        return [f"{language_name(item['language']).capitalize()} {item['level']} "
                + ("(obligatoire)" if item["required"] else "(conseillé)")
                for item in self.languages]

    @property
    def residence_labels(self) -> list[str]:
        return [DEPARTEMENTS[code] for code in sorted(self.residence_departements or [])]

    @property
    def to_verify(self) -> bool:
        return self.verification == Verification.TO_VERIFY

    @property
    def duration_text(self) -> str:
        return format_weeks_range(self.duration_min_weeks, self.duration_max_weeks)


class ProposalKind(models.TextChoices):
    NEW = "new", _("Nouvelle fiche")
    UPDATE = "update", _("Modification d'une fiche")


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("En attente d'examen")
    ACCEPTED = "accepted", _("Acceptée")
    REJECTED = "rejected", _("Refusée")


class ProgrammeProposal(models.Model):
    """An advisor's proposal of a new sheet or of a change to one, reviewed by a coordinator.

    ``content`` is one element of the exchange format (validated by programmes.exchange);
    for an update, ``base`` is the sheet as it was when the advisor wrote the proposal, so
    that accepting it applies only what the advisor changed (a three-way merge)."""

    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                 null=True, related_name="programme_proposals",
                                 verbose_name=_("proposée par"))
    kind = models.CharField(_("type"), max_length=10, choices=ProposalKind)
    sheet = models.ForeignKey(ProgrammeSheet, on_delete=models.CASCADE, null=True, blank=True,
                              related_name="proposals", verbose_name=_("fiche"),
                              help_text=_("La fiche modifiée, ou celle créée à l'acceptation."))
    content = models.JSONField(_("contenu proposé"))
    base = models.JSONField(_("fiche au moment de la proposition"), null=True, blank=True)
    note = models.TextField(_("message au coordinateur"), blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=ProposalStatus,
                              default=ProposalStatus.SUBMITTED)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+",
                                 verbose_name=_("examinée par"))
    reviewed_at = models.DateTimeField(_("examinée le"), null=True, blank=True)
    rejection_reason = models.TextField(_("motif du refus"), blank=True)
    notified_at = models.DateTimeField(_("conseiller·ère prévenu·e le"), null=True, blank=True)
    created_at = models.DateTimeField(_("proposée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("proposition de fiche")
        verbose_name_plural = _("propositions de fiches")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ProposalKind.values),
                                   name="proposal_kind_valid",
                                   violation_error_message=_(
                                       "Choisissez un type de proposition : nouvelle fiche ou "
                                       "modification d'une fiche.")),
            models.CheckConstraint(condition=Q(status__in=ProposalStatus.values),
                                   name="proposal_status_valid",
                                   violation_error_message=_(
                                       "Choisissez un statut de la liste : en attente d'examen, "
                                       "acceptée ou refusée.")),
            models.CheckConstraint(
                condition=~Q(kind=ProposalKind.UPDATE) | Q(sheet__isnull=False),
                name="proposal_update_has_sheet",
                violation_error_message=_(
                    "Une proposition de modification doit désigner la fiche à modifier.")),
            models.CheckConstraint(
                condition=Q(status=ProposalStatus.SUBMITTED, reviewed_at__isnull=True)
                | (~Q(status=ProposalStatus.SUBMITTED) & Q(reviewed_at__isnull=False)),
                name="proposal_reviewed_at_iff_reviewed",
                violation_error_message=_(
                    "La date d'examen est renseignée pour une proposition acceptée ou refusée, et"
                    " vide pour une proposition en attente.")),
            models.CheckConstraint(
                condition=~Q(status=ProposalStatus.REJECTED) | ~Q(rejection_reason=""),
                name="proposal_rejection_has_reason",
                violation_error_message=_("Un refus se motive : écrivez le motif du refus.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} : {self.title}"

    @property
    def title(self) -> str:
        return str(self.content.get("title", "")) if isinstance(self.content, dict) else ""


class ReviewDigest(models.Model):
    """The monthly email listing the sheets to review: one row per month sent, so a second
    run in the same month sends nothing."""

    month = models.DateField(_("mois"), unique=True, help_text=_("Premier jour du mois."))
    sent_at = models.DateTimeField(_("envoyé le"))
    sheet_count = models.PositiveIntegerField(_("fiches à revoir"))

    class Meta:
        verbose_name = _("rappel mensuel des fiches à revoir")
        verbose_name_plural = _("rappels mensuels des fiches à revoir")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y}"
