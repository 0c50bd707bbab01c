"""The annual report (bilan global annuel, convention article 2): one row per request, kept
with who asked and when, its progress while a Celery task renders it, then its files (a PDF
and a zip of CSV files) in private storage, served to coordinators only."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from support.storage import private_storage


class AnnualReportStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Prêt")
    FAILED = "failed", _("Échec")


#: The statuses of a report still being made: at most one per year (database constraint).
IN_PROGRESS = (AnnualReportStatus.PENDING, AnnualReportStatus.RUNNING)


def report_file_path(instance: "AnnualReport", filename: str) -> str:
    return f"reports/{instance.year}/{filename}"


class AnnualReport(models.Model):
    year = models.PositiveSmallIntegerField(_("année"))
    status = models.CharField(_("statut"), max_length=10, choices=AnnualReportStatus,
                              default=AnnualReportStatus.PENDING)
    progress_step = models.CharField(_("étape"), max_length=200, blank=True)
    progress_percent = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    error = models.TextField(_("erreur"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("demandé par"))
    requested_at = models.DateTimeField(_("demandé le"))
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), storage=private_storage, upload_to=report_file_path,
                           blank=True, max_length=200)
    csv_zip = models.FileField(_("fichiers CSV (zip)"), storage=private_storage,
                               upload_to=report_file_path, blank=True, max_length=200)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)

    class Meta:
        verbose_name = _("bilan annuel")
        verbose_name_plural = _("bilans annuels")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # A second request for a year already being made joins the first one.
            models.UniqueConstraint(fields=["year"], condition=Q(status__in=IN_PROGRESS),
                                    name="annual_report_one_in_progress_per_year",
                                    violation_error_message=_(
                                        "Un bilan de cette année est déjà en préparation : "
                                        "attendez qu'il soit prêt.")),
            models.CheckConstraint(condition=Q(status__in=AnnualReportStatus.values),
                                   name="annual_report_status_valid",
                                   violation_error_message=_(
                                       "Choisissez un statut de bilan de la liste.")),
            models.CheckConstraint(condition=Q(progress_percent__lte=100),
                                   name="annual_report_progress_percent",
                                   violation_error_message=_(
                                       "L'avancement se compte de 0 à 100 %%.")),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2200),
                                   name="annual_report_year_plausible",
                                   violation_error_message=_(
                                       "Choisissez une année entre 2000 et 2200.")),
        ]

    def __str__(self) -> str:
        return f"Bilan {self.year} ({self.get_status_display()})"

    @property
    def in_progress(self) -> bool:
        return self.status in IN_PROGRESS
