"""The young person's mobility profile (one per user) and the programmes an advisor sends.

Fields mirror the profile of /work/shared/formats/exchange-format.md plus what the advisor
gathers during the interview; simple-history keeps who changed what and when.
"""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from vocabulary.codes import EducationLevel, Status
from vocabulary.dates import validate_birth_date_today


class MobilityProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="mobility_profile", verbose_name=_("jeune"))
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True,
                                  validators=[validate_birth_date_today])
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    nationality = CountryField(_("nationalité"), blank=True)
    status = models.CharField(_("situation"), max_length=20, choices=Status.choices, blank=True)
    education_level = models.CharField(_("niveau d'études"), max_length=20,
                                       choices=EducationLevel.choices, blank=True)
    disability = models.BooleanField(_("situation de handicap déclarée"), default=False)
    languages = models.JSONField(_("langues"), default=list, blank=True,
                                 help_text=_('Liste de {"language": "en", "level": "B1"}.'))
    budget_eur = models.PositiveIntegerField(_("budget (€)"), null=True, blank=True)
    wish_domains = models.JSONField(_("domaines souhaités"), default=list, blank=True)
    wish_zones = models.JSONField(_("zones souhaitées"), default=list, blank=True)
    wish_countries = models.JSONField(_("pays souhaités"), default=list, blank=True)
    wish_duration_min_weeks = models.DecimalField(_("durée minimum souhaitée (semaines)"),
                                                  max_digits=6, decimal_places=2, null=True,
                                                  blank=True)
    wish_duration_max_weeks = models.DecimalField(_("durée maximum souhaitée (semaines)"),
                                                  max_digits=6, decimal_places=2, null=True,
                                                  blank=True)
    wish_departure = models.DateField(_("départ souhaité"), null=True, blank=True)
    studies_field = models.CharField(_("études suivies"), max_length=200, blank=True)
    professional_experience = models.TextField(_("expérience professionnelle"), blank=True)
    hobbies = models.TextField(_("loisirs et passions"), blank=True)
    project_text = models.TextField(_("projet"), blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("modifié par"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("profil de mobilité")
        verbose_name_plural = _("profils de mobilité")
        constraints = [
            models.CheckConstraint(
                condition=Q(wish_duration_min_weeks__isnull=True)
                | Q(wish_duration_max_weeks__isnull=True)
                | Q(wish_duration_min_weeks__lte=models.F("wish_duration_max_weeks")),
                name="mobility_profile_duration_ordered",
                violation_error_message=_(
                    "La durée minimum souhaitée doit être inférieure ou égale à la durée "
                    "maximum.")),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @classmethod
    def concrete_field(cls, name: str) -> "models.Field[Any, Any]":
        """The model field ``name`` (its label, default…); LookupError for a relation."""
        field = cls._meta.get_field(name)
        if not isinstance(field, models.Field):
            raise LookupError(name)
        return field


class ProgrammeRecommendation(models.Model):
    """Programmes an advisor selected for a young person, with the explanation lines as they
    were on that day (``items``: a JSON list, one entry per programme)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    youth = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="programme_recommendations",
                              verbose_name=_("jeune"))
    advisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                related_name="programme_recommendations_sent",
                                verbose_name=_("conseiller·ère"))
    created_at = models.DateTimeField(_("envoyée le"))
    message = models.TextField(_("message du conseiller ou de la conseillère"), blank=True)
    structure = models.ForeignKey(
        "advisors.Structure", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="programme_recommendations", verbose_name=_("structure"),
        help_text=_("La structure du conseiller ou de la conseillère le jour de l'envoi "
                    "(statistiques)."))
    advisor_contact = models.JSONField(_("contact du conseiller ou de la conseillère"),
                                       default=dict, blank=True,
                                       help_text=_("Nom, structure, e-mail et téléphone au jour "
                                                   "de l'envoi."))
    sheets = models.ManyToManyField("programmes.ProgrammeSheet", related_name="recommendations",
                                    verbose_name=_("fiches"))
    items = models.JSONField(_("programmes et explications"), default=list)
    emailed_at = models.DateTimeField(_("e-mail envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("sélection de programmes")
        verbose_name_plural = _("sélections de programmes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.youth} – {self.created_at:%d/%m/%Y}"


class FirstLookView(models.Model):
    """A programme the matching showed a young person in "Mon espace" before the interview
    (their "first look"), and whether they opened its sheet from there. One row per young
    person and sheet; the advisor reads them in the interview screen."""

    youth = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="first_look_views", verbose_name=_("jeune"))
    sheet = models.ForeignKey("programmes.ProgrammeSheet", on_delete=models.CASCADE,
                              related_name="first_look_views", verbose_name=_("fiche"))
    first_shown_at = models.DateTimeField(_("montrée la première fois le"))
    last_shown_at = models.DateTimeField(_("montrée la dernière fois le"))
    rank = models.PositiveSmallIntegerField(_("rang la dernière fois"))
    opened_at = models.DateTimeField(_("ouverte le"), null=True, blank=True,
                                     help_text=_("Dernière ouverture de la fiche depuis "
                                                 "« Mon espace »."))
    times_opened = models.PositiveIntegerField(_("ouvertures"), default=0)

    class Meta:
        verbose_name = _("programme vu avant l'entretien")
        verbose_name_plural = _("programmes vus avant l'entretien")
        ordering = ["youth", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["youth", "sheet"], name="first_look_one_per_sheet",
                violation_error_message=_(
                    "Cette fiche est déjà notée comme vue par ce ou cette jeune.")),
        ]

    def __str__(self) -> str:
        return f"{self.youth} – {self.sheet_id}"
