"""The blocks of the coordinators' statistics: each is a table of figures (what the page shows,
what its CSV holds) and the SVG chart drawn from the same numbers. One definition per block,
so the page, the chart and the CSV never disagree.

Every figure comes from ``bookings.statistics`` (database aggregations, shared with the
structure's page and the annual report); ``NetworkFigures`` computes each family of figures
once per request, and only those a block asks for (a chart or a CSV needs one family).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from bookings.statistics import (
    Filters,
    Outcome,
    attendance,
    booking_delay,
    booking_delay_bands,
    destinations_requested,
    domains_requested,
    interviews_by_mode_and_outcome,
    mode_label,
    occupancy,
    programmes_sent,
    youth_received,
)
from bookings.statistics_charts import mode_outcome_chart
from evaluations.models import DeparturePeriod, Intention, Usefulness
from evaluations.statistics import satisfaction
from somobilite.charts import bars_svg, stacked_bars_svg
from vocabulary.spreadsheet import fixed

#: Countries shown on the chart (the table and CSV list them all).
CHART_TOP = 15


class NetworkFigures:
    """The figures of one set of filters, each family computed on first use."""

    def __init__(self, filters: Filters, *, now: dt.datetime) -> None:
        self.filters = filters
        self.now = now

    @cached_property
    def by_mode_and_outcome(self):
        return interviews_by_mode_and_outcome(self.filters, now=self.now)

    @cached_property
    def attendance(self):
        return attendance(self.filters, now=self.now)

    @cached_property
    def delay(self):
        return booking_delay(self.filters)

    @cached_property
    def delay_bands(self):
        return booking_delay_bands(self.filters)

    @cached_property
    def occupancy(self):
        return occupancy(self.filters, now=self.now)

    @cached_property
    def received(self):
        return youth_received(self.filters)

    @cached_property
    def domains(self):
        return domains_requested(self.filters)

    @cached_property
    def destinations(self):
        return destinations_requested(self.filters)

    @cached_property
    def programmes(self):
        return programmes_sent(self.filters, top=20)

    @cached_property
    def satisfaction(self):
        return satisfaction(self.filters)


def percent(rate: float | None) -> str:
    """A fraction as a French percentage with one decimal (``"—"`` for None)."""
    # number_format truncates: round first (2/3 is 66,7 %).
    return "—" if rate is None else f"{number_format(round(rate * 100, 1), 1)} %"


def days(value: float | None) -> str:
    return "—" if value is None else f"{number_format(round(value, 1), 1)} j"


@dataclass(frozen=True)
class Table:
    """``headers`` (column titles), ``rows`` (first cell a label, then values as shown),
    ``csv_rows`` (the same with numbers unformatted, or more detailed under ``csv_headers``),
    ``footer`` (a total row or None)."""

    headers: list[str]
    rows: list[list[object]]
    csv_rows: list[list[object]]
    footer: list[object] | None = None
    csv_headers: list[str] | None = None


@dataclass(frozen=True)
class Block:
    slug: str
    title: str
    note: str
    alt: str
    table: Callable[[NetworkFigures], Table]
    chart: Callable[[NetworkFigures, bool], bytes]


# --- Interviews ----------------------------------------------------------------------------------


def _interviews_table(figures: NetworkFigures) -> Table:
    table = figures.by_mode_and_outcome
    modes = table.modes
    rows = [[str(Outcome.LABELS[outcome]).capitalize(),
             *[table.counts.get((mode, outcome), 0) for mode in modes], total]
            for outcome, total in zip(Outcome.ORDER, table.by_outcome(), strict=True)]
    footer = [_("Total"), *[table.by_mode(mode) for mode in modes], table.total]
    return Table([_("Issue"), *[mode_label(mode).capitalize() for mode in modes], _("Total")],
                 rows, [*rows, footer], footer)


def _interviews_chart(figures: NetworkFigures, narrow: bool) -> bytes:
    return mode_outcome_chart(figures.by_mode_and_outcome, narrow=narrow)


# --- Delay between booking and interview --------------------------------------------------------


def _delay_table(figures: NetworkFigures) -> Table:
    rows: list[list[object]] = [[label.capitalize(), n] for label, n in figures.delay_bands]
    delay = figures.delay
    summary: list[list[object]] = [[_("Délai médian (jours)"), days(delay.median_days)],
               [_("Délai moyen (jours)"), days(delay.mean_days)]]
    csv_summary: list[list[object]] = [[_("Délai médian (jours)"), fixed(delay.median_days, 2)],
                                       [_("Délai moyen (jours)"), fixed(delay.mean_days, 2)]]
    footer: list[object] = [_("Total"), delay.count]
    return Table([_("Délai entre réservation et entretien"), _("Entretiens")],
                 rows + summary, [*rows, footer, *csv_summary], footer)


def _delay_chart(figures: NetworkFigures, narrow: bool) -> bytes:
    bands = figures.delay_bands
    return bars_svg(categories=[label for label, _n in bands], values=[n for _l, n in bands],
                    title=_("Délai entre réservation et entretien"),
                    value_label=_("entretiens"),
                    empty_message=_("Aucun entretien sur la période"), narrow=narrow)


# --- Slots offered and used ---------------------------------------------------------------------


def _by_departement(figures: NetworkFigures) -> list[tuple[str, int, int]]:
    totals: dict[str, list[int]] = {}
    for row in figures.occupancy:
        total = totals.setdefault(row.departement, [0, 0])
        total[0] += row.offered
        total[1] += row.used
    return [(code, offered, used) for code, (offered, used) in sorted(totals.items())]


def _occupancy_table(figures: NetworkFigures) -> Table:
    rows = [[code, offered, used, percent(used / offered if offered else None)]
            for code, offered, used in _by_departement(figures)]
    offered = sum(row.offered for row in figures.occupancy)
    used = sum(row.used for row in figures.occupancy)
    footer = [_("Total"), offered, used, percent(used / offered if offered else None)]
    csv_rows: list[list[object]] = [
        [row.departement, row.structure_name, row.offered, row.used,
         fixed(row.rate, 4)] for row in figures.occupancy]
    csv_rows.append([_("total"), "", offered, used,
                     fixed(used / offered if offered else None, 4)])
    return Table([_("Département"), _("Offerts"), _("Utilisés"), _("Occupation")], rows,
                 csv_rows, footer,
                 csv_headers=[_("Département"), _("Structure"), _("Créneaux offerts"),
                              _("Créneaux utilisés"), _("Occupation (fraction)")])


def _occupancy_chart(figures: NetworkFigures, narrow: bool) -> bytes:
    rows = _by_departement(figures)
    return stacked_bars_svg(
        categories=[code for code, _o, _u in rows],
        series=[(_("créneaux utilisés"), [used for _c, _o, used in rows]),
                (_("créneaux offerts non utilisés"),
                 [max(offered - used, 0) for _c, offered, used in rows])],
        title=_("Créneaux offerts et utilisés par département"), value_label=_("créneaux"),
        empty_message=_("Aucun créneau offert sur la période"), narrow=narrow)


# --- Who was received ---------------------------------------------------------------------------


def _pairs_table(header: str, count_header: str, pairs: list[tuple[str, int]]) -> Table:
    rows = [[label[:1].upper() + label[1:], n] for label, n in pairs]
    footer = [_("Total"), sum(n for _label, n in pairs)]
    return Table([header, count_header], rows, [*rows, footer], footer)


def _pairs_chart(pairs: list[tuple[str, int]], *, title: str, value_label: str,
                 empty: str, narrow: bool) -> bytes:
    return bars_svg(categories=[label for label, _n in pairs], values=[n for _l, n in pairs],
                    title=title, value_label=value_label, empty_message=empty, narrow=narrow)


def _ages(figures: NetworkFigures) -> list[tuple[str, int]]:
    return figures.received.age_bands


def _statuses(figures: NetworkFigures) -> list[tuple[str, int]]:
    return [(row.label, row.count) for row in figures.received.statuses]


def _homes(figures: NetworkFigures) -> list[tuple[str, int]]:
    return [(row.label, row.count) for row in figures.received.departements]


def _domains(figures: NetworkFigures) -> list[tuple[str, int]]:
    return [(row.label, row.count) for row in figures.domains]


def _countries(figures: NetworkFigures) -> list[tuple[str, int]]:
    return [(row.label, row.count) for row in figures.destinations.countries]


def _zones(figures: NetworkFigures) -> list[tuple[str, int]]:
    return [(row.label, row.count) for row in figures.destinations.zones]


def _programmes(figures: NetworkFigures) -> list[tuple[str, int]]:
    return [(row.label, row.count) for row in figures.programmes.by_sheet]


def _scores(figures: NetworkFigures) -> list[tuple[str, int]]:
    by_score = figures.satisfaction.by_score
    return [(f"{score} / 5", by_score[score]) for score in (5, 4, 3, 2, 1)]


def _usefulness(figures: NetworkFigures) -> list[tuple[str, int]]:
    by_value = figures.satisfaction.by_usefulness
    return [(str(label), by_value[value]) for value, label in reversed(Usefulness.choices)]


def _intentions(figures: NetworkFigures) -> list[tuple[str, int]]:
    by_value = figures.satisfaction.by_intention
    return [(str(label), by_value[value]) for value, label in Intention.choices]


def _departures(figures: NetworkFigures) -> list[tuple[str, int]]:
    by_value = figures.satisfaction.by_period
    return [(str(label), by_value[value]) for value, label in DeparturePeriod.choices]


def _satisfaction_table(figures: NetworkFigures) -> Table:
    """Answers by score, then the questionnaires sent and answered, the response rate, the
    average score and the share of 4 or 5."""
    figures_ = figures.satisfaction
    rows: list[list[object]] = [[label, n] for label, n in _scores(figures)]
    average = ("—" if figures_.average is None
               else f"{number_format(round(figures_.average, 1), 1)} / 5")
    summary: list[list[object]] = [
        [_("Questionnaires envoyés"), figures_.sent],
        [_("Réponses"), figures_.answered],
        [_("Taux de réponse"), percent(figures_.response_rate)],
        [_("Satisfaction moyenne"), average],
        [_("Satisfaits (4 ou 5)"), percent(figures_.satisfied_rate)],
    ]
    csv_summary: list[list[object]] = [
        [_("Questionnaires envoyés"), figures_.sent],
        [_("Réponses"), figures_.answered],
        [_("Taux de réponse (fraction)"), _fraction(figures_.response_rate)],
        [_("Satisfaction moyenne (sur 5)"), _fraction(figures_.average, digits=2)],
        [_("Satisfaits, 4 ou 5 (fraction)"), _fraction(figures_.satisfied_rate)],
    ]
    return Table([_("Satisfaction générale"), _("Réponses")], rows + summary,
                 rows + csv_summary)


def _fraction(value: float | None, *, digits: int = 4) -> Decimal | None:
    return fixed(value, digits)


def _pairs_block(slug: str, title: str, note: str, header: str, count_header: str,
                 pairs: Callable[[NetworkFigures], list[tuple[str, int]]], *, empty: str,
                 top: int | None = None) -> Block:
    return Block(
        slug=slug, title=title, note=note,
        alt=_("Graphique en barres : %(title)s ; les mêmes chiffres sont dans le tableau.")
        % {"title": title.lower()},
        table=lambda figures: _pairs_table(header, count_header, pairs(figures)),
        chart=lambda figures, narrow: _pairs_chart(
            pairs(figures)[:top] if top else pairs(figures), title=title,
            value_label=count_header.lower(), empty=empty, narrow=narrow),
    )


def blocks() -> list[Block]:
    """The page's blocks, in order (built per call: their texts follow the active language)."""
    held = _("Entretiens réalisés de la période, comptés par entretien (une personne reçue "
             "deux fois compte deux fois) ; les jeunes dont le compte a été supprimé comptent "
             "aussi.")
    return [
        Block("entretiens", _("Entretiens par modalité et issue"),
              _("Entretiens réservés dont le rendez-vous tombe dans la période ; « présence à "
                "renseigner » : l'heure est passée, le ou la conseillère n'a pas encore "
                "indiqué si l'entretien a eu lieu."),
              _("Graphique en barres des entretiens par modalité et issue ; les mêmes chiffres "
                "sont dans le tableau."), _interviews_table, _interviews_chart),
        Block("delai", _("Délai entre réservation et entretien"),
              _("Entretiens non annulés à l'avance, du moment où le créneau a été réservé à "
                "l'heure du rendez-vous (un jour = 24 heures)."),
              _("Graphique en barres des entretiens par délai entre réservation et entretien ; "
                "les mêmes chiffres sont dans le tableau."), _delay_table, _delay_chart),
        Block("creneaux", _("Créneaux offerts et utilisés"),
              _("Créneaux d'une heure publiés par les conseillers et conseillères formés des "
                "structures actives (absences et jours fériés déduits, réservés ou non), face "
                "aux entretiens non annulés à l'avance. Le fichier CSV détaille chaque "
                "structure."),
              _("Graphique en barres empilées des créneaux utilisés et non utilisés par "
                "département ; les mêmes chiffres sont dans le tableau."),
              _occupancy_table, _occupancy_chart),
        _pairs_block("ages", _("Âge des jeunes reçus"), held, _("Âge le jour de l'entretien"),
                     _("Entretiens"), _ages, empty=_("Aucun entretien réalisé")),
        _pairs_block("situations", _("Situation des jeunes reçus"), held, _("Situation"),
                     _("Entretiens"), _statuses, empty=_("Aucun entretien réalisé")),
        _pairs_block("departements", _("Département du domicile des jeunes reçus"), held,
                     _("Département"), _("Entretiens"), _homes,
                     empty=_("Aucun entretien réalisé")),
        _pairs_block("domaines", _("Domaines demandés"),
                     _("Domaines du projet indiqués à la réservation, sur les entretiens non "
                       "annulés à l'avance ; un projet peut concerner plusieurs domaines."),
                     _("Domaine"), _("Demandes"), _domains, empty=_("Aucune demande")),
        _pairs_block("pays", _("Pays souhaités"),
                     _("Pays indiqués dans le profil de mobilité des jeunes qui ont demandé un "
                       "entretien dans la période, chaque jeune compté une fois (le graphique "
                       "montre les %(top)s premiers).") % {"top": CHART_TOP},
                     _("Pays"), _("Jeunes"), _countries, empty=_("Aucun pays indiqué"),
                     top=CHART_TOP),
        _pairs_block("zones", _("Zones souhaitées"),
                     _("Zones du monde indiquées dans le profil de mobilité, chaque jeune compté "
                       "une fois."), _("Zone"), _("Jeunes"), _zones,
                     empty=_("Aucune zone indiquée")),
        Block("satisfaction", _("Satisfaction"),
              _("Questionnaires envoyés le lendemain des entretiens réalisés de la période ; "
                "les réponses sont anonymes pour les structures."),
              _("Graphique en barres des réponses par note de satisfaction ; les mêmes "
                "chiffres sont dans le tableau."), _satisfaction_table,
              lambda figures, narrow: _pairs_chart(
                  _scores(figures), title=_("Satisfaction générale"),
                  value_label=_("réponses"), empty=_("Aucune réponse"), narrow=narrow)),
        _pairs_block("utilite", _("Utilité des informations"),
                     _("Réponses au questionnaire (la question peut être passée)."),
                     _("Les informations données étaient"), _("Réponses"), _usefulness,
                     empty=_("Aucune réponse")),
        _pairs_block("intention", _("Intention de partir à l'étranger"),
                     _("Réponses au questionnaire après l'entretien."), _("Intention"),
                     _("Réponses"), _intentions, empty=_("Aucune réponse")),
        _pairs_block("depart", _("Départ envisagé"),
                     _("Parmi les réponses qui envisagent de partir ou ne savent pas encore."),
                     _("Quand"), _("Réponses"), _departures, empty=_("Aucune réponse")),
        _pairs_block("programmes", _("Programmes envoyés le plus souvent"),
                     _("Programmes des sélections envoyées aux jeunes dans la période par les "
                       "structures choisies (la modalité ne s'applique pas)."),
                     _("Programme"), _("Envois"), _programmes, empty=_("Aucun programme envoyé")),
    ]


def block(slug: str) -> Block | None:
    return next((b for b in blocks() if b.slug == slug), None)

