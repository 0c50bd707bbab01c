"""Public catalogue of programme sheets."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from .forms import CatalogueFilterForm
from .models import ProgrammeSheet
from .selectors import catalogue_sheets, published_sheet_get

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
    return render(request, "programmes/detail.html", {"sheet": sheet})
