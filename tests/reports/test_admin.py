"""Coordinators ask for the annual report in admin, follow its progress and download it;
nobody else can (advisors, coordinators whose session has not passed MFA)."""

import html

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from reports.models import AnnualReport, AnnualReportStatus
from tests.factories import AdvisorUserFactory, CoordinatorFactory
from tests.staff_world import login_coordinator_with_mfa

pytestmark = pytest.mark.django_db

ADD = "admin:reports_annualreport_add"
LIST = "admin:reports_annualreport_changelist"


@pytest.fixture
def coordinator(client):
    coordinator = CoordinatorFactory(with_totp=True)
    login_coordinator_with_mfa(client, coordinator)
    return coordinator


def done_report(year=2025, by=None):
    report = AnnualReport.objects.create(year=year, requested_at=timezone.now(),
                                         requested_by=by, status=AnnualReportStatus.DONE,
                                         progress_percent=100, pages=42)
    report.pdf.save(f"bilan-{year}.pdf", ContentFile(b"%PDF-1.7 bilan"), save=False)
    report.csv_zip.save(f"bilan-{year}.zip", ContentFile(b"PK zip"), save=False)
    report.save()
    return report


def page(response) -> str:
    return html.unescape(response.content.decode())


def test_coordinator_asks_for_a_year_and_follows_its_progress(
        client, coordinator, django_capture_on_commit_callbacks):
    form = page(client.get(reverse(ADD)))
    assert "Demander un bilan annuel" in form and "Préparer le bilan" in form
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse(ADD), {"year": "2025"})
    report = AnnualReport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:reports_annualreport_change", args=[report.pk])
    assert len(callbacks) == 1  # the rendering task, queued after commit
    assert (report.year, report.status, report.requested_by) == (2025, "pending", coordinator)

    AnnualReport.objects.filter(pk=report.pk).update(
        status=AnnualReportStatus.RUNNING, progress_step="Pages des structures (1–25 sur 150)",
        progress_percent=47)
    shown = page(client.get(response.url))
    assert '<meta http-equiv="refresh" content="3">' in shown
    assert 'value="47"' in shown and "Pages des structures (1–25 sur 150)" in shown
    assert "en préparation" in shown

    # A second request for the same year joins the first one.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again = client.post(reverse(ADD), {"year": "2025"}, follow=True)
    assert not callbacks and AnnualReport.objects.count() == 1
    assert "Le bilan 2025 est déjà en préparation" in page(again)


@pytest.mark.parametrize(("year", "message"), [
    ("", "Indiquez l'année du bilan."),
    ("deux mille", "Indiquez une année entière en chiffres, par exemple 2026."),
    ("2026.5", "Indiquez une année entière en chiffres, par exemple 2026."),
    ("2019", "Choisissez une année entre 2020 et"),
    # Every integer out of the range gets the range (tester t9b F8), not « en chiffres ».
    ("1999", "Choisissez une année entre 2020 et"),
    ("2201", "Choisissez une année entre 2020 et"),
    ("-1", "Choisissez une année entre 2020 et"),
    ("0", "Choisissez une année entre 2020 et"),
    ("9" * 30, "Choisissez une année entre 2020 et"),
])
def test_a_bad_year_gets_a_french_message(client, coordinator, year, message):
    response = client.post(reverse(ADD), {"year": year})
    assert response.status_code == 200 and message in page(response)
    assert not AnnualReport.objects.exists()


def test_a_finished_report_offers_its_files_as_attachments(client, coordinator):
    report = done_report(by=coordinator)
    shown = page(client.get(reverse("admin:reports_annualreport_change", args=[report.pk])))
    assert "http-equiv" not in shown and "PDF (42 pages)" in shown and "CSV (zip)" in shown
    pdf = client.get(reverse("admin:reports_annualreport_pdf", args=[report.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="bilan-2025.pdf"'
    assert b"".join(pdf.streaming_content) == b"%PDF-1.7 bilan"
    archive = client.get(reverse("admin:reports_annualreport_csv", args=[report.pk]))
    assert archive["Content-Disposition"] == 'attachment; filename="bilan-2025-csv.zip"'
    assert "no-store" in archive["Cache-Control"]


def test_a_report_not_ready_has_no_file(client, coordinator):
    report = AnnualReport.objects.create(year=2025, requested_at=timezone.now())
    assert client.get(reverse("admin:reports_annualreport_pdf",
                              args=[report.pk])).status_code == 404


def test_the_list_keeps_every_report_with_who_and_when_in_few_queries(
        client, coordinator, django_assert_max_num_queries):
    for year in (2021, 2022, 2023, 2024):
        done_report(year=year, by=CoordinatorFactory())
    AnnualReport.objects.create(year=2025, requested_at=timezone.now(), requested_by=coordinator,
                                status=AnnualReportStatus.FAILED, error="OSError: disque plein")
    with django_assert_max_num_queries(12):
        listed = page(client.get(reverse(LIST)))
    assert listed.count("PDF (42 pages)") == 4 and "Échec" in listed


def test_advisors_and_coordinators_without_mfa_get_nothing(client):
    report = done_report()
    urls = [reverse(LIST), reverse(ADD),
            reverse("admin:reports_annualreport_pdf", args=[report.pk]),
            reverse("admin:reports_annualreport_csv", args=[report.pk])]
    client.force_login(AdvisorUserFactory())
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 403) and not response.has_header(
            "Content-Disposition"), url
    assert client.post(reverse(ADD), {"year": "2025"}).status_code in (302, 403)

    client.force_login(CoordinatorFactory(with_totp=True))  # no MFA step in this session
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "Content-Disposition" not in response, url
    client.post(reverse(ADD), {"year": "2025"})
    assert AnnualReport.objects.count() == 1
