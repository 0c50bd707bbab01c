"""Charts of the statistics shared by several pages (the structure's statistics, the
coordinators' statistics, the annual report), drawn from ``bookings.statistics`` figures with
the domain-free ``somobilite.charts``."""

from __future__ import annotations

from django.utils.translation import gettext as _

from somobilite.charts import stacked_bars_svg

from .statistics import ModeOutcomeTable, Outcome, mode_label


def mode_outcome_chart(table: ModeOutcomeTable, *, narrow: bool = False) -> bytes:
    """Interviews by mode (one bar each, modes with interviews only) stacked by outcome
    (``Outcome.ORDER``), as an SVG file; ``narrow`` draws it for a phone's width."""
    modes = table.modes
    return stacked_bars_svg(
        categories=[mode_label(mode) for mode in modes],
        series=[(str(Outcome.LABELS[outcome]),
                 [table.counts.get((mode, outcome), 0) for mode in modes])
                for outcome in Outcome.ORDER],
        title=_("Entretiens par modalité et issue"), value_label=_("entretiens"),
        empty_message=_("Aucun entretien sur la période"), narrow=narrow)
