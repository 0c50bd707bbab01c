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
