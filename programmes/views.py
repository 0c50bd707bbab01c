"""Public catalogue of programme sheets, and the advisors' proposals of sheets."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from advisors.decorators import advisor_required
from advisors.selectors import user_is_current_advisor

from .forms import CatalogueFilterForm, ProposalForm
from .models import ProgrammeSheet
from .selectors import catalogue_sheets, proposals_for_proposer, published_sheet_get
from .services import ProposalError, proposal_content_build, proposal_submit

PAGE_SIZE = 20


def catalogue(request):
    form = CatalogueFilterForm(request.GET or None)
    page = Paginator(catalogue_sheets(**form.filters()), PAGE_SIZE).get_page(
        request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "programmes/catalogue.html", {
        "form": form, "page": page, "query_string": query.urlencode(),
    })


def sheet_detail(request, slug: str):
    try:
        sheet = published_sheet_get(slug=slug)
    except ProgrammeSheet.DoesNotExist as exc:
        raise Http404("Fiche inconnue ou non publiée.") from exc
    return render(request, "programmes/detail.html", {
        "sheet": sheet, "may_propose": user_is_current_advisor(request.user)})


# --- Advisors' proposals (their back-office) ------------------------------------------------

@advisor_required
def proposal_list(request):
    return render(request, "programmes/proposals.html", {
        "proposals": proposals_for_proposer(user=request.user),
    })


def _proposal_form_page(request, *, sheet: ProgrammeSheet | None):
    initial = ProposalForm.initial_from_sheet(sheet) if sheet is not None else {}
    form = ProposalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            proposal_submit(
                proposer=request.user, sheet=sheet, note=form.cleaned_data["note"],
                content=proposal_content_build(values=form.cleaned_data, sheet=sheet))
        except ProposalError as error:
            form.add_format_errors(error.errors)
            if not error.errors:
                form.add_error(None, error.message)
        else:
            messages.success(request, _("Merci ! Votre proposition est transmise à la "
                                        "coordination, qui vous répondra par e-mail."))
            return redirect("programme_proposals:list")
    return render(request, "programmes/proposal_form.html", {"form": form, "sheet": sheet})


@advisor_required
def proposal_new(request):
    return _proposal_form_page(request, sheet=None)


@advisor_required
def proposal_update(request, slug: str):
    try:
        sheet = published_sheet_get(slug=slug)
    except ProgrammeSheet.DoesNotExist as exc:
        raise Http404("Fiche inconnue ou non publiée.") from exc
    return _proposal_form_page(request, sheet=sheet)
