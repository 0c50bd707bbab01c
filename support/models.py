"""What the coordination provides to the advisors (the advisors' specification, "assistance
technique" and "banque de médias"; SPEC §6): answers to their help requests, and the media bank
of communication material.

Files (screenshots, media) are kept in the private storage (``support.storage``): no URL maps
to them; views that check who asks serve them as attachments.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from advisors.models import Structure

from .files import file_size, type_name
from .storage import private_storage


class HelpRequestKind(models.TextChoices):
    QUESTION = "question", _("Une question")
    TECHNICAL = "technical", _("Un problème technique")


class HelpRequestStatus(models.TextChoices):
    OPEN = "open", _("En attente de réponse")
    ANSWERED = "answered", _("Répondue")
    # A context keeps Django's own catalogue (where "Close" is the verb "Fermer") out.
    CLOSED = "closed", pgettext_lazy("help request status", "Close")


def help_screenshot_path(instance, filename: str) -> str:
    """A random name: the sender's file name is never used as a path."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"aide/{uuid.uuid4().hex}.{extension}"


class HelpRequest(models.Model):
    """A question or a technical problem an advisor sends to the coordination, and its answer.

    Written by ``support.services`` only; each step emails the other side."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="help_requests", verbose_name=_("envoyée par"))
    author_name = models.CharField(_("nom de l'auteur"), max_length=255)
    author_email = models.EmailField(_("e-mail de l'auteur"))
    structure = models.ForeignKey(Structure, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="help_requests", verbose_name=_("structure"))
    kind = models.CharField(_("type"), max_length=10, choices=HelpRequestKind)
    subject = models.CharField(_("objet"), max_length=150)
    message = models.TextField(_("message"))
    page_url = models.CharField(_("page concernée"), max_length=500, blank=True)
    screenshot = models.FileField(_("capture d'écran"), storage=private_storage,
                                  upload_to=help_screenshot_path, blank=True, max_length=200)
    screenshot_type = models.CharField(_("format de la capture"), max_length=20, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=HelpRequestStatus,
                              default=HelpRequestStatus.OPEN)
    answer = models.TextField(_("réponse de la coordination"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("répondue par"))
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    created_at = models.DateTimeField(_("envoyée le"))

    class Meta:
        verbose_name = _("demande d'aide")
        verbose_name_plural = _("demandes d'aide")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=HelpRequestKind.values),
                                   name="help_request_kind_valid",
                                   violation_error_message=_(
                                       "Choisissez un type de demande : une question ou un "
                                       "problème technique.")),
            models.CheckConstraint(condition=Q(status__in=HelpRequestStatus.values),
                                   name="help_request_status_valid",
                                   violation_error_message=_(
                                       "Choisissez un statut de la liste : en attente de réponse,"
                                       " répondue ou close.")),
            models.CheckConstraint(condition=~Q(subject="") & ~Q(message=""),
                                   name="help_request_not_empty",
                                   violation_error_message=_("Écrivez un objet et un message.")),
            models.CheckConstraint(
                condition=~Q(status=HelpRequestStatus.ANSWERED)
                | (~Q(answer="") & Q(answered_at__isnull=False)),
                name="help_request_answered_has_answer",
                violation_error_message=_("Une demande répondue a une réponse écrite et sa date.")),
            models.CheckConstraint(
                condition=Q(status=HelpRequestStatus.CLOSED, closed_at__isnull=False)
                | (~Q(status=HelpRequestStatus.CLOSED) & Q(closed_at__isnull=True)),
                name="help_request_closed_at_iff_closed",
                violation_error_message=_(
                    "La date de clôture est renseignée pour une demande close, et vide sinon.")),
            models.CheckConstraint(
                condition=Q(screenshot="", screenshot_type="")
                | (~Q(screenshot="") & Q(screenshot_type__in=["image/png", "image/jpeg"])),
                name="help_request_screenshot_png_or_jpeg",
                violation_error_message=_("La capture d'écran doit être une image PNG ou JPEG.")),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.subject} ({self.author_name})"


class MediaCategory(models.TextChoices):
    LOGOS = "logos", _("Logos et charte graphique")
    POSTERS = "posters", _("Affiches et flyers")
    GUIDES = "guides", _("Guides et fiches pratiques")
    PRESENTATIONS = "presentations", _("Présentations et supports d'animation")
    PICTURES = "pictures", _("Photos et visuels")
    OTHER = "other", _("Autres documents")


def media_file_path(instance, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"mediatheque/{uuid.uuid4().hex}.{extension}"


class MediaItem(models.Model):
    """A file of the media bank, uploaded by a coordinator (admin) for the advisors.

    ``content_type`` is the type found in the file's content when it was uploaded (never the
    browser's claim); it is what the download sends, always as an attachment."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("titre"), max_length=200)
    category = models.CharField(_("catégorie"), max_length=20, choices=MediaCategory)
    date = models.DateField(_("date du document"))
    description = models.TextField(_("description"), blank=True)
    file = models.FileField(_("fichier"), storage=private_storage, upload_to=media_file_path,
                            max_length=200)
    original_name = models.CharField(_("nom du fichier d'origine"), max_length=255)
    content_type = models.CharField(_("type de fichier"), max_length=100)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+", verbose_name=_("déposé par"))
    created_at = models.DateTimeField(_("déposé le"))
    updated_at = models.DateTimeField(_("modifié le"))

    class Meta:
        verbose_name = _("document de la médiathèque")
        verbose_name_plural = _("médiathèque")
        ordering = ["category", "-date", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(category__in=MediaCategory.values),
                                   name="media_item_category_valid",
                                   violation_error_message=_(
                                       "Choisissez une catégorie de la liste.")),
            models.CheckConstraint(condition=Q(size__gt=0), name="media_item_not_empty",
                violation_error_message=_(
                    "Le fichier est vide : choisissez un fichier qui a un contenu.")),
            models.CheckConstraint(condition=~Q(content_type__startswith="text/"),
                                   name="media_item_never_text",
                                   violation_error_message=_(
                                       "Les fichiers texte (HTML, SVG, scripts…) ne sont pas "
                                       "acceptés : déposez une image, un PDF ou un document "
                                       "bureautique.")),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def type_label(self) -> str:
        """« PDF », « image PNG »…: the kind of file in French (``files.type_name``)."""
        return type_name(self.content_type, self.original_name)

    @property
    def size_label(self) -> str:
        """« 12 Ko », « 5 Mo »: the size as French readers expect it (``files.file_size``)."""
        return file_size(self.size)
