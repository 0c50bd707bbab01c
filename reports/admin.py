"""Coordinators ask for the annual report in admin: a year → a stored report, rendered by a
Celery task; its page refreshes itself while it is made, then offers the PDF and the CSV
files (private storage, served as attachments through admin views: staff with MFA only)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from support.downloads import attachment_response

from .forms import AnnualReportRequestForm
from .models import AnnualReport, AnnualReportStatus
from .services import ReportRequestError, annual_report_request

#: Seconds between two refreshes of a report's page while it is being made.
REFRESH_SECONDS = 3


@admin.register(AnnualReport)
class AnnualReportAdmin(admin.ModelAdmin):
    list_display = ["year", "status", "progress_display", "requested_by", "requested_at",
                    "finished_at", "downloads"]
    list_filter = ["status", "year"]
    list_select_related = ["requested_by"]
    readonly_fields = fields = ("year", "status", "progress_display", "downloads", "pages",
                                "requested_by", "requested_at", "started_at", "finished_at",
                                "error")
    change_form_template = "reports/admin/annualreport_change_form.html"

    def has_change_permission(self, request, obj=None):
        return False  # a report is made by the task, never edited

    def has_delete_permission(self, request, obj=None):
        return False  # reports are kept, with who asked and when

    @admin.display(description=gettext_lazy("avancement"))
    def progress_display(self, obj):
        if obj.status == AnnualReportStatus.FAILED:
            return _("échec (voir l'erreur)")
        return format_html('<progress max="100" value="{}">{} %</progress> {} % – {}',
                           obj.progress_percent, obj.progress_percent, obj.progress_percent,
                           obj.progress_step or obj.get_status_display())

    @admin.display(description=gettext_lazy("fichiers"))
    def downloads(self, obj):
        if obj.status != AnnualReportStatus.DONE:
            return "—"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:reports_annualreport_pdf", args=[obj.pk]),
            ngettext("PDF (%(pages)s page)", "PDF (%(pages)s pages)", obj.pages or 0)
            % {"pages": obj.pages},
            reverse("admin:reports_annualreport_csv", args=[obj.pk]), _("CSV (zip)"))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/pdf/", view(self.pdf_view), name="reports_annualreport_pdf"),
            path("<int:pk>/csv/", view(self.csv_view), name="reports_annualreport_csv"),
            *super().get_urls(),
        ]

    def _done(self, request, pk: int) -> AnnualReport:
        if not self.has_view_permission(request):
            raise PermissionDenied
        report = get_object_or_404(AnnualReport, pk=pk)
        if report.status != AnnualReportStatus.DONE:
            raise Http404(_("Ce bilan n'est pas prêt."))
        return report

    def pdf_view(self, request, pk: int):
        report = self._done(request, pk)
        return attachment_response(report.pdf, filename=f"bilan-{report.year}.pdf",
                                   content_type="application/pdf")

    def csv_view(self, request, pk: int):
        report = self._done(request, pk)
        return attachment_response(report.csv_zip, filename=f"bilan-{report.year}-csv.zip",
                                   content_type="application/zip")

    def add_view(self, request, form_url="", extra_context=None):
        """Ask for a year's report: one service call; a year being made is joined."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = AnnualReportRequestForm(request.POST or None,
                                       initial={"year": timezone.localdate().year - 1})
        if request.method == "POST" and form.is_valid():
            try:
                report, created = annual_report_request(
                    year=form.cleaned_data["year"], by=request.user, now=timezone.now())
            except ReportRequestError as error:
                form.add_error("year", str(error))
            else:
                if created:
                    self.message_user(request, _(
                        "Le bilan %(year)s est en préparation : cette page se met à jour "
                        "toute seule.") % {"year": report.year}, messages.SUCCESS)
                else:
                    self.message_user(request, _(
                        "Le bilan %(year)s est déjà en préparation (demandé le %(when)s) : "
                        "voici son avancement.") % {
                            "year": report.year,
                            "when": timezone.localtime(report.requested_at)
                            .strftime("%d/%m/%Y à %H:%M")}, messages.WARNING)
                return redirect("admin:reports_annualreport_change", report.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Demander un bilan annuel"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "reports/admin/request.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        report = self.get_object(request, object_id)
        extra = {"refresh_seconds": REFRESH_SECONDS if report and report.in_progress else None}
        return super().change_view(request, object_id, form_url, {**(extra_context or {}),
                                                                  **extra})
