"""Coordinators see every email of the platform in admin: what is waiting, failing (with the
mail server's answer and the time of the next attempt), sent or dropped."""

from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from somobilite.admin_readonly import ViewOnlyAdminMixin

from .models import Email


class DeliveryStateFilter(admin.SimpleListFilter):
    """Where outbox rows stand (any ``OutboxRow`` model)."""

    title = _("état")
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return [("sent", _("Envoyés")), ("waiting", _("À envoyer")),
                ("failing", _("En échec")),
                ("given_up", _("En échec, plus d'essai automatique")),
                ("obsolete", _("Abandonnés (obsolètes)"))]

    def queryset(self, request, queryset):
        unsent = queryset.filter(sent_at__isnull=True, obsolete_at__isnull=True)
        return {
            "sent": queryset.filter(sent_at__isnull=False),
            "waiting": unsent,
            "failing": unsent.filter(attempts__gt=0),
            "given_up": unsent.filter(attempts__gte=settings.OUTBOX_MAX_ATTEMPTS),
            "obsolete": queryset.filter(obsolete_at__isnull=False),
        }.get(self.value(), queryset)


#: The sending state every outbox row shows (read-only, like the whole row).
SENDING_FIELDS = ("message_id", "created_at", "sent_at", "attempts", "next_attempt_at",
                  "last_error", "obsolete_at", "obsolete_reason")


class OutboxRowAdminMixin(ViewOnlyAdminMixin):
    """Read-only: an outbox row is written by the services that decide an email."""

    @admin.display(description=_("état"))
    def state(self, obj) -> str:
        return obj.state

    @admin.display(description=_("dernière erreur"))
    def error(self, obj) -> str:
        return obj.last_error[:120]


@admin.register(Email)
class EmailAdmin(OutboxRowAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "to", "subject", "state", "attempts",
                    "next_attempt_at", "error", "sent_at"]
    list_filter = [DeliveryStateFilter, "kind"]
    search_fields = ["to", "subject", "message_id"]
    date_hierarchy = "created_at"
    fields = ["kind", "to", "from_email", "reply_to", "subject", "expires_at", *SENDING_FIELDS]
    readonly_fields = SENDING_FIELDS
