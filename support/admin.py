"""Coordinators answer the advisors' help requests and keep the media bank, in admin. Every
change goes through ``support.services`` (which emails the advisor); files are downloaded
through admin views (the private storage has no URL)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import linebreaksbr
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .downloads import attachment_response
from .files import file_size, media_file_check, type_name
from .models import HelpRequest, HelpRequestStatus, MediaItem
from .services import (
    ANSWER_MAX_LENGTH,
    SupportError,
    help_request_answer,
    help_request_close,
    media_item_delete,
    media_item_save,
)


class HelpRequestAnswerForm(forms.ModelForm):
    answer = forms.CharField(label=_("Réponse à envoyer"), required=False,
                             max_length=ANSWER_MAX_LENGTH,
                             widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
                             help_text=_("Envoyée par e-mail au conseiller ou à la conseillère "
                                         "et affichée dans son espace."))
    close = forms.BooleanField(label=_("Clore la demande"), required=False,
                               help_text=_("Cochez quand il n'y a plus rien à faire."))

    class Meta:
        model = HelpRequest
        fields = ["answer"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["close"].initial = self.instance.status == HelpRequestStatus.CLOSED

    def clean(self):
        cleaned = super().clean()
        answer_changed = "answer" in self.changed_data and cleaned.get("answer", "").strip()
        if not answer_changed and not cleaned.get("close"):
            raise ValidationError(_("Écrivez une réponse, ou cochez « Clore la demande »."))
        return cleaned


@admin.register(HelpRequest)
class HelpRequestAdmin(admin.ModelAdmin):
    form = HelpRequestAnswerForm
    list_display = ["created_at", "subject", "author_name", "structure", "kind", "status",
                    "answered_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["structure"]
    search_fields = ["subject", "message", "author_name", "author_email"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "author_name", "author_email", "structure", "kind",
                       "subject", "message_display", "page_url", "screenshot_link", "status",
                       "answered_by", "answered_at", "closed_at"]
    fieldsets = [
        (_("La demande"), {"fields": ["created_at", "author_name", "author_email", "structure",
                                      "kind", "subject", "message_display", "page_url",
                                      "screenshot_link"]}),
        (_("Réponse de la coordination"), {"fields": ["status", "answered_by", "answered_at",
                                                      "closed_at", "answer", "close"]}),
    ]
    actions = ["close_selected"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("message"))
    def message_display(self, obj):
        return linebreaksbr(obj.message, autoescape=True)

    @admin.display(description=_("capture d'écran"))
    def screenshot_link(self, obj):
        if not obj.screenshot:
            return _("aucune")
        return format_html('<a href="{}">{}</a>',
                           reverse("admin:support_helprequest_screenshot", args=[obj.pk]),
                           _("Télécharger la capture (%(type)s)")
                           % {"type": type_name(obj.screenshot_type)})

    def get_urls(self):
        return [path("<int:pk>/capture/", self.admin_site.admin_view(self.screenshot_view),
                     name="support_helprequest_screenshot"), *super().get_urls()]

    def screenshot_view(self, request, pk: int):
        obj = get_object_or_404(HelpRequest, pk=pk)
        if not self.has_view_permission(request, obj) or not obj.screenshot:
            raise Http404(_("Pas de capture d'écran pour cette demande."))
        extension = obj.screenshot_type.split("/")[1].replace("jpeg", "jpg")
        return attachment_response(obj.screenshot, filename=f"capture-{obj.pk}.{extension}",
                                   content_type=obj.screenshot_type)

    def save_model(self, request, obj, form, change):
        """Through the services only (they save, and email the advisor)."""
        answer = form.cleaned_data.get("answer", "").strip()
        close = form.cleaned_data.get("close", False)
        now = timezone.now()
        try:
            if "answer" in form.changed_data and answer:
                help_request_answer(request=obj, answer=answer, by=request.user, close=close,
                                    now=now)
            elif close:
                help_request_close(request=obj, by=request.user, now=now)
        except SupportError as error:
            self.message_user(request, error.message, messages.ERROR)

    @admin.action(description=_("Clore les demandes sélectionnées (le conseiller est prévenu)"))
    def close_selected(self, request, queryset):
        now = timezone.now()
        closed = sum(help_request_close(request=obj, by=request.user, now=now)
                     for obj in queryset)
        self.message_user(request, _("%(count)s demande(s) close(s).") % {"count": closed},
                          messages.SUCCESS)


class MediaItemForm(forms.ModelForm):
    upload = forms.FileField(label=_("Fichier"), required=False,
                             help_text=_("PDF, images (PNG, JPEG, WebP, GIF), ZIP, documents "
                                         "Word, PowerPoint, Excel ou LibreOffice. Le type est "
                                         "vérifié d'après le contenu du fichier."))

    class Meta:
        model = MediaItem
        fields = ["title", "category", "date", "description"]

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload is None:
            if not self.instance.pk:
                raise ValidationError(_("Choisissez le fichier à déposer."))
            return None
        self.content_type = media_file_check(upload)
        return upload


@admin.register(MediaItem)
class MediaItemAdmin(admin.ModelAdmin):
    form = MediaItemForm
    list_display = ["title", "category", "date", "type_display", "size_display", "created_at"]
    list_filter = ["category"]
    search_fields = ["title", "description", "original_name"]
    date_hierarchy = "date"
    readonly_fields = ["current_file", "uploaded_by", "created_at", "updated_at"]
    fields = ["title", "category", "date", "description", "upload", "current_file",
              "uploaded_by", "created_at", "updated_at"]

    @admin.display(description=_("type"))
    def type_display(self, obj):
        return type_name(obj.content_type, obj.original_name)

    @admin.display(description=_("taille"), ordering="size")
    def size_display(self, obj):
        return file_size(obj.size)

    @admin.display(description=_("fichier actuel"))
    def current_file(self, obj):
        if not obj.pk:
            return "—"
        return format_html('<a href="{}">{}</a> ({}, {})',
                           reverse("admin:support_mediaitem_download", args=[obj.pk]),
                           obj.original_name, type_name(obj.content_type, obj.original_name),
                           file_size(obj.size))

    def get_urls(self):
        return [path("<int:pk>/telecharger/", self.admin_site.admin_view(self.download_view),
                     name="support_mediaitem_download"), *super().get_urls()]

    def download_view(self, request, pk: int):
        obj = get_object_or_404(MediaItem, pk=pk)
        return attachment_response(obj.file, filename=obj.original_name,
                                   content_type=obj.content_type)

    def save_model(self, request, obj, form, change):
        media_item_save(item=obj, upload=form.cleaned_data.get("upload"), by=request.user,
                        now=timezone.now())

    def delete_model(self, request, obj):
        media_item_delete(item=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            media_item_delete(item=obj, by=request.user)
