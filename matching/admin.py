from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.http import AuthenticatedHttpRequest
from privacy.admin import YouthRecordAdminMixin
from privacy.models import AccessAction
from privacy.services import access_log_record

from .forms import AdvisorProfileForm, profile_cleaned_data, profile_forms
from .models import MobilityProfile, ProgrammeRecommendation
from .residence import youth_postal_code_warning
from .services import MatchingError, profile_update


@admin.register(MobilityProfile)
class MobilityProfileAdmin(YouthRecordAdminMixin, SimpleHistoryAdmin):
    """A profile is edited with the back-office's form (checkbox lists, the country chooser
    grouped by zone, languages with their CEFR level), never as raw JSON, and saved through
    ``services.profile_update``: rules, history with the coordinator and the reason, and the
    staff access log."""

    list_display = ["user", "status", "postal_code", "updated_at", "updated_by"]
    list_filter = ["status"]
    search_fields = ["user__email", "user__last_name"]
    raw_id_fields = ["user", "updated_by"]
    readonly_fields = ["updated_at"]

    def youth_id_of(self, obj) -> int | None:
        return obj.user_id

    def change_view(self, request: AuthenticatedHttpRequest,
                    object_id, form_url="", extra_context=None) -> HttpResponse:
        # The admin site only lets in coordinators whose session passed MFA: a logged-in User.
        profile = self.get_object(request, unquote(object_id))
        if profile is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, profile):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else None
        form, formset = profile_forms(data=data, profile=profile, form_class=AdvisorProfileForm)
        if data is None:
            access_log_record(request=request, subject_id=profile.user_id,
                              action=AccessAction.VIEW, what=_("Profil de mobilité (admin)"))
        elif form.is_valid() and formset.is_valid():
            try:
                with transaction.atomic():
                    profile_update(profile=profile, data=profile_cleaned_data(form, formset),
                                   by=request.user, now=timezone.now(),
                                   reason=_("Modifié par la coordination (administration)"))
                    access_log_record(request=request, subject_id=profile.user_id,
                                      action=AccessAction.CHANGE,
                                      what=_("Profil de mobilité (admin)"))
            except MatchingError as error:
                form.add_error(None, error.message)
            else:
                self.message_user(request, _("Le profil de mobilité est enregistré."),
                                  messages.SUCCESS)
                if warning := youth_postal_code_warning(form.cleaned_data["postal_code"]):
                    self.message_user(request, warning, messages.WARNING)
                return redirect("admin:matching_mobilityprofile_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Profil de mobilité de %(who)s") % {"who": profile.user},
            "opts": self.opts,
            "original": profile,
            "form": form,
            "language_formset": formset,
            "has_errors": bool(form.errors or formset.total_error_count()),
        }
        return TemplateResponse(request, "matching/admin/profile_change.html", context,
                                status=400 if data is not None else 200)


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
