"""Where a young person lives: the one postal-code rule of every form that takes it (tester
t9a #4: the booking refused 75001, the advisor's profile form saved it without a word).

SPEC §4: young people « living in Nouvelle-Aquitaine (postal code of one of the 12
départements) » are eligible, judged like the age « on the day of the interview ». So:

- a **booking** (the young person's form, the advisor's booking form, the booking services and
  a coordinator's correction of a booking) refuses a postal code outside the region:
  ``validate_youth_postal_code``;
- the **mobility profile** (the advisor's interview form, the admin's profile form, the
  profile service) describes the person afterwards too, and the SPEC says nothing of someone
  who moved away since: it accepts any French postal code (``validate_profile_postal_code``)
  and a code outside the region comes with a visible warning (``youth_postal_code_warning``),
  since the local programmes reserved to the region's residents (a hard condition of the
  matching) will no longer be proposed. The young person's own form has no postal code.

Every path normalises the typed code first (``vocabulary.codes.postal_code_normalized``: spaces
dropped, full-width digits folded) and refuses anything but five ASCII digits with one message
« Le code postal a 5 chiffres » (tester t9c #9). A code of an overseas collectivity (« 98800 »,
Nouméa) is French but of no département: it is refused by both rules with a sentence saying
that So Mobilité serves Nouvelle-Aquitaine, not « n'existe pas en France ».

The region is read as the structure search reads it: ``advisors.validators`` and the official
list of communes in ``territory`` (a code of the region's numbering that no commune uses,
« 33999 », is refused everywhere).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from advisors.validators import NOUVELLE_AQUITAINE_DEPARTEMENTS, validate_postal_code_in_region
from vocabulary.codes import OVERSEAS_COLLECTIVITIES, departement_of_postal_code

DEPARTEMENT_LIST = ", ".join(NOUVELLE_AQUITAINE_DEPARTEMENTS)


def _region_error(value: str) -> ValidationError | None:
    """The region's refusal of ``value`` (digits only), None when it is a code of the region."""
    collectivity = OVERSEAS_COLLECTIVITIES.get(value[:3]) if len(value) == 5 else None
    if collectivity and value.isascii() and value.isdigit():
        return ValidationError(
            _("Le code postal %(value)s est celui de %(place)s : So Mobilité accompagne les "
              "jeunes qui habitent en Nouvelle-Aquitaine (départements %(list)s)."),
            params={"value": value, "place": collectivity, "list": DEPARTEMENT_LIST},
            code="postal_code_overseas_collectivity")
    try:
        validate_postal_code_in_region(value)
    except ValidationError as error:
        return error
    return None


def validate_youth_postal_code(value: str) -> None:
    """The booking rule: ``value`` (5 digits, spaces already removed) is the postal code of a
    commune of Nouvelle-Aquitaine. Raises ``ValidationError`` with code ``postal_code`` (not
    5 ASCII digits), ``postal_code_overseas_collectivity`` (« 98800 »),
    ``postal_code_outside_region`` (« So Mobilité accueille les jeunes qui habitent
    en Nouvelle-Aquitaine… ») or ``postal_code_unknown`` (no commune of the region has it)."""
    error = _region_error(value)
    if error is None:
        return
    if error.code == "departement_outside_region":
        raise ValidationError(
            _("So Mobilité accueille les jeunes qui habitent en Nouvelle-Aquitaine "
              "(départements %(list)s) : ce code postal n'en fait pas partie."),
            params={"list": DEPARTEMENT_LIST}, code="postal_code_outside_region")
    raise error


def validate_profile_postal_code(value: str) -> None:
    """The profile rule: ``value`` is empty (not known) or a French postal code; outside the
    region it is accepted (see ``youth_postal_code_warning``). Raises ``ValidationError`` with
    code ``postal_code`` (not 5 ASCII digits), ``postal_code_overseas_collectivity`` (« 98800 »,
    French but of no département), ``postal_code_not_french`` (no French département has
    this number, « 99999 ») or ``postal_code_unknown`` (a code of the region's numbering that
    none of its communes uses)."""
    if not value:
        return
    error = _region_error(value)
    if error is None or (error.code == "departement_outside_region"
                         and departement_of_postal_code(value) is not None):
        return
    if error.code == "departement_outside_region":
        raise ValidationError(
            _("Le code postal %(value)s n'existe pas en France : vérifiez-le."),
            params={"value": value}, code="postal_code_not_french")
    raise error


def youth_postal_code_warning(value: str) -> str:
    """What staff are told about a profile's postal code ``value`` outside the region (a
    French sentence), "" when it is empty, in the region, or not a postal code at all."""
    error = _region_error(value) if value else None
    if (error is None or error.code != "departement_outside_region"
            or departement_of_postal_code(value) is None):
        return ""
    return gettext(
        "Le code postal %(value)s n'est pas en Nouvelle-Aquitaine (départements %(list)s). Le "
        "profil le garde (le ou la jeune a pu déménager depuis sa réservation), mais les "
        "programmes réservés aux habitants de la région ne lui seront pas proposés : "
        "vérifiez-le avec elle ou lui.") % {"value": value, "list": DEPARTEMENT_LIST}
