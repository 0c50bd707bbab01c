"""The young people's opinions for the advisor's structure (/espace-conseil/avis/): the
questionnaire's figures over the last twelve months and the answers, without identity (no
name, no email, no date finer than the month; ``evaluations.selectors``)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from advisors.models import Advisor
from bookings.statistics import Filters
from evaluations.models import DeparturePeriod, Intention, Usefulness
from evaluations.selectors import answers_for_structure
from evaluations.statistics import satisfaction

from .access import advisor_space

#: Answers shown on the page (the most recent interviews first).
ANSWERS_SHOWN = 100


@advisor_space
@require_GET
def evaluations_page(request: HttpRequest, advisor: Advisor) -> HttpResponse:
    today = timezone.localdate()
    first = (today.replace(day=1) - dt.timedelta(days=334)).replace(day=1)
    figures = satisfaction(Filters(start=first, end=today,
                                   structure_ids=(advisor.structure_id,)))
    return render(request, "backoffice/evaluations.html", {
        "advisor": advisor,
        "start": first,
        "end": today,
        "figures": figures,
        "scores": [(score, figures.by_score[score]) for score in range(5, 0, -1)],
        "usefulness": [(label, figures.by_usefulness[value])
                       for value, label in reversed(Usefulness.choices)],
        "intentions": [(label, figures.by_intention[value])
                       for value, label in Intention.choices],
        "periods": [(label, figures.by_period[value])
                    for value, label in DeparturePeriod.choices],
        "answers": answers_for_structure(structure=advisor.structure, limit=ANSWERS_SHOWN),
        "answers_shown": ANSWERS_SHOWN,
    })
