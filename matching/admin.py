from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from privacy.admin import YouthRecordAdminMixin

from .models import MobilityProfile, ProgrammeRecommendation


@admin.register(MobilityProfile)
class MobilityProfileAdmin(YouthRecordAdminMixin, SimpleHistoryAdmin):
    list_display = ["user", "status", "postal_code", "updated_at", "updated_by"]
    list_filter = ["status"]
    search_fields = ["user__email", "user__last_name"]
    raw_id_fields = ["user", "updated_by"]
    readonly_fields = ["updated_at"]

    def youth_id_of(self, obj) -> int | None:
        return obj.user_id


@admin.register(ProgrammeRecommendation)
class ProgrammeRecommendationAdmin(YouthRecordAdminMixin, admin.ModelAdmin):
    """Read-only: a selection is what was sent to the young person."""

    list_display = ["youth", "advisor", "created_at", "emailed_at"]
    search_fields = ["youth__email", "advisor__email"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def youth_id_of(self, obj) -> int | None:
        return obj.youth_id
