"""The annual report as a PDF (WeasyPrint), rendered in parts joined with pypdf so that memory
stays flat whatever the number of structures (WeasyPrint keeps the whole layout of a document
in memory).

Parts: the first part (cover, table of contents, every section) and the structures' pages,
``STRUCTURES_PER_PART`` at a time. Each part continues the page numbering of the parts
before (``@page :first { counter-reset: page N }``); the table of contents links its own
sections with ``target-counter`` and gives the pages of the structures' part as numbers
read from the rendered parts (``Page.anchors``), so the first part is laid out twice: once to
know its length, once with those numbers.
"""

from __future__ import annotations

import base64
import gc
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.template.loader import render_to_string

from bookings.statistics import PARIS, Outcome
from somobilite.charts import bars_svg, stacked_bars_svg
from vocabulary.formatting import format_date

from .figures import AnnualFigures, StructureYear
from .tables import (
    Cell,
    Hours,
    Rate,
    Table,
    month_label,
    outcome_columns,
    pdf_value,
    satisfaction_rows,
)

#: Structures' pages laid out in one WeasyPrint document (memory grows with a document).
STRUCTURES_PER_PART = 25
#: Weeks on one line of a structure's weekly grid.
WEEKS_PER_LINE = 14
EMPTY = "Aucun entretien sur la période"

Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class PdfTable:
    """A ``Table`` as printed: each cell is (text, is_a_number)."""

    title: str
    columns: list[str]
    rows: list[list[tuple[str, bool]]]


def pdf_table(table: Table) -> PdfTable:
    return PdfTable(title=table.title, columns=table.columns,
                    rows=[[(pdf_value(cell), not isinstance(cell, str)) for cell in row]
                          for row in table.rows])


def _image(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def _outcome_series(counts: Sequence[dict[str, int]]) -> list[tuple[str, list[int]]]:
    return [(label, [c.get(outcome, 0) for c in counts])
            for outcome, label in zip(Outcome.ORDER, outcome_columns(), strict=True)]


def _stacked(categories: list[str], counts: Sequence[dict[str, int]], title: str) -> dict:
    svg = stacked_bars_svg(categories=categories, series=_outcome_series(counts), title=title,
                           value_label="entretiens", empty_message=EMPTY)
    return {"chart": _image(svg), "alt": title}


def _bars(rows: Sequence[Sequence[Any]], title: str, value_label: str) -> dict:
    rows = [row for row in rows if row[0] != "Total"]
    svg = bars_svg(categories=[str(row[0]) for row in rows], values=[row[1] for row in rows],
                   title=title, value_label=value_label, empty_message=EMPTY)
    return {"chart": _image(svg), "alt": title}


def _sections(figures: AnnualFigures, tables: dict[str, Table]) -> list[dict]:
    year = figures.year

    def table(slug: str, *, wide: bool = False) -> dict:
        return {"table": pdf_table(tables[slug]), "subtitle": tables[slug].title, "wide": wide}

    by_departement: dict[str, list[StructureYear]] = {}
    for structure in figures.structures:
        by_departement.setdefault(structure.departement, []).append(structure)
    # One hatch per figure (cheaper to lay out than stacked outcomes, which the table and
    # the structures' pages give).
    structure_charts = [
        _bars([[s.name, s.interviews] for s in structures],
              f"Entretiens par structure – {code} ({len(structures)} structures)", "entretiens")
        for code, structures in by_departement.items()]
    return [
        {"anchor": "chiffres-cles", "title": f"Chiffres clés {year}",
         "intro": [f"Entretiens dont le début tombe en {year} (heure de Paris), comparés à "
                   f"{year - 1}. Un entretien est un rendez-vous réservé et confirmé ; les "
                   "jeunes anonymisé·es depuis comptent comme les autres. Questionnaires "
                   "d'évaluation : ceux envoyés au sujet des entretiens de l'année ; "
                   "satisfaction notée de 1 à 5."],
         "blocks": [table("synthese")]},
        {"anchor": "mois", "title": "Entretiens par mois",
         "blocks": [_stacked([month_label(m) for m, _c in figures.by_month],
                             [c for _m, c in figures.by_month], f"Entretiens par mois en {year}"),
                    table("entretiens_par_mois", wide=True)]},
        {"anchor": "departements", "title": "Entretiens par département",
         "blocks": [_stacked([f"{code} – {name}" for code, name, _c in figures.by_departement],
                             [c for _code, _name, c in figures.by_departement],
                             f"Entretiens par département de la structure en {year}"),
                    table("entretiens_par_departement", wide=True)]},
        {"anchor": "structures-graphiques", "title": "Entretiens par structure",
         "intro": ["Une figure par département ; chaque structure a aussi sa page plus loin."],
         "blocks": structure_charts},
        {"anchor": "structures-tableau", "title": "Tableau des structures", "wide": True,
         "intro": [f"Heures offertes : créneaux publiés par les conseiller·ères réservables, "
                   f"nets des absences et jours fériés, semaines ISO du "
                   f"{format_date(figures.weeks_from)} au {format_date(figures.weeks_to)} ; "
                   f"minimum de la convention : {settings.WEEKLY_MINIMUM_HOURS} h par semaine."]
         if figures.weeks_from and figures.weeks_to else [],
         "blocks": [table("entretiens_par_structure")]},
        {"anchor": "public", "title": "Qui a été reçu",
         "intro": ["Demandes : entretiens non annulés à l'avance. Âge le jour de l'entretien, "
                   "situation et domicile déclarés à la réservation."],
         "blocks": [
             _bars(tables["entretiens_par_modalite"].rows, f"Entretiens par modalité en {year}",
                   "entretiens"), table("entretiens_par_modalite"),
             _bars(tables["demandes_par_age"].rows, f"Demandes par tranche d'âge en {year}",
                   "demandes"), table("demandes_par_age"),
             _bars(tables["demandes_par_situation"].rows, f"Demandes par situation en {year}",
                   "demandes"), table("demandes_par_situation"),
             table("demandes_par_departement_du_jeune"),
             _bars(tables["domaines_demandes"].rows, f"Domaines demandés en {year}",
                   "demandes"), table("domaines_demandes"),
             _bars([[row.label, row.count] for row in figures.destinations.countries[:15]],
                   f"Pays les plus souhaités en {year}", "jeunes"),
             table("destinations_souhaitees")]},
        {"anchor": "programmes", "title": "Programmes recommandés",
         "intro": ["Programmes envoyés aux jeunes par les conseiller·ères (sélections de "
                   "fiches), les plus envoyés d'abord."],
         "blocks": [_bars([[row.label, row.count] for row in figures.programmes.by_sheet[:15]],
                          f"Programmes les plus recommandés en {year}", "envois"),
                    table("programmes_recommandes")]},
        {"anchor": "reseau", "title": "Le réseau",
         "intro": [f"Conventions selon leurs règles (articles 5 à 10) ; fin d'année : le "
                   f"{figures.reference_day:%d/%m/%Y}."],
         "blocks": [table("reseau"), table("formations_par_type"),
                    table("sessions_de_formation")]},
    ]


def _week_text(hours: float) -> str:
    return pdf_value(Hours(hours))


def _structure_page(structure: StructureYear, first_of_departement: bool,
                    year: int) -> dict:
    attendance = structure.attendance
    rows: list[list[Cell]] = [
        [label, structure.outcomes.get(outcome, 0)]
        for outcome, label in zip(Outcome.ORDER, outcome_columns(), strict=True)]
    outcomes = Table("", "", ["Issue", "Entretiens"], [*rows, ["Total", structure.interviews]])
    attendance_rows: list[list[Cell]] = [
        ["Entretiens réalisés", attendance.held],
        ["Absences du ou de la jeune", attendance.no_show],
        ["Taux d'absence (absences / (réalisés + absences))", Rate(attendance.no_show_rate)],
        ["Annulés au dernier moment", attendance.late_cancelled],
        ["Présence à renseigner", attendance.to_record],
        *satisfaction_rows(structure.satisfaction),
    ]
    figures = Table("", "", ["Indicateur", "Valeur"], attendance_rows)
    weeks = [{"label": f"S{w.iso_week}" if w.iso_year == year else
              f"S{w.iso_week}/{w.iso_year % 100:02d}", "text": _week_text(w.hours),
              "below_minimum": w.below_minimum} for w in structure.weeks]
    reasons = Counter(w.reason for w in structure.weeks if w.below_minimum and w.reason)
    return {
        "id": structure.id, "name": structure.name, "departement": structure.departement,
        "departement_anchor": f"dep-{structure.departement}" if first_of_departement else "",
        "outcomes": pdf_table(outcomes), "attendance": pdf_table(figures),
        "weeks": [weeks[i:i + WEEKS_PER_LINE] for i in range(0, len(weeks), WEEKS_PER_LINE)],
        "week_count": len(weeks), "hours": pdf_value(Hours(structure.hours_offered)),
        # French: plural from 2 on ("0 semaine", "1 semaine", "2 semaines").
        "weeks_below_text": f"{structure.weeks_below} semaine"
        + ("s" if structure.weeks_below > 1 else ""),
        "reasons": ", ".join(f"{reason} ({n} semaine{'s' if n > 1 else ''})"
                             for reason, n in reasons.most_common()),
    }


def _render(html: str, path: Path) -> tuple[int, dict[str, int]]:
    """Lays out ``html``, writes it to ``path``; returns its number of pages and the page
    index (0-based, in this part) of each anchor."""
    from weasyprint import HTML

    document = HTML(string=html).render()
    anchors = {name: index for index, page in enumerate(document.pages)
               for name in page.anchors}
    document.write_pdf(path)
    pages = len(document.pages)
    del document
    gc.collect()
    return pages, anchors


def render_report_pdf(figures: AnnualFigures, tables: list[Table], output: BinaryIO, *,
                      progress: Progress = lambda _step, _percent: None) -> int:
    """Writes the report's PDF to ``output`` (a binary file) and returns its number of pages.
    ``progress`` is told each part (percent of the PDF's work). Raises what WeasyPrint or
    pypdf raise on failure."""
    from pypdf import PdfWriter

    by_slug = {table.slug: table for table in tables}
    made = figures.now.astimezone(PARIS)
    common = {"year": figures.year, "minimum": settings.WEEKLY_MINIMUM_HOURS,
              "made_on": f"{format_date(made.date())} à {made:%H:%M}",
              "reference_day": format_date(figures.reference_day),
              "partial_year": figures.reference_day.month != 12
              or figures.reference_day.day != 31}
    progress("Graphiques", 0)
    sections = _sections(figures, by_slug)
    toc = [{"title": s["title"], "anchor": s["anchor"]} for s in sections]
    departements = list(dict.fromkeys(s.departement for s in figures.structures))

    def first_part(structure_pages: dict[str, int] | None) -> str:
        entries = list(toc)
        if figures.structures:
            known = structure_pages or {}
            entries.append({"title": "Fiches par structure",
                            "page": known.get("structures", "…")})
            entries += [{"title": f"Département {code}", "sub": True,
                         "page": known.get(f"dep-{code}", "…")} for code in departements]
        return render_to_string("reports/annual_report_pdf.html", {
            **common, "first_page": 1, "toc": entries, "sections": sections})

    seen: set[str] = set()
    pages = []
    for structure in figures.structures:
        pages.append(_structure_page(structure, structure.departement not in seen,
                                     figures.year))
        seen.add(structure.departement)
    chunks = [pages[i:i + STRUCTURES_PER_PART]
              for i in range(0, len(pages), STRUCTURES_PER_PART)]

    with tempfile.TemporaryDirectory(prefix="bilan-") as directory:
        folder = Path(directory)
        progress("Mise en page de la synthèse", 10)
        front_pages, _anchors = _render(first_part(None), folder / "front.pdf")
        for _attempt in range(3):
            numbers: dict[str, int] = {}
            next_page = front_pages + 1
            if chunks:
                numbers["structures"] = next_page
            for index, chunk in enumerate(chunks):
                progress(f"Pages des structures ({index * STRUCTURES_PER_PART + 1}–"
                         f"{index * STRUCTURES_PER_PART + len(chunk)} sur {len(pages)})",
                         20 + 70 * index // max(len(chunks), 1))
                html = render_to_string("reports/structures_pdf.html", {
                    **common, "first_page": next_page, "pages": chunk})
                count, anchors = _render(html, folder / f"part-{index:03d}.pdf")
                numbers.update({name: next_page + i for name, i in anchors.items()
                                if name.startswith("dep-")})
                next_page += count
            progress("Sommaire et assemblage", 90)
            again, _anchors = _render(first_part(numbers), folder / "front.pdf")
            if again == front_pages:
                break
            front_pages = again  # the table of contents changed the first part's length
        writer = PdfWriter()
        for part in [folder / "front.pdf",
                     *(folder / f"part-{i:03d}.pdf" for i in range(len(chunks)))]:
            writer.append(str(part))
        writer.add_metadata({"/Title": f"So Mobilité – bilan global annuel {figures.year}"})
        writer.write(output)
        total = len(writer.pages)
        writer.close()
    progress("PDF prêt", 100)
    return total
