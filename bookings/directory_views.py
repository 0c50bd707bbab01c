"""Public pages of the partner network: the directory and each structure's page, with the
modes in which they have a free slot (see bookings.directory)."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language

from advisors.models import Structure

from .directory import DirectoryFilterForm, directory_groups, structure_get_public


def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    departement = form.cleaned_data["departement"] if form.is_bound and form.is_valid() else ""
    groups = directory_groups(departement=departement or None)
    language = get_language()
    for group in groups:
        for structure in group.structures:
            structure.__dict__["card_key"] = _card_key(structure, language)
    return render(request, "bookings/directory.html", {
        "form": form,
        "groups": groups,
        "departement": departement,
    })


def _card_key(structure: Structure, language: str) -> str:
    """Everything a card of the directory is written from (``directory.html``, inside
    ``{% cache %}``): equal keys give the same markup, so each card is rendered once per process
    and key (150 cards were ~75 % of the page's CPU), and any change of what it shows is a new
    key: nothing to invalidate, nothing stale. The phone number as stored (E.164): formatting
    it for the key would cost what the cache saves. ``modes_offered`` is what
    ``directory_groups`` attached."""
    return repr((language, structure.pk, structure.slug, structure.public_name,
                 structure.commune, structure.description, structure.address,
                 structure.postal_code, structure.phone.raw_input if structure.phone else "",
                 structure.email, tuple(structure.__dict__["modes_offered"])))


def structure_detail(request, slug: str):
    try:
        structure = structure_get_public(slug=slug)
    except Structure.DoesNotExist as exc:
        raise Http404("Structure inconnue ou plus active dans le réseau.") from exc
    return render(request, "bookings/structure_detail.html", {"structure": structure})
