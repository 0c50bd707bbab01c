"""The coordinators' statistics (/coordination/statistiques/): the network's figures for a
period, a département, a structure and a mode; each block with its SVG chart (drawn on the
server, shown with ``<img>``) and its CSV file. And the compliance watch
(/coordination/conformite/).

Thin: the filters are read here, the figures come from ``bookings.statistics`` and
``bookings.compliance``, the blocks' layout from ``coordination.blocks``.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from advisors.validators import DEPARTEMENT_CHOICES
from bookings.compliance import network_watch
from bookings.statistics import Filters, Outcome, mode_label
from vocabulary.spreadsheet import spreadsheet_csv

from .access import coordinators_only
from .blocks import Block, NetworkFigures, block, blocks, days, percent
from .forms import ComplianceFiltersForm, NetworkFiltersForm

NARROW = "etroit"
DEPARTEMENT_LABELS = dict(DEPARTEMENT_CHOICES)


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last 12 months: from the day after the same date a year ago (28 February for a
    29 February) to ``today``, both included."""
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - 1, day=28)
    return year_ago + dt.timedelta(days=1), today


def _filters(form: NetworkFiltersForm) -> Filters:
    data = form.cleaned_data
    structure = data.get("structure")
    return Filters(start=data["du"], end=data["au"],
                   structure_ids=(structure.pk,) if structure else (),
                   departements=(data["departement"],) if data.get("departement") else (),
                   modes=(data["mode"],) if data.get("mode") else ())


def _query(form: NetworkFiltersForm) -> str:
    data = form.cleaned_data
    structure = data.get("structure")
    return urlencode({"du": data["du"].isoformat(), "au": data["au"].isoformat(),
                      "departement": data.get("departement") or "",
                      "structure": structure.pk if structure else "",
                      "mode": data.get("mode") or ""})


def _read_filters(request: HttpRequest, today: dt.date,
                  ) -> tuple[NetworkFiltersForm, NetworkFiltersForm, bool]:
    """(the form to show, a valid form the figures are read from, whether the query string
    was refused): with no dates given, the last 12 months; with wrong filters, the errors
    are shown and the figures are those of the last 12 months, all the network."""
    start, end = default_period(today)
    default = NetworkFiltersForm({"du": start.isoformat(), "au": end.isoformat()})
    default.is_valid()
    if "du" not in request.GET and "au" not in request.GET:
        return default, default, False
    form = NetworkFiltersForm(request.GET)
    if form.is_valid():
        return form, form, False
    return form, default, True


@coordinators_only
@require_GET
def statistics_page(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    shown, valid, refused = _read_filters(request, timezone.localdate(now))
    figures = NetworkFigures(_filters(valid), now=now)
    query = _query(valid)
    sections = [{
        "block": item,
        "table": item.table(figures),
        "chart_url": f"{reverse('coordination:statistics_chart', args=[item.slug])}?{query}",
        "csv_url": f"{reverse('coordination:statistics_csv', args=[item.slug])}?{query}",
    } for item in blocks()]
    outcomes = figures.by_mode_and_outcome.by_outcome()
    by_outcome = dict(zip(Outcome.ORDER, outcomes, strict=True))
    cancelled = (by_outcome[Outcome.CANCELLED_BY_YOUTH]
                 + by_outcome[Outcome.CANCELLED_BY_STRUCTURE]
                 + by_outcome[Outcome.LATE_CANCELLED])
    offered = sum(row.offered for row in figures.occupancy)
    used = sum(row.used for row in figures.occupancy)
    data = valid.cleaned_data
    return render(request, "coordination/statistics.html", {
        "form": shown,
        "refused": refused,
        "start": data["du"],
        "end": data["au"],
        "structure": data.get("structure"),
        "departement": DEPARTEMENT_LABELS.get(data.get("departement") or "", ""),
        "mode": mode_label(data["mode"]) if data.get("mode") else "",
        "key_figures": [
            (_("Entretiens réservés"), figures.by_mode_and_outcome.total),
            (_("Réalisés"), by_outcome[Outcome.DONE]),
            (_("Absences du ou de la jeune"), by_outcome[Outcome.NO_SHOW]),
            (_("Annulés"), cancelled),
            (_("Taux d'absence"), percent(figures.attendance.no_show_rate)),
            (_("Délai médian avant l'entretien"), days(figures.delay.median_days)),
            (_("Délai moyen avant l'entretien"), days(figures.delay.mean_days)),
            (_("Occupation des créneaux"), percent(used / offered if offered else None)),
            (_("Satisfaction moyenne"), "—" if figures.satisfaction.average is None
             else f"{number_format(round(figures.satisfaction.average, 1), 1)} / 5"),
            (_("Taux de réponse au questionnaire"),
             percent(figures.satisfaction.response_rate)),
        ],
        "sections": sections,
        "narrow": NARROW,
    })


def _block_and_filters(request: HttpRequest, slug: str,
                       ) -> tuple[Block, NetworkFiltersForm] | HttpResponse:
    """The block named ``slug`` and the valid filters of the query string, or the French
    answer why not (404 for an unknown block, 400 with the reasons for wrong filters)."""
    item = block(slug)
    if item is None:
        return HttpResponse(_("Tableau inconnu."), status=404,
                            content_type="text/plain; charset=utf-8")
    form = NetworkFiltersForm(request.GET)
    if not form.is_valid():
        reasons = "; ".join(str(error) for errors in form.errors.values() for error in errors)
        return HttpResponseBadRequest(_("Filtres invalides : %(reasons)s") % {"reasons": reasons},
                                      content_type="text/plain; charset=utf-8")
    return item, form


@coordinators_only
@require_GET
def statistics_chart(request: HttpRequest, slug: str) -> HttpResponse:
    """One block's chart as an SVG file (``?format=etroit`` draws it for a phone)."""
    checked = _block_and_filters(request, slug)
    if isinstance(checked, HttpResponse):
        return checked
    item, form = checked
    figures = NetworkFigures(_filters(form), now=timezone.now())
    response = HttpResponse(item.chart(figures, request.GET.get("format") == NARROW),
                            content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=300"
    return response


@coordinators_only
@require_GET
def statistics_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """One block's figures as a CSV file « pour tableur » (``vocabulary.spreadsheet``: UTF-8
    with BOM, ``;``, decimal comma, formulas neutralised), the filters repeated on each
    line."""
    checked = _block_and_filters(request, slug)
    if isinstance(checked, HttpResponse):
        return checked
    item, form = checked
    filters = _filters(form)
    table = item.table(NetworkFigures(filters, now=timezone.now()))
    data = form.cleaned_data
    structure = data.get("structure")
    scope = [filters.start.isoformat(), filters.end.isoformat(), data.get("departement") or "",
             structure.public_name if structure else "", data.get("mode") or ""]
    header = [_("du"), _("au"), _("département"), _("structure"), _("modalité"),
              *(table.csv_headers or table.headers)]
    content = spreadsheet_csv([header, *([*scope, *row] for row in table.csv_rows)])
    name = f"statistiques-{slug}-{filters.start.isoformat()}-{filters.end.isoformat()}.csv"
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@coordinators_only
@require_GET
def compliance_page(request: HttpRequest) -> HttpResponse:
    """Per active structure, the hours offered in the coming weeks against the weekly minimum,
    with the reasons; untrained advisors, structures without a trained advisor, conventions in
    notice or under formal notice, coverage by département."""
    now = timezone.now()
    watch = network_watch(today=timezone.localdate(now),
                          weeks=settings.BOOKING_HORIZON_WEEKS, now=now)
    form = ComplianceFiltersForm(request.GET)
    structures = watch.structures
    if form.is_valid():
        if form.cleaned_data["departement"]:
            structures = [s for s in structures
                          if s.departement == form.cleaned_data["departement"]]
        if form.cleaned_data["sous_minimum"]:
            structures = [s for s in structures if s.weeks_below]
    return render(request, "coordination/compliance.html",
                  {"watch": watch, "form": form, "structures": structures})
