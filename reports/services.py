"""Requesting and rendering the annual report (SPEC §6, convention article 2).

``annual_report_request`` stores a request (or joins the one already being made for that
year: a partial unique index allows one pending or running report per year);
``annual_report_run`` renders it (the Celery task ``reports.tasks.render_annual_report``
calls it), telling its progress on the row; ``annual_report_sweep`` requeues requests whose
task was never queued (broker down) and fails the ones whose worker died.
``annual_report_files`` makes the files without a row (the management command, the bench).
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from bookings.statistics import PARIS
from somobilite.celery import publish_on_commit

from .exports import write_csv_zip
from .figures import AnnualFigures, Progress, annual_figures
from .models import IN_PROGRESS, AnnualReport, AnnualReportStatus
from .pdf import render_report_pdf
from .tables import Table, report_tables

logger = logging.getLogger(__name__)

#: The first year of the platform's data a report may be asked for.
FIRST_YEAR = 2020
#: A pending report not started after this long is queued again (its task was lost).
REQUEUE_AFTER = dt.timedelta(minutes=5)
#: A running report not finished after this long is failed (its worker died).
RUNNING_TIMEOUT = dt.timedelta(minutes=30)


class ReportRequestError(Exception):
    """A request that cannot be accepted; the message is French, for the coordinator."""


@dataclass(frozen=True)
class ReportFiles:
    figures: AnnualFigures
    tables: list[Table]
    pages: int


def _no_progress(_step: str, _percent: int) -> None:
    return None


def annual_report_files(*, year: int, now: dt.datetime, pdf: BinaryIO, csv_zip: BinaryIO | None,
                        progress: Progress = _no_progress) -> ReportFiles:
    """Computes the figures of ``year`` as known at ``now`` and writes the PDF to ``pdf`` and
    the zip of CSV files to ``csv_zip`` (binary files). ``progress`` gets French steps and a
    percentage of the whole (figures 0–30, PDF 30–90, CSV 90–100). Raises ``ValueError`` for
    a year not begun at ``now``."""
    figures = annual_figures(year=year, now=now,
                             progress=lambda step, p: progress(step, p * 30 // 100))
    tables = report_tables(figures)
    pages = render_report_pdf(figures, tables, pdf,
                              progress=lambda step, p: progress(step, 30 + p * 60 // 100))
    if csv_zip is not None:
        progress("Fichiers CSV", 90)
        write_csv_zip(tables, csv_zip, year=year)
    return ReportFiles(figures=figures, tables=tables, pages=pages)


def _check_year(year: int, now: dt.datetime) -> None:
    this_year = now.astimezone(PARIS).year  # the year begins at midnight in Paris
    if not FIRST_YEAR <= year <= this_year:
        raise ReportRequestError(_(
            "Choisissez une année entre %(first)s et %(last)s : le bilan porte sur une année "
            "commencée.") % {"first": FIRST_YEAR, "last": this_year})


def annual_report_request(*, year: int, by: User | None,
                          now: dt.datetime) -> tuple[AnnualReport, bool]:
    """A request for the report of ``year`` by the coordinator ``by`` at ``now``: returns
    ``(report, created)``. While a report of that year is pending or running, no second one
    is made: that report is returned with ``created`` False (the partial unique index
    ``annual_report_one_in_progress_per_year`` settles two requests at the same instant).
    Otherwise a pending row is stored and the rendering task queued after commit. Raises
    ``ReportRequestError`` (French) for a year before ``FIRST_YEAR`` or not begun."""
    from .tasks import render_annual_report

    _check_year(year, now)
    existing = AnnualReport.objects.filter(year=year, status__in=IN_PROGRESS).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            report = AnnualReport.objects.create(year=year, requested_by=by, requested_at=now)
    except IntegrityError:
        existing = AnnualReport.objects.filter(year=year, status__in=IN_PROGRESS).first()
        if existing is None:  # finished in between: the constraint was not the cause
            raise
        return existing, False
    publish_on_commit(render_annual_report, report.pk)
    return report, True


def _progress_writer(report_id: int) -> Progress:
    last = {"percent": -1, "step": ""}

    def write(step: str, percent: int) -> None:
        percent = max(0, min(100, percent))
        if (step, percent) == (last["step"], last["percent"]):
            return
        last.update(step=step, percent=percent)
        AnnualReport.objects.filter(pk=report_id).update(progress_step=step[:200],
                                                         progress_percent=percent)

    return write


def annual_report_run(*, report_id: int, now: dt.datetime) -> AnnualReport | None:
    """Renders the pending report ``report_id`` with the data known at ``now``: marks it
    running (row locked, so two workers cannot both start it), writes its progress as it goes,
    then stores the PDF and the CSV zip and marks it done — or failed, with the error, when
    anything raises (the exception is logged, not raised). ``finished_at`` is ``now`` plus
    the elapsed time. Returns the report, or None when it was not pending (already run,
    running elsewhere, or gone): running the task twice renders once."""
    started = time.monotonic()
    with transaction.atomic():
        report = (AnnualReport.objects.select_for_update()
                  .filter(pk=report_id, status=AnnualReportStatus.PENDING).first())
        if report is None:
            return None
        report.status = AnnualReportStatus.RUNNING
        report.started_at = now
        report.progress_step, report.progress_percent = _("Démarrage"), 0
        report.save(update_fields=["status", "started_at", "progress_step",
                                   "progress_percent"])
    progress = _progress_writer(report.pk)
    try:
        with tempfile.TemporaryDirectory(prefix="bilan-") as directory:
            pdf_path, zip_path = Path(directory) / "bilan.pdf", Path(directory) / "bilan.zip"
            with pdf_path.open("wb") as pdf, zip_path.open("wb") as csv_zip:
                files = annual_report_files(year=report.year, now=now, pdf=pdf,
                                            csv_zip=csv_zip, progress=progress)
            stamp = now.strftime("%Y%m%d-%H%M")
            with pdf_path.open("rb") as pdf, zip_path.open("rb") as csv_zip:
                report.pdf.save(f"bilan-{report.year}-{stamp}.pdf", File(pdf), save=False)
                report.csv_zip.save(f"bilan-{report.year}-{stamp}-csv.zip", File(csv_zip),
                                    save=False)
    except Exception as exc:
        logger.exception("Annual report %s failed", report.pk)
        report.status = AnnualReportStatus.FAILED
        report.error = f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc(limit=8)}"
        report.finished_at = now + dt.timedelta(seconds=time.monotonic() - started)
        report.save(update_fields=["status", "error", "finished_at"])
        return report
    report.status = AnnualReportStatus.DONE
    report.pages = files.pages
    report.progress_step, report.progress_percent = _("Terminé"), 100
    report.finished_at = now + dt.timedelta(seconds=time.monotonic() - started)
    report.save(update_fields=["status", "pages", "pdf", "csv_zip", "progress_step",
                               "progress_percent", "finished_at"])
    return report


def annual_report_sweep(*, now: dt.datetime) -> tuple[int, int]:
    """Every few minutes (beat): pending reports requested more than ``REQUEUE_AFTER`` ago are
    queued again (their task was lost with the broker); running reports started more than
    ``RUNNING_TIMEOUT`` ago are marked failed (their worker died), which frees their year.
    Returns (requeued, failed)."""
    from .tasks import render_annual_report

    stale = list(AnnualReport.objects.filter(status=AnnualReportStatus.PENDING,
                                             requested_at__lt=now - REQUEUE_AFTER)
                 .values_list("pk", flat=True))
    for pk in stale:
        publish_on_commit(render_annual_report, pk)
    failed = AnnualReport.objects.filter(
        status=AnnualReportStatus.RUNNING, started_at__lt=now - RUNNING_TIMEOUT,
    ).update(status=AnnualReportStatus.FAILED, finished_at=now,
             error=_("Rendu interrompu (le processus de rendu s'est arrêté). Relancez la "
                     "demande."))
    return len(stale), failed
