"""Public catalogue of programme sheets, and the advisors' proposals of sheets."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
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
        "sheet_suffix": f"?{urlencode({SEARCH_PARAM: query.urlencode()})}"
        if query.urlencode() else "",
    })


#: The query parameter of a sheet's address that carries the catalogue search it came from.
SEARCH_PARAM = "recherche"


def sheet_detail(request, slug: str):
    """A published sheet. ``?recherche=`` holds the catalogue search the person came from
    (its query string): the links back to the results and to booking keep it."""
    try:
        sheet = published_sheet_get(slug=slug)
    except ProgrammeSheet.DoesNotExist as exc:
        raise Http404("Fiche inconnue ou non publiée.") from exc
    search = _catalogue_search(request.GET.get(SEARCH_PARAM, ""))
    catalogue_url = reverse("programmes:catalogue")
    return render(request, "programmes/detail.html", {
        "sheet": sheet, "may_propose": user_is_current_advisor(request.user),
        "results_url": f"{catalogue_url}?{search}" if search else catalogue_url,
        "came_from_search": bool(search),
        "search_query": search,
    })


def _catalogue_search(raw: str) -> str:
    """The catalogue filters found in ``raw`` (a query string), re-encoded: only the filter
    form's fields, each value cut to 100 characters; anything else is dropped."""
    given = QueryDict(raw[:1000])
    kept = {name: given.get(name, "")[:100] for name in CatalogueFilterForm.base_fields
            if given.get(name, "").strip()}
    return urlencode(kept)


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
