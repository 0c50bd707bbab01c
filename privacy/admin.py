from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from somobilite.admin_readonly import RecordAdminMixin

from .models import AccessAction, StaffAccessLog
from .services import access_log_record


@admin.register(StaffAccessLog)
class StaffAccessLogAdmin(RecordAdminMixin, admin.ModelAdmin):
    """Read-only: the log is evidence, nobody edits it by hand."""

    list_display = ["at", "actor_email", "action", "what", "subject_id", "ip_address"]
    list_filter = ["action", "at"]
    search_fields = ["actor_email", "what", "=subject_id"]
    date_hierarchy = "at"


class YouthRecordAdminMixin:
    """For admins of objects that hold a young person's data: every opening of an object's page
    and every saved change is written to the access log. Subclasses say whose record it is."""

    def youth_id_of(self, obj) -> int | None:
        raise NotImplementedError

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, object_id)
            if obj is not None and self.youth_id_of(obj):
                access_log_record(
                    request=request,
                    subject_id=self.youth_id_of(obj),
                    action=AccessAction.VIEW,
                    what=f"{obj._meta.verbose_name} : {obj}",
                )
        return response

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if self.youth_id_of(obj):
            access_log_record(
                request=request,
                subject_id=self.youth_id_of(obj),
                action=AccessAction.CHANGE,
                what=f"{obj._meta.verbose_name} : {obj} ({', '.join(form.changed_data)})",
            )


# The account's admin is registered here, not in accounts: it writes the access log, and
# accounts (the ground) imports no other app.
@admin.register(User)
class UserAdmin(YouthRecordAdminMixin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name", "role")}),
        (
            _("Droits"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "role", "password1", "password2"),
            },
        ),
    )

    def youth_id_of(self, obj) -> int | None:
        return obj.pk if obj.is_youth else None
