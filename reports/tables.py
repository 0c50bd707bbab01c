"""The annual report's figures as tables: the same ``Table`` objects become the CSV files (one
file per table) and the tables of the PDF, so the two cannot disagree.

A cell is a raw value: ``int`` (a count), ``Hours`` (hours, a float), ``Rate`` (a fraction
between 0 and 1, or None when it has no denominator), ``Score`` (an average satisfaction from
1 to 5, or None without answers), ``dt.date`` or ``str``. ``csv_value`` writes it for a
French spreadsheet (``1234``, ``2,5``, ``0,1250``, ``3,67``, ``2026-03-02``), ``pdf_value`` for a
reader in French (``1 234``, ``2,5``, ``12,5 %``, ``3,7``, ``02/03/2026``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from bookings.statistics import AGE_BANDS, AGE_UNKNOWN, Outcome, Ranked, mode_label
from evaluations.statistics import Satisfaction
from vocabulary.codes import Status
from vocabulary.formatting import format_int
from vocabulary.spreadsheet import fixed, spreadsheet_cell

from .figures import AnnualFigures, Summary

#: Countries listed in the destinations' table (most wished first); zones are all listed.
TOP_DESTINATIONS = 30
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre")


class Hours(float):
    """A number of hours."""


class Rate:
    """A fraction between 0 and 1 (``value``), or no value when it has no denominator."""

    __slots__ = ("value",)

    def __init__(self, value: float | None) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Rate) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)


class Score(Rate):
    """An average satisfaction score (1 to 5), or no value when nothing was answered."""

    __slots__ = ()


class Gap:
    """A difference between two years: counts (signed), a rate's difference in points, or
    a score's difference (``score``)."""

    __slots__ = ("points", "score", "value")

    def __init__(self, value: float | None, *, points: bool = False,
                 score: bool = False) -> None:
        self.value, self.points, self.score = value, points, score


Cell = int | float | Rate | Gap | dt.date | str


@dataclass(frozen=True)
class Table:
    """One table of the report: ``slug`` names its CSV file, ``title`` (French) heads it in
    the PDF, ``columns`` are the header row, ``rows`` the values (one list per row)."""

    slug: str
    title: str
    columns: list[str]
    rows: Sequence[Sequence[Cell]]


def csv_value(value: Cell) -> str:
    """A cell for the CSV file « pour tableur » (``vocabulary.spreadsheet``, see the module
    docstring); None-valued rates are empty."""
    if isinstance(value, Score):
        return spreadsheet_cell(fixed(value.value, 2))
    if isinstance(value, Rate):
        return spreadsheet_cell(fixed(value.value, 4))
    if isinstance(value, Gap):
        if value.value is None:
            return ""
        if value.score:
            return spreadsheet_cell(fixed(value.value, 2))
        # No sign for a gain: a leading "+" reads as a formula (defusedcsv would quote it).
        return (spreadsheet_cell(fixed(value.value, 4)) if value.points
                else str(int(value.value)))
    return spreadsheet_cell(value)


def _french_number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def pdf_value(value: Cell) -> str:
    """A cell as printed in the PDF (see the module docstring); ``—`` for no value."""
    if isinstance(value, Score):
        return "—" if value.value is None else f"{value.value:.1f}".replace(".", ",")
    if isinstance(value, Rate):
        return "—" if value.value is None else f"{value.value * 100:.1f} %".replace(".", ",")
    if isinstance(value, Gap):
        if value.value is None:
            return "—"
        if value.score:
            return f"{value.value:+.1f}".replace(".", ",")
        if value.points:
            return f"{value.value * 100:+.1f} pt".replace(".", ",")
        return ("+" if value.value > 0 else "") + format_int(int(value.value))
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return format_int(value)
    if isinstance(value, float):
        return _french_number(value)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def month_label(day: dt.date) -> str:
    return f"{_MONTHS[day.month - 1]} {day.year}"


def outcome_columns() -> list[str]:
    return [str(Outcome.LABELS[outcome]) for outcome in Outcome.ORDER]


def _outcome_cells(outcomes: dict[str, int]) -> list[Cell]:
    cells: list[Cell] = [outcomes.get(outcome, 0) for outcome in Outcome.ORDER]
    return [*cells, sum(outcomes.values())]


def _gap(current: int | float | None, previous: int | float | None, *,
         points: bool = False, score: bool = False) -> Gap:
    if current is None or previous is None:
        return Gap(None, points=points, score=score)
    return Gap(current - previous, points=points, score=score)


def satisfaction_rows(figures: Satisfaction | None) -> list[list[Cell]]:
    """The questionnaires' lines of a structure's page (label, value); all zero or empty
    when none was sent."""
    sent = figures.sent if figures else 0
    answered = figures.answered if figures else 0
    return [
        ["Questionnaires d'évaluation envoyés", sent],
        ["Questionnaires répondus", answered],
        ["Taux de réponse", Rate(figures.response_rate if figures else None)],
        ["Satisfaction moyenne (de 1 à 5)", Score(figures.average if figures else None)],
        ["Jeunes satisfait·es (note 4 ou 5)", Rate(figures.satisfied_rate if figures else None)],
    ]


def _summary_rows(previous: Summary, current: Summary) -> list[list[Cell]]:
    def count(label: str, read) -> list[Cell]:
        return [label, read(previous), read(current), _gap(read(current), read(previous))]

    def rate(label: str, read) -> list[Cell]:
        return [label, Rate(read(previous)), Rate(read(current)),
                _gap(read(current), read(previous), points=True)]

    return [
        count("Entretiens réservés", lambda s: s.interviews),
        count("Demandes (entretiens non annulés à l'avance)", lambda s: s.requests),
        count("Entretiens réalisés", lambda s: s.attendance.held),
        count("Absences du ou de la jeune", lambda s: s.attendance.no_show),
        rate("Taux d'absence (absences / (réalisés + absences))",
             lambda s: s.attendance.no_show_rate),
        count("Annulés au dernier moment", lambda s: s.attendance.late_cancelled),
        count("Présence à renseigner", lambda s: s.attendance.to_record),
        count("Jeunes reçu·es (personnes distinctes)", lambda s: s.young_people),
        count("Sélections de programmes envoyées", lambda s: s.selections),
        count("Programmes envoyés", lambda s: s.programmes),
        count("Structures en convention en fin d'année",
              lambda s: s.network.structures_in_force_end),
        count("Conseiller·ères désigné·es en fin d'année", lambda s: s.network.advisors_end),
        count("Conseiller·ères formé·es dans l'année", lambda s: s.network.advisors_trained),
        count("Questionnaires d'évaluation envoyés", lambda s: s.satisfaction.sent),
        count("Questionnaires répondus", lambda s: s.satisfaction.answered),
        rate("Taux de réponse", lambda s: s.satisfaction.response_rate),
        ["Satisfaction moyenne (de 1 à 5)", Score(previous.satisfaction.average),
         Score(current.satisfaction.average),
         _gap(current.satisfaction.average, previous.satisfaction.average, score=True)],
        rate("Jeunes satisfait·es (note 4 ou 5)", lambda s: s.satisfaction.satisfied_rate),
    ]


def _network_rows(previous: Summary, current: Summary) -> list[list[Cell]]:
    rows = [
        ("Structures en convention au 1er janvier", "structures_in_force_start"),
        ("Structures en convention en fin d'année", "structures_in_force_end"),
        ("Conventions signées dans l'année", "conventions_signed"),
        ("Conventions terminées dans l'année", "conventions_ended"),
        ("Conseiller·ères désigné·es au 1er janvier", "advisors_start"),
        ("Conseiller·ères désigné·es en fin d'année", "advisors_end"),
        ("Désignations dans l'année", "advisors_designated"),
        ("Retraits dans l'année", "advisors_withdrawn"),
        ("Conseiller·ères formé·es dans l'année (formation initiale)", "advisors_trained"),
    ]
    return [[label, getattr(previous.network, name), getattr(current.network, name)]
            for label, name in rows]


def _counts_table(slug: str, title: str, column: str, counts: dict[str, int],
                  labels: dict[str, str], order: list[str] | None = None) -> Table:
    keys = order if order is not None else sorted(counts, key=lambda k: (-counts[k], k))
    rows: list[list[Cell]] = [[str(labels.get(key, key) or "non renseigné"), counts.get(key, 0)]
                              for key in keys if counts.get(key, 0) or order is not None]
    rows.append(["Total", sum(counts.values())])
    return Table(slug, title, [column, "Nombre"], rows)


def report_tables(figures: AnnualFigures) -> list[Table]:
    """Every table of the report, in the order of the PDF (one CSV file each)."""
    year, before = figures.year, figures.year - 1
    current, previous = figures.current, figures.previous
    outcomes = outcome_columns()
    structures = figures.structures
    tables = [
        Table("synthese", f"Chiffres clés {year}, comparés à {before}",
              ["Indicateur", str(before), str(year), "Écart"],
              _summary_rows(previous, current)),
        Table("entretiens_par_mois", f"Entretiens par mois en {year}",
              ["Mois", *outcomes, "Total"],
              [[month_label(month), *_outcome_cells(counts)]
               for month, counts in figures.by_month]
              + [["Total", *_outcome_cells(_sum_outcomes(c for _m, c in figures.by_month))]]),
        Table("entretiens_par_departement",
              f"Entretiens par département de la structure en {year}",
              ["Département", *outcomes, "Total"],
              [[f"{code} – {name}", *_outcome_cells(counts)]
               for code, name, counts in figures.by_departement]
              + [["Total", *_outcome_cells(
                  _sum_outcomes(c for _code, _name, c in figures.by_departement))]]),
        Table("entretiens_par_structure", f"Entretiens et heures offertes par structure en {year}",
              ["Structure", "Département", *outcomes, "Total", "Taux d'absence",
               "Heures offertes", "Semaines sous le minimum", "Questionnaires répondus",
               "Satisfaction moyenne (de 1 à 5)"],
              [[s.name, s.departement, *_outcome_cells(s.outcomes),
                Rate(s.attendance.no_show_rate), Hours(s.hours_offered), s.weeks_below,
                s.satisfaction.answered if s.satisfaction else 0,
                Score(s.satisfaction.average if s.satisfaction else None)]
               for s in structures]),
        Table("heures_par_semaine",
              "Heures offertes chaque semaine par structure, face au minimum hebdomadaire",
              ["Structure", "Département", "Semaine ISO", "Lundi", "Heures offertes", "Minimum",
               "Sous le minimum", "Motif"],
              [[s.name, s.departement, f"{w.iso_year}-S{w.iso_week:02d}", w.week_start,
                Hours(w.hours), w.minimum, "oui" if w.below_minimum else "non", w.reason]
               for s in structures for w in s.weeks]),
        _counts_table("entretiens_par_modalite", f"Entretiens par modalité en {year}",
                      "Modalité", figures.by_mode,
                      {mode: mode_label(mode) for mode in figures.by_mode}),
        _counts_table("demandes_par_age", f"Demandes par tranche d'âge en {year}",
                      "Âge le jour de l'entretien", figures.by_age_band, {},
                      order=[label for _low, _high, label in AGE_BANDS] + [AGE_UNKNOWN]),
        _counts_table("demandes_par_situation", f"Demandes par situation en {year}",
                      "Situation", figures.by_youth_status,
                      {code: str(label) for code, label in Status.choices}),
        _counts_table("demandes_par_departement_du_jeune",
                      f"Demandes par département du domicile en {year}",
                      "Département du domicile", figures.by_youth_departement, {}),
        Table("domaines_demandes", f"Domaines demandés en {year}", ["Domaine", "Demandes"],
              _ranked_rows(figures.domains)),
        Table("destinations_souhaitees",
              f"Destinations souhaitées par les jeunes des demandes de {year}",
              ["Destination", "Pays ou zone", "Jeunes"],
              _destination_rows(figures)),
        Table("programmes_recommandes", f"Programmes recommandés en {year}",
              ["Programme", "Envois"],
              [*_ranked_rows(figures.programmes.by_sheet),
               ["Sélections envoyées", figures.programmes.selections],
               ["Programmes envoyés (toutes fiches)", figures.programmes.programmes]]),
        Table("reseau", f"Le réseau en {year}, comparé à {before}",
              ["Indicateur", str(before), str(year)], _network_rows(previous, current)),
        Table("formations_par_type", f"Formations et temps collectifs en {year}",
              ["Type", "Sessions", "Inscrit·es", "Présent·es"],
              [[t.label, t.sessions, t.registered, t.attended]
               for t in current.network.training]),
        Table("sessions_de_formation", f"Sessions de formation en {year}",
              ["Date", "Type", "Intitulé", "Lieu", "Inscrit·es", "Présent·es"],
              [[s.date, s.kind_label, s.title, s.place, s.registered, s.attended]
               for s in current.network.sessions]),
    ]
    return tables


def _destination_rows(figures: AnnualFigures) -> list[list[Cell]]:
    wished = figures.destinations
    rows: list[list[Cell]] = [[row.label, "pays", row.count]
                              for row in wished.countries[:TOP_DESTINATIONS]]
    rows += [[row.label, "zone", row.count] for row in wished.zones]
    return [*rows, ["Jeunes ayant fait une demande", "", wished.people],
            ["dont avec un profil de mobilité", "", wished.with_profile]]


def _ranked_rows(rows: list[Ranked]) -> list[list[Cell]]:
    return [[row.label, row.count] for row in rows]


def _sum_outcomes(rows) -> dict[str, int]:
    total: dict[str, int] = {}
    for counts in rows:
        for outcome, n in counts.items():
            total[outcome] = total.get(outcome, 0) + n
    return total
