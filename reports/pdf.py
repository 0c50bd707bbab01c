"""The annual report as a PDF (WeasyPrint), rendered in parts joined with pypdf so that memory
stays flat whatever the number of structures (WeasyPrint keeps the whole layout of a document
in memory).

Parts (see ``render_report_pdf``): the cover with the table of contents, the sections, and
the structures' pages ``STRUCTURES_PER_PART`` at a time, laid out by worker processes at
once. The table of contents gives page numbers read from the rendered parts
(``Page.anchors``); the charts are PNG images (WeasyPrint draws an SVG's every path itself).
"""

from __future__ import annotations

import base64
import contextlib
import gc
import multiprocessing
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.template.loader import render_to_string

from bookings.statistics import PARIS, Outcome
from somobilite.charts import bars_svg, stacked_bars_svg
from vocabulary.formatting import format_count, format_date

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
STRUCTURES_PER_PART = 12
#: Worker processes laying out the parts at once (the machine's 2 cores).
RENDER_PROCESSES = 2
#: Weeks on one line of a structure's weekly grid.
WEEKS_PER_LINE = 14

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


def _image(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def _outcome_series(counts: Sequence[dict[str, int]]) -> list[tuple[str, list[int]]]:
    return [(label, [c.get(outcome, 0) for c in counts])
            for outcome, label in zip(Outcome.ORDER, outcome_columns(), strict=True)]


def _stacked(categories: list[str], counts: Sequence[dict[str, int]], title: str, *,
             empty: str) -> dict:
    """A chart of interviews stacked by outcome; ``empty`` is drawn when there is nothing to
    show, in the chart's own terms (tester t9b F4: one generic « Aucun entretien » read as
    wrong on charts of countries or programmes)."""
    svg = stacked_bars_svg(categories=categories, series=_outcome_series(counts), title=title,
                           value_label="entretiens", empty_message=empty, image_format="png")
    return {"chart": _image(svg), "alt": title}


def _bars(rows: Sequence[Sequence[Any]], title: str, value_label: str, *, empty: str) -> dict:
    """A chart of one count per row (a « Total » row left out); ``empty`` as in ``_stacked``."""
    rows = [row for row in rows if row[0] != "Total"]
    svg = bars_svg(categories=[str(row[0]) for row in rows], values=[row[1] for row in rows],
                   title=title, value_label=value_label, empty_message=empty,
                   image_format="png")
    return {"chart": _image(svg), "alt": title}


def section_titles(year: int) -> list[tuple[str, str]]:
    """The sections of the report's first part: (anchor, French title), in order."""
    return [("chiffres-cles", f"Chiffres clés {year}"), ("mois", "Entretiens par mois"),
            ("departements", "Entretiens par département"),
            ("structures-graphiques", "Entretiens par structure"),
            ("structures-tableau", "Tableau des structures"), ("public", "Qui a été reçu"),
            ("programmes", "Programmes recommandés"), ("reseau", "Le réseau")]


def _sections(figures: AnnualFigures, tables: dict[str, Table]) -> list[dict]:
    year = figures.year
    titles = dict(section_titles(year))

    def table(slug: str, *, wide: bool = False) -> dict:
        return {"table": pdf_table(tables[slug]), "subtitle": tables[slug].title, "wide": wide}

    by_departement: dict[str, list[StructureYear]] = {}
    for structure in figures.structures:
        by_departement.setdefault(structure.departement, []).append(structure)
    # One hatch per figure (cheaper to lay out than stacked outcomes, which the table and
    # the structures' pages give).
    structure_charts = [
        _bars([[s.name, s.interviews] for s in structures],
              f"Entretiens par structure – {code} ({format_count(len(structures), 'structure')})",
              "entretiens", empty=f"Aucun entretien dans ces structures en {year}")
        for code, structures in by_departement.items()]
    return [
        {"anchor": "chiffres-cles", "title": titles["chiffres-cles"],
         "intro": [f"Entretiens dont le début tombe en {year} (heure de Paris), comparés à "
                   f"{year - 1}. Un entretien est un rendez-vous réservé et confirmé ; les "
                   "jeunes anonymisé·es depuis comptent comme les autres. Questionnaires "
                   "d'évaluation : ceux envoyés au sujet des entretiens de l'année ; "
                   "satisfaction notée de 1 à 5."],
         "blocks": [table("synthese")]},
        {"anchor": "mois", "title": titles["mois"],
         "blocks": [_stacked([month_label(m) for m, _c in figures.by_month],
                             [c for _m, c in figures.by_month], f"Entretiens par mois en {year}",
                             empty=f"Aucun entretien en {year}"),
                    table("entretiens_par_mois", wide=True)]},
        {"anchor": "departements", "title": titles["departements"],
         "blocks": [_stacked([f"{code} – {name}" for code, name, _c in figures.by_departement],
                             [c for _code, _name, c in figures.by_departement],
                             f"Entretiens par département de la structure en {year}",
                             empty=f"Aucun entretien en {year}"),
                    table("entretiens_par_departement", wide=True)]},
        {"anchor": "structures-graphiques", "title": titles["structures-graphiques"],
         "intro": ["Une figure par département ; chaque structure a aussi sa page plus loin."],
         "blocks": structure_charts},
        {"anchor": "structures-tableau", "title": titles["structures-tableau"], "wide": True,
         "intro": [f"Heures offertes : créneaux publiés par les conseiller·ères réservables, "
                   f"nets des absences et jours fériés, semaines ISO du "
                   f"{format_date(figures.weeks_from)} au {format_date(figures.weeks_to)} ; "
                   f"minimum de la convention : {settings.WEEKLY_MINIMUM_HOURS} h par semaine."]
         if figures.weeks_from and figures.weeks_to else [],
         "blocks": [table("entretiens_par_structure")]},
        {"anchor": "public", "title": titles["public"],
         "intro": ["Demandes : entretiens non annulés à l'avance. Âge le jour de l'entretien, "
                   "situation et domicile déclarés à la réservation."],
         "blocks": [
             _bars(tables["entretiens_par_modalite"].rows, f"Entretiens par modalité en {year}",
                   "entretiens", empty=f"Aucun entretien en {year}"),
             table("entretiens_par_modalite"),
             _bars(tables["demandes_par_age"].rows, f"Demandes par tranche d'âge en {year}",
                   "demandes", empty=f"Aucune demande en {year}"), table("demandes_par_age"),
             _bars(tables["demandes_par_situation"].rows, f"Demandes par situation en {year}",
                   "demandes", empty=f"Aucune demande en {year}"), table("demandes_par_situation"),
             table("demandes_par_departement_du_jeune"),
             _bars(tables["domaines_demandes"].rows, f"Domaines demandés en {year}",
                   "demandes", empty="Aucun domaine indiqué"), table("domaines_demandes"),
             _bars([[row.label, row.count] for row in figures.destinations.countries[:15]],
                   f"Pays les plus souhaités en {year}", "jeunes",
                   empty="Aucun pays indiqué dans les profils de mobilité"),
             table("destinations_souhaitees")]},
        {"anchor": "programmes", "title": titles["programmes"],
         "intro": ["Programmes envoyés aux jeunes par les conseiller·ères (sélections de "
                   "fiches), les plus envoyés d'abord."],
         "blocks": [_bars([[row.label, row.count] for row in figures.programmes.by_sheet[:15]],
                          f"Programmes les plus recommandés en {year}", "envois",
                          empty=f"Aucun programme envoyé en {year}"),
                    table("programmes_recommandes")]},
        {"anchor": "reseau", "title": titles["reseau"],
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
        "hours": pdf_value(Hours(structure.hours_offered)),
        "weeks_text": format_count(len(weeks), "semaine"),
        "weeks_below_text": format_count(structure.weeks_below, "semaine"),
        "reasons": ", ".join(f"{reason} ({format_count(n, 'semaine')})"
                             for reason, n in reasons.most_common()),
    }


def _render(html: str, path: Path) -> tuple[int, dict[str, int]]:
    """Lays out ``html``, writes it to ``path``; returns its number of pages and the page
    index (0-based, in this part) of each anchor. Runs in a worker process."""
    from weasyprint import HTML

    document = HTML(string=html).render()
    anchors = {name: index for index, page in enumerate(document.pages)
               for name in page.anchors}
    document.write_pdf(path)
    pages = len(document.pages)
    del document
    gc.collect()
    return pages, anchors


def _render_sections(figures: AnnualFigures, tables: list[Table], context: dict[str, Any],
                     path: Path) -> tuple[int, dict[str, int]]:
    """Draws the charts and lays out the sections' part (in a worker process: the charts
    are as costly as the layout)."""
    sections = _sections(figures, {table.slug: table for table in tables})
    html = render_to_string("reports/annual_report_pdf.html", {
        **context, "part": "sections", "sections": sections})
    return _render(html, path)


class _InProcess(Executor):
    """Runs each task when it is submitted (a Celery worker's process may not have
    children of its own)."""

    def submit(self, fn, /, *args, **kwargs):
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:
            future.set_exception(error)
        return future


@contextlib.contextmanager
def _executor(processes: int) -> Iterator[Executor]:
    """The pool laying out the parts: ``processes`` forked workers, or this process when it
    is a daemon. Before forking, the objects already made are frozen out of the garbage
    collector's reach: its passes would otherwise write to every object's header in each
    worker, copying pages the workers could share with this process (memory counted once)."""
    if processes > 1 and not multiprocessing.current_process().daemon:
        gc.collect()
        gc.freeze()
        try:
            # Fork: the workers get Django set up and only lay out HTML (no database).
            with ProcessPoolExecutor(
                    processes, mp_context=multiprocessing.get_context("fork")) as pool:
                yield pool
        finally:
            gc.unfreeze()
    else:
        with _InProcess() as pool:
            yield pool


def _render_parts(folder: Path, front: Callable[[dict[str, int] | None], str],
                  figures: AnnualFigures, tables: list[Table], chunks: list[list[dict]],
                  common: dict[str, Any], processes: int,
                  progress: Progress) -> tuple[int, int, int]:
    """Lays out every part into ``folder`` (front.pdf, sections.pdf, part-NNN.pdf); returns
    the cover's and the sections' numbers of pages and the page after the last. The worker
    processes end before the parts are joined (their memory is given back first)."""
    pages = sum(len(chunk) for chunk in chunks)

    def sections(pool: Executor, first_page: int) -> Future:
        return pool.submit(_render_sections, figures, tables,
                           {**common, "first_page": first_page}, folder / "sections.pdf")

    with _executor(processes) as pool:
        progress("Mise en page", 0)
        front_pages, _anchors = _render(front(None), folder / "front.pdf")
        # The sections first: the longest part, while the structures' parts fill the pool.
        sections_part = sections(pool, front_pages + 1)
        parts = [pool.submit(_render, render_to_string("reports/structures_pdf.html", {
            **common, "first_page": 1, "unnumbered": True, "pages": chunk}),
            folder / f"part-{index:03d}.pdf") for index, chunk in enumerate(chunks)]
        for _attempt in range(3):
            section_pages, anchors = sections_part.result()
            numbers = {name: front_pages + 1 + index for name, index in anchors.items()}
            next_page = front_pages + section_pages + 1
            if chunks:
                numbers["structures"] = next_page
            for index, part in enumerate(parts):
                count, part_anchors = part.result()
                progress(f"Pages des structures ({index * STRUCTURES_PER_PART + 1}–"
                         f"{index * STRUCTURES_PER_PART + len(chunks[index])} sur {pages})",
                         10 + 80 * (index + 1) // len(parts))
                numbers.update({name: next_page + i for name, i in part_anchors.items()
                                if name.startswith("dep-")})
                next_page += count
            progress("Sommaire et assemblage", 90)
            again, _anchors = _render(front(numbers), folder / "front.pdf")
            if again == front_pages:
                break
            front_pages = again  # the Sommaire changed the cover's length: sections again
            sections_part = sections(pool, front_pages + 1)
    return front_pages, section_pages, next_page


def render_report_pdf(figures: AnnualFigures, tables: list[Table], output: BinaryIO, *,
                      progress: Progress = lambda _step, _percent: None,
                      processes: int = RENDER_PROCESSES) -> int:
    """Writes the report's PDF to ``output`` (a binary file) and returns its number of pages.
    ``progress`` is told each part (percent of the PDF's work). Raises what WeasyPrint or
    pypdf raise on failure.

    Parts, laid out by ``processes`` worker processes at once (in this process when it is a
    daemon, as a Celery worker's): the cover with the « Sommaire », the sections (charts
    and tables), and the structures' pages ``STRUCTURES_PER_PART`` at a time. The
    structures' parts are laid out without page numbers, so that they need not wait for the
    sections' length: their numbers are printed on them afterwards (a part of empty pages
    carrying only the numbers, merged onto them). The cover is laid out first with
    placeholders (to know its length), and again last with every section's page."""
    from pypdf import PdfReader, PdfWriter

    made = figures.now.astimezone(PARIS)
    common = {"year": figures.year, "minimum": settings.WEEKLY_MINIMUM_HOURS,
              "made_on": f"{format_date(made.date())} à {made:%H:%M}",
              "reference_day": format_date(figures.reference_day),
              "partial_year": figures.reference_day.month != 12
              or figures.reference_day.day != 31}
    departements = list(dict.fromkeys(s.departement for s in figures.structures))

    def front(numbers: dict[str, int] | None) -> str:
        known: dict[str, Any] = numbers or {}
        entries = [{"title": title, "page": known.get(anchor, "…")}
                   for anchor, title in section_titles(figures.year)]
        if figures.structures:
            entries.append({"title": "Fiches par structure",
                            "page": known.get("structures", "…")})
            entries += [{"title": f"Département {code}", "sub": True,
                         "page": known.get(f"dep-{code}", "…")} for code in departements]
        return render_to_string("reports/annual_report_pdf.html", {
            **common, "part": "front", "first_page": 1, "toc": entries})

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
        front_pages, section_pages, next_page = _render_parts(
            folder, front, figures, tables, chunks, common, processes, progress)
        structure_pages = next_page - (front_pages + section_pages + 1)
        writer = PdfWriter()
        for part_path in [folder / "front.pdf", folder / "sections.pdf",
                          *(folder / f"part-{i:03d}.pdf" for i in range(len(chunks)))]:
            writer.append(str(part_path))
        if structure_pages:
            _render(render_to_string("reports/page_numbers_pdf.html", {
                "first_page": front_pages + section_pages + 1,
                "pages": range(structure_pages)}), folder / "numbers.pdf")
            first = front_pages + section_pages
            for index, number_page in enumerate(PdfReader(folder / "numbers.pdf").pages):
                writer.pages[first + index].merge_page(number_page)
        writer.add_metadata({"/Title": f"So Mobilité – bilan global annuel {figures.year}"})
        writer.write(output)
        total = len(writer.pages)
        writer.close()
    progress("PDF prêt", 100)
    return total
