"""The questionnaire's page, reached from the email's link without logging in
(/evaluation/<token>/). Used, expired and damaged links get a French page saying so."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import services
from .forms import EvaluationForm
from .selectors import LinkState, evaluation_from_token, programmes_sent_for

PROBLEM_STATUS = {LinkState.INVALID: 404, LinkState.USED: 410, LinkState.EXPIRED: 410}


def _problem(request: HttpRequest, state: LinkState) -> HttpResponse:
    return render(request, "evaluations/link_problem.html", {"state": state.value},
                  status=PROBLEM_STATUS[state])


@never_cache
@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    evaluation, state = evaluation_from_token(token, now=now)
    if evaluation is None or state is not LinkState.OPEN:
        return _problem(request, state)
    programmes = programmes_sent_for(evaluation)
    form = EvaluationForm(request.POST or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_answer(evaluation=evaluation, answers=form.cleaned_data,
                                       now=now)
        except services.EvaluationLinkUsed:
            return _problem(request, LinkState.USED)
        except services.EvaluationLinkExpired:
            return _problem(request, LinkState.EXPIRED)
        return redirect("evaluations:thanks")
    return render(request, "evaluations/questionnaire.html", {
        "form": form, "structure": evaluation.appointment.structure,
        "month": evaluation.appointment.starts_at, "expires_at": evaluation.expires_at,
    }, status=400 if form.is_bound else 200)


def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "evaluations/thanks.html")
