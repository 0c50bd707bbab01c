"""The public directory of the network: active structures by département, each with the
interview modes in which it has a free slot within the booking horizon. It lives in bookings,
the layer that knows availability (the network itself is advisors').

Public names: ``DirectoryFilterForm``, ``DirectoryGroup``, ``modes_offered(structures)``,
``directory_groups(*, departement=None)``, ``structure_get_public(*, slug)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advisors.models import Structure
from advisors.selectors import public_structures
from advisors.validators import DEPARTEMENT_CHOICES, NOUVELLE_AQUITAINE_DEPARTEMENTS
from somobilite.query_filters import QueryFilterForm

from .models import Mode
from .slots import next_free_slot_by_structure_and_mode


class DirectoryFilterForm(QueryFilterForm):
    """The directory's filter; other parameters of the address are ignored and told
    (QueryFilterForm, tester t9c #7)."""

    departement = forms.ChoiceField(
        label=_("Département"),
        choices=[("", _("Tous les départements")), *DEPARTEMENT_CHOICES],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={
            "invalid_choice": _("Ce département n'est pas en Nouvelle-Aquitaine : choisissez-en "
                                "un dans la liste.")
        },
    )

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if not valid:
            self.fields["departement"].widget.attrs.update({
                "class": "form-select is-invalid",
                "aria-invalid": "true",
                "aria-describedby": "departement-erreur",
            })
        return valid


@dataclass(frozen=True)
class DirectoryGroup:
    code: str
    name: str
    structures: list[Structure]


def modes_offered(structures: list[Structure]) -> dict[int, list[str]]:
    """The interview modes (labels) in which each structure has a free slot within the booking
    horizon, by structure id, for all the listed structures at once."""
    wanted = {structure.pk for structure in structures}
    firsts = next_free_slot_by_structure_and_mode(now=timezone.now())
    labels = [(mode, str(mode.label)) for mode in Mode]  # translated once, not per structure
    return {
        structure_id: [label for mode, label in labels if mode in by_mode]
        for structure_id, by_mode in firsts.items() if structure_id in wanted
    }


def directory_groups(*, departement: str | None = None) -> list[DirectoryGroup]:
    """Active structures by département (in the département order), each with its
    ``modes_offered`` list attached."""
    listed = public_structures().order_by("departement", "public_name")
    if departement:
        listed = listed.filter(departement=departement)
    structures = list(listed)
    modes = modes_offered(structures)
    groups: dict[str, DirectoryGroup] = {}
    for structure in structures:
        _attach_modes(structure, modes.get(structure.pk, []))
        code = structure.departement
        if code not in groups:
            groups[code] = DirectoryGroup(code, NOUVELLE_AQUITAINE_DEPARTEMENTS[code], [])
        groups[code].structures.append(structure)
    return list(groups.values())


def structure_get_public(*, slug: str) -> Structure:
    """The public page's structure (active only), with ``modes_offered`` attached; raises
    ``Structure.DoesNotExist``."""
    structure = public_structures().get(slug=slug)
    _attach_modes(structure, modes_offered([structure]).get(structure.pk, []))
    return structure


def _attach_modes(structure: Structure, modes: list[str]) -> None:
    """``structure.modes_offered``, read by the pages (the model does not declare it)."""
    structure.__dict__["modes_offered"] = modes
