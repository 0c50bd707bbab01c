"""Outbox rows: what every email row has (``OutboxRow``, also used by the appointments' outbox
``bookings.Notification``), and the generic row of the other emails (``Email``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .ids import message_id_new


class OutboxRow(models.Model):
    """One email to send, and how its sending went.

    ``message_id`` is given once, when the row is written, and every attempt sends it: a
    message sent twice (a worker killed after the mail server accepted it and before the row
    was marked sent) arrives twice with the same ``Message-ID``, which mail clients collapse.
    ``next_attempt_at`` is set after a failed attempt (backoff, ``delivery.retry_delay``);
    ``last_error`` says why it failed, in the mail server's words.
    """

    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True,
                                  default=message_id_new, editable=False)
    created_at = models.DateTimeField(_("créé le"))
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    obsolete_at = models.DateTimeField(_("abandonné le"), null=True, blank=True)
    obsolete_reason = models.CharField(_("motif de l'abandon"), max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(
        _("prochain essai"), null=True, blank=True,
        help_text=_("Après un échec : quand le prochain essai aura lieu."))
    last_error = models.TextField(_("dernière erreur"), blank=True)

    class Meta:
        abstract = True

    @property
    def state(self) -> str:
        """French label of where the row stands: sent, dropped, given up, failing or waiting."""
        if self.sent_at is not None:
            return str(_("envoyé"))
        if self.obsolete_at is not None:
            return str(_("abandonné (obsolète)"))
        if self.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            return str(_("en échec, plus d'essai automatique"))
        if self.attempts:
            return str(_("en échec, nouvel essai prévu"))
        return str(_("en attente"))


class Email(OutboxRow):
    """An email other than the appointments' (see ``bookings.Notification``): selections,
    proposal outcomes, digests, invitations, login codes, password resets…

    The message is stored as it was decided (subject, text, HTML, attachments), so a retry
    sends exactly the same message. Once it has left, its content is emptied (``body``,
    ``html``, ``attachments``): codes, one-time links and PDFs are not kept; the row keeps
    what, to whom, when and its Message-ID. ``expires_at``: a message that has not left by
    then is dropped (a login code past its validity).
    """

    kind = models.CharField(_("type"), max_length=100)
    to = models.TextField(_("destinataires"), help_text=_("Adresses séparées par des virgules."))
    from_email = models.CharField(_("expéditeur"), max_length=255)
    reply_to = models.TextField(_("répondre à"), blank=True)
    subject = models.CharField(_("objet"), max_length=998)
    body = models.TextField(_("texte"), blank=True)
    html = models.TextField(_("HTML"), blank=True)
    attachments = models.JSONField(
        _("pièces jointes"), default=list, blank=True,
        help_text=_("Liste de {filename, mimetype, content (base64)}."))
    expires_at = models.DateTimeField(_("à envoyer avant le"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails (hors rendez-vous)")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_at"],
                         condition=Q(sent_at__isnull=True, obsolete_at__isnull=True),
                         name="outbox_email_to_send"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(sent_at__isnull=True) | Q(obsolete_at__isnull=True),
                                   name="outbox_email_sent_or_obsolete",
                                   violation_error_message=_(
                                       "Un e-mail ne peut pas être à la fois envoyé et abandonné "
                                       ": videz l'une des deux dates.")),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"
