"""Requesting and rendering the annual report: its states, its files, and the figures of the
PDF's text and of the CSV files on the hand-built year (tests/reports/world.py)."""

import csv
import datetime as dt
import io
import re
import zipfile

import pytest
import time_machine
from django.db import IntegrityError, transaction
from pypdf import PdfReader

from reports import services
from reports.models import AnnualReport, AnnualReportStatus
from reports.services import (
    ReportRequestError,
    annual_report_request,
    annual_report_run,
    annual_report_sweep,
)
from tests.factories import CoordinatorFactory
from tests.reports.world import NOW, YEAR, Year

pytestmark = pytest.mark.django_db


def pdf_text(report: AnnualReport) -> str:
    with report.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
        text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"[ \u00a0\u202f]+", " ", text)


def csv_files(report: AnnualReport) -> dict[str, list[list[str]]]:
    with report.csv_zip.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as z:
        return {name.rsplit("/", 1)[1]: list(csv.reader(io.StringIO(
            z.read(name).decode("utf-8-sig")), delimiter=";")) for name in z.namelist()}


def test_a_request_is_rendered_by_the_task_and_the_pdf_and_csv_agree(
        django_capture_on_commit_callbacks):
    Year()
    coordinator = CoordinatorFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report, created = annual_report_request(year=YEAR, by=coordinator, now=NOW)
    assert created and report.status == AnnualReportStatus.PENDING
    assert (report.requested_by, report.requested_at) == (coordinator, NOW)
    (queue,) = callbacks
    with time_machine.travel(NOW, tick=False):
        queue()  # the task, run in-process (no broker in tests), at NOW
    report.refresh_from_db()
    assert report.status == AnnualReportStatus.DONE, report.error
    assert (report.progress_percent, report.started_at) == (100, NOW)
    assert report.finished_at >= NOW and report.pages >= 15

    text = pdf_text(report)
    files = csv_files(report)
    assert set(files) >= {"synthese.csv", "entretiens_par_mois.csv",
                          "entretiens_par_departement.csv", "entretiens_par_structure.csv",
                          "heures_par_semaine.csv", "reseau.csv", "programmes_recommandes.csv",
                          "formations_par_type.csv", "domaines_demandes.csv"}
    # The table of contents, page numbers, the cover.
    assert "Bilan global annuel 2025" in text and "Sommaire" in text
    assert "Établi le 15 janvier 2026 à 10:00" in text
    assert re.search(r"Chiffres clés 2025 [. ]+3\b", text)
    assert re.search(r"Département 33 [. ]+16\b", text)  # C (16) p. 15, A (33) p. 16, B (64) p. 17
    # Key figures: the CSV row and the PDF's line.
    synthese = {row[0]: row[1:] for row in files["synthese.csv"]}
    assert synthese["Indicateur"] == ["2024", "2025", "Écart"]
    assert synthese["Entretiens réservés"] == ["2", "7", "5"]
    assert "Entretiens réservés 2 7 +5" in text
    assert synthese["Jeunes reçu·es (personnes distinctes)"] == ["1", "3", "2"]
    assert "Jeunes reçu·es (personnes distinctes) 1 3 +2" in text
    assert synthese["Taux d'absence (absences / (réalisés + absences))"][:2] == [
        "0,0000", "0,2000"]
    assert "0,0 % 20,0 % +20,0 pt" in text
    months = {row[0]: row[-1] for row in files["entretiens_par_mois.csv"]}
    assert (months["mars 2025"], months["juin 2025"], months["Total"]) == ("3", "2", "7")
    assert "mars 2025 3 0 0 0 0 0 0 3" in text
    structures = {row[0]: row for row in files["entretiens_par_structure.csv"]}
    bordeaux = structures["Info Jeunes Bordeaux Test"]
    assert bordeaux[1:] == ["33", "3", "1", "0", "0", "0", "1", "0", "5", "0,2500", "156", "1",
                            "2", "4,50"]
    assert structures["Info Jeunes Pau Test"][-2:] == ["1", "2,00"]
    assert structures["Info Jeunes Cognac Test"][-2:] == ["0", ""]
    # Satisfaction of the year against the year before (tests/reports/world.py).
    assert synthese["Questionnaires d'évaluation envoyés"] == ["1", "4", "3"]
    assert synthese["Questionnaires répondus"] == ["1", "3", "2"]
    assert synthese["Taux de réponse"] == ["1,0000", "0,7500", "-0,2500"]
    assert synthese["Satisfaction moyenne (de 1 à 5)"] == ["3,00", "3,67", "0,67"]
    assert synthese["Jeunes satisfait·es (note 4 ou 5)"] == ["0,0000", "0,6667", "0,6667"]
    assert "Questionnaires d'évaluation envoyés 1 4 +3" in text
    assert "aux de réponse 100,0 % 75,0 % -25,0 pt" in text  # "T aux": pypdf's kerning
    assert "Satisfaction moyenne (de 1 à 5) 3,0 3,7 +0,7" in text
    assert "Jeunes satisfait·es (note 4 ou 5) 0,0 % 66,7 % +66,7 pt" in text
    # The structure's own page: its figures, its weeks, its questionnaires.
    page = text[text.index("Info Jeunes Bordeaux Test (33)\nEntretiens en 2025"):]
    page = page[:page.index("Info Jeunes Pau Test (64)")]
    assert "156 h offertes sur 53 semaines ; 1 semaine sous le minimum" in page
    assert "aux d'absence (absences / (réalisés + absences)) 25,0 %" in page
    assert "Questionnaires d'évaluation envoyés 3\nQuestionnaires répondus 2" in page
    assert "aux de réponse 66,7 %\nSatisfaction moyenne (de 1 à 5) 4,5" in page
    assert "Jeunes satisfait·es (note 4 ou 5) 100,0 %" in page
    assert "jour férié dans la semaine (1 semaine)" in page
    weeks = [row for row in files["heures_par_semaine.csv"]
             if row[0] == "Info Jeunes Bordeaux Test"]
    assert len(weeks) == 53 and sum(float(row[4]) for row in weeks) == 156
    assert ["Info Jeunes Bordeaux Test", "33", "2025-S33", "2025-08-11", "0", "3", "oui",
            "jour férié dans la semaine"] in weeks
    network = {row[0]: row[1:] for row in files["reseau.csv"]}
    assert network["Conventions signées dans l'année"] == ["2", "1"]
    assert network["Conventions terminées dans l'année"] == ["0", "1"]
    assert "Conventions terminées dans l'année 0 1" in text
    wished = {row[0]: row[1:] for row in files["destinations_souhaitees.csv"]}
    assert wished["Allemagne"] == ["pays", "2"] and wished["Portugal"] == ["pays", "1"]
    assert wished["Jeunes ayant fait une demande"] == ["", "5"]
    assert wished["dont avec un profil de mobilité"] == ["", "2"]
    assert "Allemagne pays 2" in text and "dont avec un profil de mobilité 2" in text
    programmes = {row[0]: row[1] for row in files["programmes_recommandes.csv"]}
    assert programmes["Semestre à Berlin"] == "1" and "Semestre à Berlin 1" in text

    # Run again (a duplicated task): nothing happens.
    assert annual_report_run(report_id=report.pk, now=NOW) is None


def test_a_failure_is_stored_with_its_error_and_frees_the_year(monkeypatch):
    def disk_full(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(services, "render_report_pdf", disk_full)
    report = AnnualReport.objects.create(year=YEAR, requested_at=NOW)
    annual_report_run(report_id=report.pk, now=NOW)
    report.refresh_from_db()
    assert report.status == AnnualReportStatus.FAILED
    assert report.error.startswith("OSError: No space left on device")
    assert report.finished_at >= NOW and not report.pdf
    again, created = annual_report_request(year=YEAR, by=None, now=NOW)
    assert created and again.pk != report.pk


def test_a_second_request_while_one_is_running_joins_it():
    first, created = annual_report_request(year=YEAR, by=None, now=NOW)
    assert created
    AnnualReport.objects.filter(pk=first.pk).update(status=AnnualReportStatus.RUNNING)
    second, created = annual_report_request(year=YEAR, by=CoordinatorFactory(),
                                            now=NOW + dt.timedelta(minutes=1))
    assert (second.pk, created) == (first.pk, False)
    assert AnnualReport.objects.count() == 1
    # Another year is another report.
    assert annual_report_request(year=YEAR - 1, by=None, now=NOW)[1]


def test_the_database_holds_one_report_in_progress_per_year():
    AnnualReport.objects.create(year=YEAR, requested_at=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        AnnualReport.objects.create(year=YEAR, requested_at=NOW,
                                    status=AnnualReportStatus.RUNNING)
    AnnualReport.objects.create(year=YEAR, requested_at=NOW, status=AnnualReportStatus.DONE)
    AnnualReport.objects.create(year=YEAR, requested_at=NOW, status=AnnualReportStatus.FAILED)


@pytest.mark.parametrize("year", [2019, NOW.year + 1])
def test_a_year_out_of_range_is_refused_in_french(year):
    with pytest.raises(ReportRequestError, match="Choisissez une année entre 2020 et 2026"):
        annual_report_request(year=year, by=None, now=NOW)
    assert not AnnualReport.objects.exists()


def test_the_year_begins_at_midnight_in_paris():
    # 31 December 23:30 UTC is 1 January 0:30 in Paris: 2026 may be asked for.
    report, created = annual_report_request(
        year=2026, by=None, now=dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC))
    assert created and report.year == 2026


def test_the_sweep_requeues_lost_requests_and_fails_dead_renders(
        django_capture_on_commit_callbacks):
    lost = AnnualReport.objects.create(year=2024, requested_at=NOW - dt.timedelta(minutes=10))
    fresh = AnnualReport.objects.create(year=2023, requested_at=NOW - dt.timedelta(minutes=1))
    dead = AnnualReport.objects.create(year=2022, requested_at=NOW - dt.timedelta(hours=2),
                                       started_at=NOW - dt.timedelta(hours=1),
                                       status=AnnualReportStatus.RUNNING)
    alive = AnnualReport.objects.create(year=2021, requested_at=NOW - dt.timedelta(minutes=5),
                                        started_at=NOW - dt.timedelta(minutes=4),
                                        status=AnnualReportStatus.RUNNING)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert annual_report_sweep(now=NOW) == (1, 1)
    assert len(callbacks) == 1  # the lost one only
    statuses = dict(AnnualReport.objects.values_list("pk", "status"))
    assert statuses == {lost.pk: "pending", fresh.pk: "pending", dead.pk: "failed",
                        alive.pk: "running"}
    assert "interrompu" in AnnualReport.objects.get(pk=dead.pk).error
