"""Record of staff access to young people's records (GDPR accountability)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccessAction(models.TextChoices):
    VIEW = "view", _("Consultation")
    CHANGE = "change", _("Modification")
    # A context keeps Django's own catalogue (where "Export" is the verb "Exporter") out.
    EXPORT = "export", pgettext_lazy("staff access", "Export")
    DELETE = "delete", _("Suppression / anonymisation")


class StaffAccessLog(models.Model):
    """Who (staff) looked at or changed which young person's record, when, and from where.

    ``subject_id`` is a plain integer rather than a foreign key: the entry must survive the
    anonymisation or deletion of the person it is about.
    """

    at = models.DateTimeField(_("date"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("membre de l'équipe"),
    )
    actor_email = models.EmailField(_("e-mail de l'auteur"))
    subject_id = models.PositiveBigIntegerField(_("identifiant du ou de la jeune"), db_index=True)
    action = models.CharField(_("action"), max_length=10, choices=AccessAction)
    what = models.CharField(_("objet"), max_length=255)
    path = models.CharField(_("adresse de la page"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("accès à un dossier")
        verbose_name_plural = _("journal des accès aux dossiers")
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=[a.value for a in AccessAction]),
                name="staff_access_action_valid",
                violation_error_message=_(
                    "Choisissez une action de la liste : consultation, modification, export ou "
                    "suppression.")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor_email} – {self.get_action_display()} – {self.what}"
