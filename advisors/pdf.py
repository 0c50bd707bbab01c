"""The convention as a printable PDF (A4, black and white), for signature in two copies."""

from django.template.loader import render_to_string

from .models import Convention

CRIJ = {
    "name": "Centre Régional Information Jeunesse (CRIJ) Nouvelle-Aquitaine",
    "address": "125, cours Alsace-Lorraine, 33000 BORDEAUX",
    "siret": "307 336 636 000 39",
    "commune": "Bordeaux",
}


def format_siret(siret: str) -> str:
    """SIRET as printed on official letters: 123 456 789 00012."""
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}" if len(siret) == 14 else siret


def convention_pdf(convention: Convention) -> bytes:
    # WeasyPrint takes about two seconds to import: load it only when a PDF is asked for.
    from weasyprint import HTML

    structure = convention.structure
    html = render_to_string(
        "advisors/convention_pdf.html",
        {
            "convention": convention,
            "structure": structure,
            "structure_siret": format_siret(structure.siret),
            "crij": CRIJ,
        },
    )
    return HTML(string=html).write_pdf()
