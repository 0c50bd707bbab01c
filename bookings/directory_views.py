"""Public pages of the partner network: the directory and each structure's page, with the
modes in which they have a free slot (see bookings.directory)."""

from django.http import Http404
from django.shortcuts import render

from advisors.models import Structure

from .directory import DirectoryFilterForm, directory_groups, structure_get_public


def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    departement = form.cleaned_data["departement"] if form.is_bound and form.is_valid() else ""
    groups = directory_groups(departement=departement or None)
    return render(request, "bookings/directory.html", {
        "form": form,
        "groups": groups,
        "departement": departement,
    })


def structure_detail(request, slug: str):
    try:
        structure = structure_get_public(slug=slug)
    except Structure.DoesNotExist as exc:
        raise Http404("Structure inconnue ou plus active dans le réseau.") from exc
    return render(request, "bookings/structure_detail.html", {"structure": structure})
