"""Validators for the partner network: SIRET and Nouvelle-Aquitaine départements."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.fr import siret

from territory.places import postal_code_departements

NOUVELLE_AQUITAINE_DEPARTEMENTS = {
    "16": "Charente",
    "17": "Charente-Maritime",
    "19": "Corrèze",
    "23": "Creuse",
    "24": "Dordogne",
    "33": "Gironde",
    "40": "Landes",
    "47": "Lot-et-Garonne",
    "64": "Pyrénées-Atlantiques",
    "79": "Deux-Sèvres",
    "86": "Vienne",
    "87": "Haute-Vienne",
}
DEPARTEMENT_CHOICES = [(code, f"{code} – {name}") for code, name in
                       NOUVELLE_AQUITAINE_DEPARTEMENTS.items()]


def validate_siret(value: str) -> None:
    try:
        siret.validate(value)
    except StdnumValidationError as exc:
        raise ValidationError(
            _("Numéro SIRET invalide (14 chiffres, clé de contrôle incorrecte ou format erroné)."),
            code="invalid_siret",
        ) from exc


def validate_departement(value: str) -> None:
    if value not in NOUVELLE_AQUITAINE_DEPARTEMENTS:
        raise ValidationError(
            _("Le département %(value)s n'est pas en Nouvelle-Aquitaine (16, 17, 19, 23, 24, 33, "
              "40, 47, 64, 79, 86, 87)."),
            params={"value": value},
            code="departement_outside_region",
        )


def departement_of_postal_code(postal_code: str) -> str:
    """The département (code, e.g. « 86 ») of someone living at ``postal_code`` (5 digits),
    as far as the region is concerned.

    A postal code follows La Poste's sorting offices, not the départements' limits: 37160 is
    numbered after Indre-et-Loire but also serves a commune of the Vienne. So the two first
    digits are kept when they name a département of the region, and otherwise the region's
    département whose communes use this postal code (``territory``, the official list of
    communes), if any; else the two first digits (outside the region: refused by
    ``validate_postal_code_in_region``). Corsica is not relevant here.
    """
    code = (postal_code or "").strip()
    by_digits = code[:2]
    if by_digits in NOUVELLE_AQUITAINE_DEPARTEMENTS:
        return by_digits
    served = sorted(postal_code_departements(code)) if len(code) == 5 else []
    return served[0] if served else by_digits


def validate_postal_code_in_region(value: str) -> None:
    """Accept the postal code of a commune of Nouvelle-Aquitaine (5 digits).

    Read like the structure search reads it (``territory``, the official list of communes): a
    code whose département is outside the region, or that no commune of the region uses
    (« 33999 »), is refused with a French message. Raises ``ValidationError``.
    """
    if not (len(value) == 5 and value.isdigit()):
        raise ValidationError(_("Le code postal doit comporter 5 chiffres."), code="postal_code")
    validate_departement(departement_of_postal_code(value))
    if not postal_code_departements(value):
        raise ValidationError(
            _("Le code postal %(value)s ne correspond à aucune commune de Nouvelle-Aquitaine : "
              "vérifiez-le."), params={"value": value}, code="postal_code_unknown")
