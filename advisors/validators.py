"""Validators for the partner network: SIRET and Nouvelle-Aquitaine départements."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.fr import siret

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
    """The département code of a French postal code (two first digits; Corsica not relevant)."""
    return (postal_code or "").strip()[:2]


def validate_postal_code_in_region(value: str) -> None:
    if not (len(value) == 5 and value.isdigit()):
        raise ValidationError(_("Le code postal doit comporter 5 chiffres."), code="postal_code")
    validate_departement(departement_of_postal_code(value))
