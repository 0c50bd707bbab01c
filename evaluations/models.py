"""The evaluation questionnaire a young person receives the day after an interview held
(SPEC §6, issue 14): one row per interview, created when the invitation is queued, completed
once when the young person answers.

The row belongs to the appointment, not to the person: once the account is erased the
appointment is anonymised and the answers stay, without identity, for the statistics.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bookings.models import Appointment


class Usefulness(models.IntegerChoices):
    NOT_USEFUL = 1, _("Pas utiles")
    SLIGHTLY = 2, _("Peu utiles")
    FAIRLY = 3, _("Assez utiles")
    VERY = 4, _("Très utiles")


class Intention(models.TextChoices):
    YES = "yes", _("Oui")
    NOT_SURE = "not_sure", _("Je ne sais pas encore")
    NO = "no", _("Non")


class DeparturePeriod(models.TextChoices):
    WITHIN_6_MONTHS = "within_6_months", _("Dans les 6 prochains mois")
    WITHIN_A_YEAR = "within_a_year", _("Dans 6 mois à 1 an")
    WITHIN_2_YEARS = "within_2_years", _("Dans 1 à 2 ans")
    LATER = "later", _("Plus tard")
    UNKNOWN = "unknown", _("Je ne sais pas")


SATISFACTION_CHOICES = [(value, str(value)) for value in range(1, 6)]
COMMENT_MAX_LENGTH = 2000
PROGRAMME_OTHER_MAX_LENGTH = 200


class Evaluation(models.Model):
    """The questionnaire of one interview: its invitation (``invited_at``, ``expires_at``) and,
    once answered (``answered_at``), the answers.

    ``appointment`` is unique: a second invitation for the same interview cannot be written,
    whatever runs at the same time (the database refuses it). The link carries ``public_id``
    signed (``evaluations.links``); it works until ``expires_at`` and only while unanswered.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    appointment = models.OneToOneField(Appointment, on_delete=models.CASCADE,
                                       related_name="evaluation", verbose_name=_("entretien"))
    invited_at = models.DateTimeField(_("invitation envoyée le"))
    expires_at = models.DateTimeField(_("lien valable jusqu'au"))
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction générale (1 à 5)"), null=True, blank=True, choices=SATISFACTION_CHOICES)
    usefulness = models.PositiveSmallIntegerField(
        _("utilité des informations"), null=True, blank=True, choices=Usefulness)
    intends_to_go = models.CharField(_("projet de partir"), max_length=10, blank=True,
                                     choices=Intention)
    departure_period = models.CharField(_("quand"), max_length=20, blank=True,
                                        choices=DeparturePeriod)
    programme = models.ForeignKey(
        "programmes.ProgrammeSheet", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="evaluations", verbose_name=_("programme qui intéresse"))
    programme_other = models.CharField(_("autre programme (texte libre)"), blank=True,
                                       max_length=PROGRAMME_OTHER_MAX_LENGTH)
    comment = models.TextField(_("commentaire"), blank=True, max_length=COMMENT_MAX_LENGTH)

    class Meta:
        verbose_name = _("questionnaire d'évaluation")
        verbose_name_plural = _("questionnaires d'évaluation")
        ordering = ["-invited_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1,
                                                           satisfaction__lte=5),
                name="evaluation_satisfaction_1_to_5",
                violation_error_message=_("La satisfaction se note de 1 à 5.")),
            models.CheckConstraint(
                condition=Q(usefulness__isnull=True) | Q(usefulness__gte=1, usefulness__lte=4),
                name="evaluation_usefulness_1_to_4",
                violation_error_message=_("L'utilité se note de 1 à 4.")),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, satisfaction__isnull=True)
                | Q(answered_at__isnull=False, satisfaction__isnull=False),
                name="evaluation_answered_has_satisfaction",
                violation_error_message=_(
                    "Une évaluation répondue a une note de satisfaction ; une évaluation sans "
                    "réponse n'en a pas.")),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("invited_at")),
                                   name="evaluation_expires_after_invitation",
                                   violation_error_message=_(
                                       "La date d'expiration doit être après la date "
                                       "d'invitation.")),
        ]
        indexes = [models.Index(fields=["answered_at"], name="evaluation_answered")]

    def __str__(self) -> str:
        return f"Questionnaire {self.public_id}"
