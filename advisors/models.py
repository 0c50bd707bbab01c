"""Partner network: structures, their conventions with the CRIJ, advisors and training.

Business rules (convention state, training status) live in conventions.py / selectors.py;
models hold data and the constraints the database can enforce.
"""

import uuid

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from vocabulary.dates import is_plausible_day, validate_plausible_day
from vocabulary.phones import FrenchPhoneNumberField as PhoneNumberField

from .conventions import (
    ConventionEventKind,
    convention_date_errors,
    convention_overlap_message,
    convention_overlapping,
)
from .validators import (
    DEPARTEMENT_CHOICES,
    NOUVELLE_AQUITAINE_DEPARTEMENTS,
    REGION_LATITUDE,
    REGION_LONGITUDE,
    validate_departement,
    validate_designated_account,
    validate_designation_date,
    validate_postal_code_in_region,
    validate_postal_code_of_departement,
    validate_region_latitude,
    validate_region_longitude,
    validate_siret,
)


class StructureKind(models.TextChoices):
    CRIJ_SITE = "crij_site", _("Site du CRIJ")
    INFO_JEUNES = "info_jeunes", _("Structure Info Jeunes")
    OTHER = "other", _("Autre structure")


class StructureStatus(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    ACCEPTED = "accepted", _("Acceptée")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Sortie du réseau")


class Structure(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    legal_name = models.CharField(_("raison sociale"), max_length=200)
    public_name = models.CharField(_("nom public"), max_length=200)
    slug = models.SlugField(_("identifiant d'URL"), max_length=120, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=StructureKind,
                            default=StructureKind.INFO_JEUNES)
    siret = models.CharField(_("SIRET"), max_length=14, validators=[validate_siret])
    address = models.CharField(_("adresse"), max_length=255)
    postal_code = models.CharField(_("code postal"), max_length=5,
                                   validators=[validate_postal_code_in_region])
    commune = models.CharField(_("commune"), max_length=120)
    departement = models.CharField(_("département"), max_length=2, choices=DEPARTEMENT_CHOICES,
                                   validators=[validate_departement])
    phone = PhoneNumberField(_("téléphone"))
    email = models.EmailField(_("e-mail de contact"))
    description = models.TextField(_("présentation publique"), blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[validate_region_latitude],
        help_text=_("Degrés décimaux, par exemple 44,8378 pour Bordeaux."))
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[validate_region_longitude],
        help_text=_("Degrés décimaux, négative à l'ouest de Greenwich, par exemple -0,5792 "
                    "pour Bordeaux."))
    status = models.CharField(_("statut"), max_length=20, choices=StructureStatus,
                              default=StructureStatus.CANDIDATE)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["departement", "public_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(departement__in=list(NOUVELLE_AQUITAINE_DEPARTEMENTS)),
                name="structure_departement_in_region",
                violation_error_message=_(
                    "Choisissez un département de Nouvelle-Aquitaine (16, 17, 19, 23, 24, 33, 40,"
                    " 47, 64, 79, 86 ou 87).")
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in StructureStatus]),
                name="structure_status_valid",
                violation_error_message=_(
                    "Choisissez un statut de la liste : candidate, acceptée, active ou sortie du "
                    "réseau.")
            ),
            models.CheckConstraint(
                condition=Q(postal_code__regex=r"^[0-9]{5}$"),
                name="structure_postal_code_5_digits",
                violation_error_message=_("Code postal : tapez 5 chiffres, par exemple 33000.")),
            # The map's box (validators.REGION_LATITUDE / REGION_LONGITUDE, with their source).
            models.CheckConstraint(
                condition=Q(latitude__isnull=True)
                | Q(latitude__gte=REGION_LATITUDE[0], latitude__lte=REGION_LATITUDE[1]),
                name="structure_latitude_in_region",
                violation_error_message=_(
                    "La latitude doit être entre 42,5 et 47,45 : la structure est en "
                    "Nouvelle-Aquitaine.")),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True)
                | Q(longitude__gte=REGION_LONGITUDE[0], longitude__lte=REGION_LONGITUDE[1]),
                name="structure_longitude_in_region",
                violation_error_message=_(
                    "La longitude doit être entre -2,05 et 2,85 : la structure est en "
                    "Nouvelle-Aquitaine.")),
        ]

    def __str__(self) -> str:
        return f"{self.public_name} ({self.commune})"

    def clean(self) -> None:
        """The postal code belongs to a commune of the chosen département
        (``validate_postal_code_of_departement``), checked once both fields are valid on
        their own. Raises ``ValidationError`` on ``postal_code``."""
        super().clean()
        if (self.departement in NOUVELLE_AQUITAINE_DEPARTEMENTS and self.postal_code
                and len(self.postal_code) == 5 and self.postal_code.isdigit()):
            try:
                validate_postal_code_of_departement(self.postal_code, self.departement)
            except ValidationError as error:
                raise ValidationError({"postal_code": error}) from None


class StructureStatusChange(models.Model):
    """One row per status change, so the date of each step (candidate → … → ended) is kept."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE,
                                  related_name="status_changes")
    status = models.CharField(_("statut"), max_length=20, choices=StructureStatus)
    changed_on = models.DateField(_("date"), validators=[validate_plausible_day])
    note = models.CharField(_("commentaire"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("changement de statut")
        verbose_name_plural = _("changements de statut")
        ordering = ["structure", "changed_on", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} le {self.changed_on:%d/%m/%Y}"


class Convention(models.Model):
    """The labelling convention between the CRIJ and one structure (SPEC §2, seeds article 5–10).

    Only facts are stored (dates of signature, letters received, answers); the state and end
    date on any day are computed by ``advisors.conventions.convention_status``.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="conventions",
                                  verbose_name=_("structure"))
    crij_signatory_name = models.CharField(_("signataire pour le CRIJ"), max_length=150)
    crij_signatory_title = models.CharField(_("qualité du signataire CRIJ"), max_length=150)
    partner_signatory_name = models.CharField(_("signataire pour la structure"), max_length=150)
    partner_signatory_title = models.CharField(_("qualité du signataire de la structure"),
                                               max_length=150)
    signed_on = models.DateField(_("date de signature"), null=True, blank=True,
                                 validators=[validate_plausible_day])
    services_start_on = models.DateField(_("début des services"), null=True, blank=True,
                                         validators=[validate_plausible_day])
    termination_letter_received_on = models.DateField(
        _("réception du courrier de résiliation"), null=True, blank=True,
        validators=[validate_plausible_day],
        help_text=_("Date de réception par le CRIJ du courrier recommandé de la structure."))
    termination_requested_end_on = models.DateField(
        _("date de fin demandée"), null=True, blank=True,
        validators=[validate_plausible_day],
        help_text=_("Facultatif : une date plus tardive que le préavis minimal de deux mois."))
    formal_notice_received_on = models.DateField(
        _("réception de la mise en demeure"), null=True, blank=True,
        validators=[validate_plausible_day],
        help_text=_("Date de réception par la structure de la mise en demeure du CRIJ."))
    formal_notice_answered_on = models.DateField(
        _("réponse à la mise en demeure"), null=True, blank=True,
        validators=[validate_plausible_day])
    notes = models.TextField(_("notes internes"), blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")
        ordering = ["structure", "-signed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(services_start_on__isnull=True) | Q(signed_on__isnull=False),
                name="convention_services_start_needs_signature",
                violation_error_message=_(
                    "Indiquez la date de signature avant la date de début des services.")
            ),
            models.CheckConstraint(
                condition=Q(services_start_on__isnull=True) | Q(signed_on__isnull=True)
                | Q(services_start_on__gte=models.F("signed_on")),
                name="convention_services_start_after_signature",
                violation_error_message=_(
                    "Les services ne peuvent pas commencer avant la signature de la convention : "
                    "indiquez le jour de la signature ou un jour suivant.")
            ),
            models.CheckConstraint(
                condition=Q(formal_notice_answered_on__isnull=True)
                | Q(formal_notice_received_on__isnull=False),
                name="convention_answer_needs_formal_notice",
                violation_error_message=_(
                    "Une réponse à la mise en demeure suppose une mise en demeure reçue : "
                    "enregistrez d'abord sa date de réception.")
            ),
            models.CheckConstraint(
                condition=Q(termination_letter_received_on__isnull=True)
                | Q(signed_on__isnull=False),
                name="convention_termination_needs_signature",
                violation_error_message=_(
                    "Un courrier de résiliation ne s'enregistre que sur une convention signée : "
                    "indiquez d'abord la date de signature.")
            ),
        ]

    def __str__(self) -> str:
        signed = f"{self.signed_on:%d/%m/%Y}" if self.signed_on else "non signée"
        return f"Convention {self.structure.public_name} ({signed})"

    def clean(self) -> None:
        """The date rules (``conventions.convention_date_errors``, today's Paris date) and one
        convention at a time per structure (``conventions.convention_overlapping``): the
        check every database runs before the PostgreSQL exclusion constraint
        ``convention_one_in_force_per_structure`` has the last word. Raises
        ``ValidationError`` by field, in French (tester t9b F13)."""
        super().clean()
        errors = convention_date_errors(self, today=timezone.localdate())
        if errors:
            raise ValidationError(errors)
        if (self.structure_id is not None and self.signed_on is not None
                and is_plausible_day(self.signed_on)):
            others = (Convention.objects.filter(structure_id=self.structure_id,
                                                signed_on__isnull=False)
                      .exclude(pk=self.pk).order_by("-signed_on", "pk"))
            other = convention_overlapping(self, others)
            if other is not None:
                raise ValidationError({"signed_on": convention_overlap_message(other)})


class ConventionEvent(models.Model):
    """What the daily convention watch saw (``advisors.conventions.convention_watch``): a change
    that took effect (tacit renewal, end) or an end coming within 30 days.

    Unique per (convention, kind, effective date): the watch writes each fact once, however
    many times it runs, and emails only what it wrote.
    """

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="events",
                                   verbose_name=_("convention"))
    kind = models.CharField(_("type"), max_length=30, choices=ConventionEventKind)
    effective_on = models.DateField(_("date d'effet"))
    reason = models.TextField(_("motif"))
    recorded_at = models.DateTimeField(_("constaté le"))

    class Meta:
        verbose_name = _("événement de convention")
        verbose_name_plural = _("veille des conventions")
        ordering = ["-effective_on", "-recorded_at"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "kind", "effective_on"],
                                    name="convention_event_once",
                                    violation_error_message=_(
                                        "Ce fait de la veille est déjà enregistré pour cette "
                                        "convention à cette date.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.effective_on:%d/%m/%Y})"


class Advisor(models.Model):
    """A person designated by a structure. Staff changes add rows; nothing is overwritten.

    A user holds at most one current designation (``withdrawn_on`` empty) at a time.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="advisor_designations", verbose_name=_("compte"))
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="advisors",
                                  verbose_name=_("structure"))
    designated_on = models.DateField(_("désigné·e le"), validators=[validate_plausible_day])
    withdrawn_on = models.DateField(_("retiré·e le"), null=True, blank=True,
                                    validators=[validate_plausible_day])
    withdrawal_reason = models.CharField(_("motif du retrait"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("conseiller·ère")
        verbose_name_plural = _("conseiller·ères")
        ordering = ["structure", "user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(withdrawn_on__isnull=True),
                                    name="advisor_one_current_designation",
                                    violation_error_message=_(
                                        "Cette personne est déjà désignée dans une structure : "
                                        "enregistrez d'abord son retrait.")),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True)
                | Q(withdrawn_on__gte=models.F("designated_on")),
                name="advisor_withdrawn_after_designated",
                violation_error_message=_(
                    "La date de retrait doit être le jour de la désignation ou après.")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.structure.public_name}"

    def clean(self) -> None:
        """Only an advisor account is designated (``validate_designated_account``), on a day at
        most a year ahead (``validate_designation_date``, today's Paris date). Raises
        ``ValidationError`` in French: the account's error is not tied to a field (the
        admin's change form shows the account read-only), the date's is (tester t9b F14)."""
        super().clean()
        errors: dict[str, ValidationError] = {}
        if self.user_id is not None:
            try:
                validate_designated_account(self.user)
            except ValidationError as error:
                errors[NON_FIELD_ERRORS] = error
        if self.designated_on is not None:
            try:
                validate_designation_date(self.designated_on, today=timezone.localdate())
            except ValidationError as error:
                errors["designated_on"] = error
        if errors:
            raise ValidationError(errors)


class TrainingKind(models.TextChoices):
    INITIAL = "initial", _("Formation initiale obligatoire")
    NETWORK_EVENT = "network_event", _("Temps collectif du réseau")
    FURTHER = "further", _("Formation complémentaire")


class TrainingSession(models.Model):
    kind = models.CharField(_("type"), max_length=20, choices=TrainingKind)
    title = models.CharField(_("intitulé"), max_length=200)
    date = models.DateField(_("date"), validators=[validate_plausible_day])
    place = models.CharField(_("lieu"), max_length=200,
                             help_text=_("Adresse, ou « À distance »."))
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, through="TrainingAttendance",
                                       related_name="training_sessions", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("session de formation")
        verbose_name_plural = _("sessions de formation")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d/%m/%Y})"


class TrainingAttendance(models.Model):
    """Who was registered for a session, and whether they actually attended."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE,
                                related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="training_attendances", verbose_name=_("personne"))
    attended = models.BooleanField(_("présent·e"), default=False)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"], name="attendance_unique",
                violation_error_message=_(
                    "Cette personne est déjà inscrite à cette session : une ligne par personne.")),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.session}"
