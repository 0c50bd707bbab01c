import subprocess
from datetime import date

import pytest

from advisors.pdf import convention_pdf, format_siret
from tests.factories import ConventionFactory, StructureFactory

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "convention.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    )
    return result.stdout


def test_convention_pdf_is_filled_with_the_structure_details(tmp_path):
    structure = StructureFactory(
        legal_name="Association Jeunesse de Nérac-sur-Baïse",
        public_name="Info Jeunes Nérac",
        address="12 rue des Tilleuls",
        postal_code="47600",
        commune="Nérac",
        departement="47",
        siret="73282932000074",
    )
    convention = ConventionFactory(
        structure=structure,
        partner_signatory_name="Alex Fictif",
        partner_signatory_title="Président",
        services_start_on=date(2026, 4, 7),
    )
    pdf = convention_pdf(convention)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf, tmp_path)
    assert "Association Jeunesse de Nérac-sur-Baïse" in text
    assert "12 rue des Tilleuls, 47600 NÉRAC" in text
    assert "SIRET : 732 829 320 00074" in text
    assert "à partir du 07/04/2026" in text
    assert "Alex Fictif" in text and "Camille Durand" in text
    assert "Édité en double exemplaire" in text
    assert "Fait à Bordeaux, le" in text and "Fait à Nérac, le" in text
    for number in range(1, 12):
        assert f"Article {number} :" in text
    assert "Page 1 sur" in text


def test_services_start_left_blank_when_unknown(tmp_path):
    convention = ConventionFactory(signed_on=None, services_start_on=None)
    text = pdf_text(convention_pdf(convention), tmp_path)
    assert "à partir du" in text


def test_format_siret():
    assert format_siret("73282932000074") == "732 829 320 00074"
