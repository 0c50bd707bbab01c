"""The PDF's parts: laid out by worker processes or in this process (a Celery worker's
daemon process may not have children), the same document; the structures' pages get their
numbers afterwards."""

import io
import re

import pytest
from pypdf import PdfReader

from reports.figures import annual_figures
from reports.pdf import render_report_pdf
from reports.tables import report_tables
from tests.reports.world import NOW, YEAR, Year

pytestmark = pytest.mark.django_db


def render(figures, tables, processes):
    output = io.BytesIO()
    pages = render_report_pdf(figures, tables, output, processes=processes)
    reader = PdfReader(io.BytesIO(output.getvalue()))
    texts = [re.sub(r"[ \u00a0\u202f]+", " ", page.extract_text()) for page in reader.pages]
    assert len(texts) == pages
    return texts


def test_the_pool_and_a_single_process_make_the_same_document():
    Year()
    figures = annual_figures(year=YEAR, now=NOW)
    tables = report_tables(figures)
    pooled = render(figures, tables, processes=2)
    alone = render(figures, tables, processes=1)
    assert pooled == alone
    # Every page is numbered in order, the structures' pages (stamped afterwards) too.
    assert [re.search(r"page (\d+)\s*$", text).group(1) for text in pooled[1:]] == [
        str(n) for n in range(2, len(pooled) + 1)]
    assert pooled[-1].startswith("Info Jeunes Pau Test (64)\nEntretiens en 2025")


def test_every_chart_says_what_is_empty_in_its_own_terms(monkeypatch):
    # Tester t9b F4: the empty countries and programmes charts said « Aucun entretien sur la
    # période » in a report of 123 interviews. F5: « (1 structures) ».
    from reports import pdf

    Year()
    figures = annual_figures(year=YEAR, now=NOW)
    tables = report_tables(figures)
    drawn: dict[str, str] = {}

    def record(**kwargs):
        drawn[kwargs["title"]] = kwargs["empty_message"]
        return b""

    monkeypatch.setattr(pdf, "bars_svg", record)
    monkeypatch.setattr(pdf, "stacked_bars_svg", record)
    pdf._sections(figures, {table.slug: table for table in tables})

    assert drawn[f"Pays les plus souhaités en {YEAR}"] == (
        "Aucun pays indiqué dans les profils de mobilité")
    assert drawn[f"Programmes les plus recommandés en {YEAR}"] == (
        f"Aucun programme envoyé en {YEAR}")
    assert drawn[f"Domaines demandés en {YEAR}"] == "Aucun domaine indiqué"
    assert drawn[f"Entretiens par mois en {YEAR}"] == f"Aucun entretien en {YEAR}"
    assert "Aucun entretien sur la période" not in drawn.values()
    structure_titles = [title for title in drawn if title.startswith("Entretiens par structure")]
    assert structure_titles
    for title in structure_titles:
        count = int(re.search(r"\((\d+) structures?\)", title).group(1))
        assert title.endswith("structure)" if count < 2 else "structures)"), title
