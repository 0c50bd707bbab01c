"""The structure's statistics (/espace-conseil/statistiques/): the figures of the advisor's
structure for a chosen period, two charts drawn on the server (SVG files shown with
``<img>``) and the CSV export of the same figures.

Every figure comes from ``bookings.statistics`` (the module the coordinators' statistics use
too); this module only reads the period and lays the figures out.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from advisors.models import Advisor
from bookings.statistics import (
    Filters,
    Outcome,
    StructureStatistics,
    csv_rows,
    mode_label,
    outcome_labels,
    structure_statistics,
)
from bookings.statistics_charts import mode_outcome_chart
from bookings.statistics_forms import PeriodForm
from somobilite.charts import bars_svg
from vocabulary.spreadsheet import spreadsheet_csv

from .access import advisor_space

CHARTS = ("entretiens", "domaines")
NARROW = "etroit"


def _month_start(day: dt.date, months_back: int = 0) -> dt.date:
    month_index = day.year * 12 + day.month - 1 - months_back
    return dt.date(month_index // 12, month_index % 12 + 1, 1)


def _presets(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    this_month = _month_start(today)
    return [
        (_("Ce mois-ci"), this_month, today),
        (_("Le mois dernier"), _month_start(today, 1), this_month - dt.timedelta(days=1)),
        (_("Depuis le 1er janvier"), today.replace(month=1, day=1), today),
        (_("L'année dernière"), dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)),
        (_("Les 12 derniers mois"), _month_start(today, 11), today),
    ]


def _default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    return today.replace(month=1, day=1), today


def _query(start: dt.date, end: dt.date) -> str:
    return urlencode({"du": start.isoformat(), "au": end.isoformat()})


def _period(request: HttpRequest, today: dt.date) -> tuple[PeriodForm, dt.date, dt.date, bool]:
    """The period of the query string (``du``, ``au``), or this year so far; the last item
    says whether the query string's period was refused."""
    if "du" not in request.GET and "au" not in request.GET:
        start, end = _default_period(today)
        return PeriodForm(initial={"du": start, "au": end}), start, end, False
    form = PeriodForm(request.GET)
    if form.is_valid():
        return form, form.cleaned_data["du"], form.cleaned_data["au"], False
    return form, *_default_period(today), True


def _statistics(advisor: Advisor, start: dt.date, end: dt.date,
                now: dt.datetime) -> StructureStatistics:
    return structure_statistics(
        Filters(start=start, end=end, structure_ids=(advisor.structure_id,)), now=now)


def _percent(rate: float | None) -> str:
    # number_format truncates: round first (2/3 is 66,7 %).
    return "—" if rate is None else f"{number_format(round(rate * 100, 1), 1)} %"


@advisor_space
@require_GET
def statistics_page(request: HttpRequest, advisor: Advisor) -> HttpResponse:
    now = timezone.now()
    today = timezone.localdate(now)
    form, start, end, refused = _period(request, today)
    figures = _statistics(advisor, start, end, now)
    table = figures.by_mode_and_outcome
    query = _query(start, end)
    return render(request, "backoffice/statistics.html", {
        "advisor": advisor,
        "form": form,
        "refused": refused,
        "start": start,
        "end": end,
        "presets": [(label, f"?{_query(first, last)}", (first, last) == (start, end))
                    for label, first, last in _presets(today)],
        "figures": figures,
        "modes": [mode_label(mode) for mode in table.modes],
        "rows": [(label, [table.counts.get((mode, outcome), 0) for mode in table.modes], total)
                 for label, outcome, total in zip(outcome_labels(), Outcome.ORDER,
                                                  table.by_outcome(), strict=True)],
        "totals": [table.by_mode(mode) for mode in table.modes],
        "no_show_rate": _percent(figures.attendance.no_show_rate),
        "chart_urls": {name: f"{reverse('backoffice:statistics_chart', args=[name])}?{query}"
                       for name in CHARTS},
        "narrow": NARROW,
        "csv_url": f"{reverse('backoffice:statistics_csv')}?{query}",
    })


def _checked_period(request: HttpRequest) -> tuple[dt.date, dt.date] | HttpResponse:
    form = PeriodForm(request.GET)
    if not form.is_valid():
        reasons = "; ".join(str(error) for errors in form.errors.values() for error in errors)
        return HttpResponseBadRequest(_("Période invalide : %(reasons)s")
                                      % {"reasons": reasons},
                                      content_type="text/plain; charset=utf-8")
    return form.cleaned_data["du"], form.cleaned_data["au"]


def _chart(name: str, figures: StructureStatistics, *, narrow: bool) -> bytes:
    if name == "entretiens":
        return mode_outcome_chart(figures.by_mode_and_outcome, narrow=narrow)
    return bars_svg(categories=[row.label for row in figures.domains],
                    values=[row.count for row in figures.domains],
                    title=_("Domaines demandés"), value_label=_("demandes"),
                    empty_message=_("Aucune demande sur la période"), narrow=narrow)


@advisor_space
@require_GET
def statistics_chart(request: HttpRequest, advisor: Advisor, chart: str) -> HttpResponse:
    """One chart as an SVG file (``chart``: ``entretiens`` or ``domaines``; ``?format=etroit``
    draws it for a phone)."""
    if chart not in CHARTS:
        return HttpResponse(_("Graphique inconnu."), status=404,
                            content_type="text/plain; charset=utf-8")
    period = _checked_period(request)
    if isinstance(period, HttpResponse):
        return period
    figures = _statistics(advisor, *period, timezone.now())
    svg = _chart(chart, figures, narrow=request.GET.get("format") == NARROW)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=300"
    return response


@advisor_space
@require_GET
def statistics_csv(request: HttpRequest, advisor: Advisor) -> HttpResponse:
    """The page's figures as a CSV file « pour tableur » (``vocabulary.spreadsheet``: UTF-8
    with BOM, ``;``, decimal comma, formulas neutralised)."""
    period = _checked_period(request)
    if isinstance(period, HttpResponse):
        return period
    start, end = period
    figures = _statistics(advisor, start, end, timezone.now())
    header = [_("structure"), _("du"), _("au"), _("rubrique"), _("élément"), _("précision"),
              _("valeur")]
    structure = advisor.structure.public_name
    content = spreadsheet_csv([header, *([structure, start, end, section, item, detail, value]
                                         for section, item, detail, value in csv_rows(figures))])
    name = f"statistiques-{slugify(structure)}-{start.isoformat()}-{end.isoformat()}.csv"
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
