"""Validators for the partner network: SIRET, Nouvelle-Aquitaine départements, a structure's
postal code and its coordinates on the directory's map."""

from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.fr import siret

from accounts.models import Role, User
from territory.places import postal_code_departements
from vocabulary.codes import validate_postal_code_format

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
    validate_postal_code_format(value)  # five ASCII digits (« ３３０００ » too: tester t9c #9)
    validate_departement(departement_of_postal_code(value))
    if not postal_code_departements(value):
        raise ValidationError(
            _("Le code postal %(value)s ne correspond à aucune commune de Nouvelle-Aquitaine : "
              "vérifiez-le."), params={"value": value}, code="postal_code_unknown")


def validate_postal_code_of_departement(postal_code: str, departement: str) -> None:
    """Accept ``postal_code`` (5 digits, already checked by ``validate_postal_code_in_region``)
    when a commune of ``departement`` (a code of the region, e.g. « 33 ») uses it, by the
    official list of communes (``territory``): 33220 belongs to the Gironde and to the Dordogne,
    87000 only to the Haute-Vienne. Raises ``ValidationError`` (code
    ``postal_code_other_departement``) naming the départements the code belongs to. Source:
    SPEC §2 (a structure's address and département, in Nouvelle-Aquitaine), tester t9b F10.
    """
    served = postal_code_departements(postal_code)
    if not served or departement in served:
        return
    names = ", ".join(f"{NOUVELLE_AQUITAINE_DEPARTEMENTS[code]} ({code})"
                      for code in sorted(served))
    raise ValidationError(
        _("Le code postal %(code)s ne dessert aucune commune du département choisi "
          "(%(departement)s) mais : %(names)s. Corrigez le code postal ou le département."),
        params={"code": postal_code, "names": names, "departement": departement},
        code="postal_code_other_departement",
    )


#: The box a structure's map point must fall in (WGS 84 degrees): Nouvelle-Aquitaine's
#: extreme points, rounded outward, plus a margin of 0.25° (about 20–28 km) so a point placed
#: on the border, the coast or an island (Ré, Oléron) is never refused. The extremes are those of
#: the region's outline in IGN's ADMIN EXPRESS (also on geo.api.gouv.fr, région 75): south
#: 42.78 N (Pyrénées-Atlantiques), north 47.18 N (Vienne), west 1.79 W (Hendaye), east
#: 2.61 E (Creuse). A point outside is not in the region: a typo (999) or the wrong sign.
REGION_LATITUDE = (Decimal("42.5"), Decimal("47.45"))
REGION_LONGITUDE = (Decimal("-2.05"), Decimal("2.85"))


def _validate_in_range(value: Decimal | None, bounds: tuple[Decimal, Decimal], message,
                       code: str) -> None:
    if value is None:
        return
    if not Decimal(value).is_finite() or not bounds[0] <= Decimal(value) <= bounds[1]:
        raise ValidationError(message, code=code,
                              params={"low": str(bounds[0]).replace(".", ","),
                                      "high": str(bounds[1]).replace(".", ",")})


def validate_region_latitude(value: Decimal | None) -> None:
    """Model field validator: a latitude (decimal degrees) inside ``REGION_LATITUDE``. Raises
    ``ValidationError`` (code ``latitude_outside_region``); ``None`` passes."""
    _validate_in_range(value, REGION_LATITUDE, _(
        "La latitude doit être entre %(low)s et %(high)s (degrés décimaux, par exemple 44,8378 "
        "pour Bordeaux) : la structure est en Nouvelle-Aquitaine."), "latitude_outside_region")


def validate_region_longitude(value: Decimal | None) -> None:
    """Model field validator: a longitude (decimal degrees, negative west of Greenwich) inside
    ``REGION_LONGITUDE``. Raises ``ValidationError`` (code ``longitude_outside_region``);
    ``None`` passes."""
    _validate_in_range(value, REGION_LONGITUDE, _(
        "La longitude doit être entre %(low)s et %(high)s (degrés décimaux, négative à l'ouest "
        "de Greenwich, par exemple -0,5792 pour Bordeaux) : la structure est en "
        "Nouvelle-Aquitaine."), "longitude_outside_region")


#: How far ahead a designation may be dated: a structure designates the advisor it is about to
#: train, not one for years to come; a later day is a typing mistake (tester t9b F14; neither
#: SPEC §2 nor the convention's article 3 dates a designation).
DESIGNATION_MAX_AHEAD = relativedelta(years=1)


def validate_designation_date(value: date | None, *, today: date) -> None:
    """A designation (``Advisor.designated_on``) is dated at most ``DESIGNATION_MAX_AHEAD``
    after ``today`` (a Paris date); the plausible-date rule (2000–2099) bounds the rest.
    Raises ``ValidationError`` (code ``designation_too_far``). ``None`` passes."""
    if value is None:
        return
    latest = today + DESIGNATION_MAX_AHEAD
    if value > latest:
        raise ValidationError(
            _("Une désignation se date au plus un an à l'avance (au plus tard le %(latest)s) : "
              "vérifiez l'année tapée."),
            code="designation_too_far", params={"latest": latest.strftime("%d/%m/%Y")})


def designation_refusal(role: str) -> str | None:
    """Why an account of ``role`` (``accounts.models.Role``) cannot be designated as an advisor,
    in French, or ``None`` for an advisor account. Only an advisor account reaches the
    advisors' pages (``selectors.user_is_current_advisor``): a designated coordinator or young
    person would count among the structure's advisors and never offer a slot (tester t9b F14)."""
    if role == Role.ADVISOR:
        return None
    if role == Role.YOUTH:
        return str(_(
            "Cette adresse appartient au compte d'un ou d'une jeune : un compte jeune ne peut pas "
            "devenir conseiller·ère. Invitez la personne avec son adresse professionnelle."))
    if role == Role.COORDINATOR:
        return str(_(
            "Cette adresse appartient à un compte de coordination (CRIJ) : ce compte ne peut pas "
            "proposer d'entretiens depuis l'espace conseil. Invitez la personne avec une autre "
            "adresse professionnelle, réservée à son rôle de conseiller·ère."))
    return str(_(
        "Ce compte n'est pas un compte de conseiller·ère : invitez la personne avec une autre "
        "adresse professionnelle."))


def validate_designated_account(user: User) -> None:
    """Model validator of ``designation_refusal`` for ``user``. Raises ``ValidationError``
    (code ``not_an_advisor_account``)."""
    refusal = designation_refusal(user.role)
    if refusal is not None:
        raise ValidationError(refusal, code="not_an_advisor_account")
