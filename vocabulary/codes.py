"""Vocabularies of the exchange format (/work/shared/formats/exchange-format.md), shared by the
programme sheets, the mobility profile and the matching engine.

Codes are the format's; labels are the French words shown to people. Ordered vocabularies
(education levels, CEFR levels) expose a rank so comparisons are plain integer comparisons.
"""

import re
from collections.abc import Iterable
from functools import cache

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override


class Domain(models.TextChoices):
    STUDIES = "studies", _("études")
    INTERNSHIP = "internship", _("stage")
    JOB = "job", _("emploi")
    VOLUNTEERING = "volunteering", _("volontariat")
    EXCHANGE = "exchange", _("échange")
    WORKING_HOLIDAY = "working_holiday", _("vacances-travail (PVT)")
    AU_PAIR = "au_pair", _("au pair")
    LANGUAGE_STAY = "language_stay", _("séjour linguistique")
    HOLIDAYS = "holidays", _("vacances")
    ENTREPRENEURSHIP = "entrepreneurship", _("entrepreneuriat")
    TRAINING = "training", _("formation professionnelle ou apprentissage")


class Status(models.TextChoices):
    PUPIL = "pupil", _("collégien·ne ou lycéen·ne (général, technologique)")
    VOCATIONAL_PUPIL = "vocational_pupil", _("lycéen·ne professionnel·le (CAP, bac pro)")
    STUDENT = "student", _("étudiant·e")
    VET_APPRENTICE = "vet_apprentice", _("apprenti·e (CAP, BP, bac pro)")
    HE_APPRENTICE = "he_apprentice", _("apprenti·e du supérieur")
    JOB_SEEKER = "job_seeker", _("demandeur·se d'emploi")
    EMPLOYEE = "employee", _("salarié·e")
    SELF_EMPLOYED = "self_employed", _("indépendant·e")
    INACTIVE = "inactive", _("sans activité")


#: On a sheet, ``statuses: ["any"]`` means no condition on the status.
ANY_STATUS = "any"


class EducationLevel(models.TextChoices):
    """Declared in increasing order: the rank is the position."""

    NONE = "none", _("sans diplôme")
    CAP_BEP = "cap_bep", _("CAP ou BEP")
    BAC = "bac", _("bac")
    BAC_2 = "bac+2", _("bac+2")
    BAC_3 = "bac+3", _("bac+3")
    BAC_5 = "bac+5", _("bac+5")
    DOCTORATE = "doctorate", _("doctorat")


EDUCATION_RANK = {code: rank for rank, code in enumerate(EducationLevel.values)}


class CefrLevel(models.TextChoices):
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"


CEFR_RANK = {code: rank for rank, code in enumerate(CefrLevel.values, start=1)}


class AgeReference(models.TextChoices):
    APPLICATION = "application", _("à la candidature")
    DEPARTURE = "departure", _("au départ")


class Verification(models.TextChoices):
    """Whether a sheet's conditions are checked against the official sources."""

    VERIFIED = "verified", _("vérifiée")
    TO_VERIFY = "to_verify", _("à vérifier")


class Zone(models.TextChoices):
    EUROPE = "europe", _("Europe")
    EU = "eu", _("Union européenne")
    AFRICA = "africa", _("Afrique")
    NORTH_AMERICA = "north_america", _("Amérique du Nord")
    LATIN_AMERICA = "latin_america", _("Amérique latine et Caraïbes")
    ASIA = "asia", _("Asie")
    MIDDLE_EAST = "middle_east", _("Moyen-Orient")
    OCEANIA = "oceania", _("Océanie")
    WORLDWIDE = "worldwide", _("Monde entier")


# --- Countries and zones -------------------------------------------------------------------
# No installed library carries continents, so the table is written here, from the UN M49
# geographic regions, with these choices (documented because they are choices):
# - `europe` is geographic Europe plus the Caucasus (AM, AZ, GE), Cyprus, Russia and Turkey,
#   which are also in `asia` (Turkey and the Arab states of Western Asia are in `middle_east`
#   too; Egypt is in `africa` and `middle_east`). These straddling countries are listed by
#   ``transcontinental_countries``: the matching explains a destination reached only through
#   them as a partial fit.
# - `north_america` is Canada, the United States, Greenland, Bermuda and Saint-Pierre-et-
#   Miquelon; Mexico, Central America and the Caribbean are `latin_america`.
# - French overseas territories are placed where they are (RE and YT in `africa`, GP, MQ, GF,
#   BL, MF in `latin_america`, NC, PF, WF in `oceania`); ISO gives them their own codes and
#   they are not in `eu` here.
# - Uninhabited territories (AQ, BV, HM, GS, IO, TF, UM) are only in `worldwide`.
# - Kosovo (`XK`, outside ISO 3166-1; the European Union's code, see ``all_country_codes``) is in
#   `europe`.
def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


EU_COUNTRIES = _codes(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK"
)
EEA_COUNTRIES = EU_COUNTRIES | {"IS", "LI", "NO"}

_ZONE_TABLE = {
    Zone.EU: " ".join(sorted(EU_COUNTRIES)),
    Zone.EUROPE: " ".join(sorted(EU_COUNTRIES)) + " AD AL AM AX AZ BA BY CH FO GB GE GG GI IM IS"
    " JE LI MC MD ME MK NO RS RU SJ SM TR UA VA XK",
    Zone.AFRICA: "AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ GW KE KM LR"
    " LS LY MA MG ML MR MU MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TN TZ UG YT"
    " ZA ZM ZW",
    Zone.NORTH_AMERICA: "BM CA GL PM US",
    Zone.LATIN_AMERICA: "AG AI AR AW BB BL BO BQ BR BS BZ CL CO CR CU CW DM DO EC FK GD GF GP"
    " GT GY HN HT JM KN KY LC MF MQ MS MX NI PA PE PR PY SR SV SX TC TT UY VC VE VG VI",
    Zone.ASIA: "AE AF AM AZ BD BH BN BT CN CY GE HK ID IL IN IQ IR JO JP KG KH KP KR KW KZ LA LB"
    " LK MM MN MO MV MY NP OM PH PK PS QA RU SA SG SY TH TJ TL TM TR TW UZ VN YE",
    Zone.MIDDLE_EAST: "AE BH EG IL IQ IR JO KW LB OM PS QA SA SY TR YE",
    Zone.OCEANIA: "AS AU CC CK CX FJ FM GU KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV VU"
    " WF WS",
}


@cache
def all_country_codes() -> frozenset[str]:
    """Every country code read, written, shown and matched: ISO 3166-1 alpha-2 plus the codes
    ``COUNTRIES_OVERRIDE`` adds to django-countries (``XK``, Kosovo), as the exchange format
    says. The one list: forms, fields and names use the same django-countries registry."""
    from django_countries import countries

    return frozenset(code for code, _name in countries)


@cache
def zone_countries() -> dict[str, frozenset[str]]:
    """Zone code → the ISO country codes it contains (``worldwide`` contains them all)."""
    table = {str(zone): frozenset(codes.split()) for zone, codes in _ZONE_TABLE.items()}
    table[Zone.WORLDWIDE.value] = all_country_codes()
    return table


@cache
def country_zones() -> dict[str, frozenset[str]]:
    """Country code → the zones that contain it."""
    result: dict[str, set[str]] = {code: set() for code in all_country_codes()}
    for zone, codes in zone_countries().items():
        for code in codes:
            result[code].add(zone)
    return {code: frozenset(zones) for code, zones in result.items()}


#: The continents, each a zone: a country in two of them straddles them (``europe`` and
#: ``asia`` for Turkey). ``eu`` and ``middle_east`` are regions inside or across continents,
#: ``worldwide`` holds them all.
CONTINENTS = (Zone.EUROPE, Zone.AFRICA, Zone.NORTH_AMERICA, Zone.LATIN_AMERICA, Zone.ASIA,
              Zone.OCEANIA)

#: « l'Europe et l'Asie »: continents with their article, for the straddling countries.
CONTINENT_WITH_ARTICLE = {
    Zone.EUROPE: _("l'Europe"), Zone.AFRICA: _("l'Afrique"),
    Zone.NORTH_AMERICA: _("l'Amérique du Nord"), Zone.LATIN_AMERICA: _("l'Amérique latine"),
    Zone.ASIA: _("l'Asie"), Zone.OCEANIA: _("l'Océanie"),
}


@cache
def transcontinental_countries() -> dict[str, tuple[str, ...]]:
    """Country code → the continents it straddles (in CONTINENTS order), for the countries
    in two continents or more: the Caucasus, Cyprus, Russia and Turkey (see the table)."""
    zones = country_zones()
    result = {}
    for code, member_of in zones.items():
        continents = tuple(str(zone) for zone in CONTINENTS if zone in member_of)
        if len(continents) > 1:
            result[code] = continents
    return result


@cache
def country_names_fr() -> dict[str, str]:
    """French country names, independent of the active language (the engine is pure)."""
    from django_countries import countries

    with override("fr"):
        return {code: str(name) for code, name in countries}


def country_name(code: str) -> str:
    return country_names_fr().get(code, code)


#: Nationality codes beyond country codes.
NATIONALITY_GROUPS = {"EU": EU_COUNTRIES, "EEA": EEA_COUNTRIES}
NATIONALITY_GROUP_LABELS = {
    "EU": _("pays de l'Union européenne"),
    "EEA": _("pays de l'Espace économique européen"),
}


# --- Languages (ISO 639-1) -----------------------------------------------------------------
ISO_639_1 = _codes(
    """aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy
    da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu
    hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb
    lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om
    or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw
    ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu"""
)

#: The languages offered in the lists (one label each: one language, one entry).
LANGUAGE_NAMES = {
    "ar": _("arabe"), "bg": _("bulgare"), "br": _("breton"), "ca": _("catalan"),
    "co": _("corse"), "cs": _("tchèque"), "da": _("danois"), "de": _("allemand"),
    "el": _("grec"), "en": _("anglais"), "eo": _("espéranto"), "es": _("espagnol"),
    "et": _("estonien"), "eu": _("basque"), "fa": _("persan"), "fi": _("finnois"),
    "fr": _("français"), "ga": _("irlandais"), "he": _("hébreu"), "hi": _("hindi"),
    "hr": _("croate"), "hu": _("hongrois"), "id": _("indonésien"), "is": _("islandais"),
    "it": _("italien"), "ja": _("japonais"), "ko": _("coréen"), "la": _("latin"),
    "lt": _("lituanien"), "lv": _("letton"), "mt": _("maltais"),
    "nl": _("néerlandais"), "no": _("norvégien"), "oc": _("occitan"), "pl": _("polonais"),
    "pt": _("portugais"), "ro": _("roumain"), "ru": _("russe"), "sk": _("slovaque"),
    "sl": _("slovène"), "sv": _("suédois"), "sw": _("swahili"), "th": _("thaï"),
    "tr": _("turc"), "uk": _("ukrainien"), "vi": _("vietnamien"), "wo": _("wolof"),
    "zh": _("chinois"),
}


#: Valid ISO 639-1 codes named when they are read from a file, but not offered in the lists:
#: written Norwegian's two standards (the lists offer « norvégien », ``no``, once).
OTHER_LANGUAGE_NAMES = {"nb": _("norvégien (bokmål)"), "nn": _("norvégien (nynorsk)")}


def language_name(code: str) -> str:
    name = LANGUAGE_NAMES.get(code) or OTHER_LANGUAGE_NAMES.get(code)
    return str(name) if name else f"langue « {code} »"


def of_language(code: str) -> str:
    """« d'anglais », « de russe »: the French elision before a vowel or a mute h."""
    name = language_name(code)
    return f"d'{name}" if name[0] in "aeiouyéèêh" else f"de {name}"


def choices_dict(choices: type[models.TextChoices]) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


class _OfLanguage(dict[str, str]):
    def __missing__(self, code: str) -> str:
        return of_language(code)


@cache
def of_language_labels() -> dict[str, str]:
    """Language code → « d'anglais », « de russe » as plain strings (resolved once: lazy
    translations are slow in a loop); an unnamed code gets « de langue « xx » »."""
    return _OfLanguage({code: of_language(code) for code in LANGUAGE_NAMES})


# --- Départements ----------------------------------------------------------------------------
# The 101 départements of the Code officiel géographique (INSEE), with the article their name
# takes (the COG's « type de nom en clair »), so a line can say « de la Gironde », « des
# Landes », « du Lot » or « de Lot-et-Garonne » as the départements themselves write it.
# Format: code → "name|article" with article one of le, la, les, l' or empty.
_DEPARTEMENT_TABLE = {
    "01": "Ain|l'", "02": "Aisne|l'", "03": "Allier|l'", "04": "Alpes-de-Haute-Provence|les",
    "05": "Hautes-Alpes|les", "06": "Alpes-Maritimes|les", "07": "Ardèche|l'",
    "08": "Ardennes|les", "09": "Ariège|l'", "10": "Aube|l'", "11": "Aude|l'",
    "12": "Aveyron|l'", "13": "Bouches-du-Rhône|les", "14": "Calvados|le", "15": "Cantal|le",
    "16": "Charente|la", "17": "Charente-Maritime|la", "18": "Cher|le", "19": "Corrèze|la",
    "2A": "Corse-du-Sud|la", "2B": "Haute-Corse|la", "21": "Côte-d'Or|la",
    "22": "Côtes-d'Armor|les", "23": "Creuse|la", "24": "Dordogne|la", "25": "Doubs|le",
    "26": "Drôme|la", "27": "Eure|l'", "28": "Eure-et-Loir|", "29": "Finistère|le",
    "30": "Gard|le", "31": "Haute-Garonne|la", "32": "Gers|le", "33": "Gironde|la",
    "34": "Hérault|l'", "35": "Ille-et-Vilaine|", "36": "Indre|l'", "37": "Indre-et-Loire|",
    "38": "Isère|l'", "39": "Jura|le", "40": "Landes|les", "41": "Loir-et-Cher|",
    "42": "Loire|la", "43": "Haute-Loire|la", "44": "Loire-Atlantique|la", "45": "Loiret|le",
    "46": "Lot|le", "47": "Lot-et-Garonne|", "48": "Lozère|la", "49": "Maine-et-Loire|",
    "50": "Manche|la", "51": "Marne|la", "52": "Haute-Marne|la", "53": "Mayenne|la",
    "54": "Meurthe-et-Moselle|", "55": "Meuse|la", "56": "Morbihan|le", "57": "Moselle|la",
    "58": "Nièvre|la", "59": "Nord|le", "60": "Oise|l'", "61": "Orne|l'",
    "62": "Pas-de-Calais|le", "63": "Puy-de-Dôme|le", "64": "Pyrénées-Atlantiques|les",
    "65": "Hautes-Pyrénées|les", "66": "Pyrénées-Orientales|les", "67": "Bas-Rhin|le",
    "68": "Haut-Rhin|le", "69": "Rhône|le", "70": "Haute-Saône|la", "71": "Saône-et-Loire|",
    "72": "Sarthe|la", "73": "Savoie|la", "74": "Haute-Savoie|la", "75": "Paris|",
    "76": "Seine-Maritime|la", "77": "Seine-et-Marne|", "78": "Yvelines|les",
    "79": "Deux-Sèvres|les", "80": "Somme|la", "81": "Tarn|le", "82": "Tarn-et-Garonne|",
    "83": "Var|le", "84": "Vaucluse|", "85": "Vendée|la", "86": "Vienne|la",
    "87": "Haute-Vienne|la", "88": "Vosges|les", "89": "Yonne|l'",
    "90": "Territoire de Belfort|le", "91": "Essonne|l'", "92": "Hauts-de-Seine|les",
    "93": "Seine-Saint-Denis|la", "94": "Val-de-Marne|le", "95": "Val-d'Oise|le",
    "971": "Guadeloupe|la", "972": "Martinique|la", "973": "Guyane|la", "974": "La Réunion|",
    "976": "Mayotte|",
}
DEPARTEMENTS = {code: entry.partition("|")[0] for code, entry in _DEPARTEMENT_TABLE.items()}
_OF = {"le": "du ", "la": "de la ", "les": "des ", "l'": "de l'"}


def of_departement(code: str) -> str:
    """« de la Gironde », « des Landes », « du Lot », « de Lot-et-Garonne », « d'Eure-et-Loir »."""
    name, _sep, article = _DEPARTEMENT_TABLE[code].partition("|")
    if article:
        return _OF[article] + name
    return f"d'{name}" if name[0] in "AEIOUYÉÈÊ" else f"de {name}"


#: A residence condition covering exactly a région's départements names the région.
REGION_DEPARTEMENTS = {
    "de la Nouvelle-Aquitaine": frozenset(
        {"16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"}),
}


def of_departements(codes: Iterable[str]) -> str:
    """« de la Gironde », « de la Gironde et des Landes », « de la Charente, de la Vienne et
    de la Haute-Vienne » (in code order), or « de la Nouvelle-Aquitaine » for all of its
    départements."""
    chosen = frozenset(codes)
    for region, members in REGION_DEPARTEMENTS.items():
        if chosen == members:
            return region
    names = [of_departement(code) for code in sorted(chosen)]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " et " + names[-1]


#: The one message for a postal code that is not five digits (tester t9c #9), whatever form,
#: model or file it comes through.
POSTAL_CODE_FORMAT_MESSAGE = _("Le code postal a 5 chiffres (par exemple 33000).")

#: Overseas collectivities (not départements) with French postal codes, by their first three
#: digits (La Poste): So Mobilité serves Nouvelle-Aquitaine, their young people are told so.
#: 980xx is Monaco, not France. Saint-Barthélemy and Saint-Martin use Guadeloupe's 971xx.
OVERSEAS_COLLECTIVITIES = {
    "975": "Saint-Pierre-et-Miquelon",
    "984": "Terres australes et antarctiques françaises",
    "986": "Wallis-et-Futuna",
    "987": "Polynésie française",
    "988": "Nouvelle-Calédonie",
}

_POSTAL_CODE = re.compile(r"[0-9]{5}")


#: Full-width digits (U+FF10–U+FF19, what a Japanese or Chinese keyboard types) to ASCII.
_FULL_WIDTH_DIGITS = str.maketrans({chr(0xFF10 + digit): str(digit) for digit in range(10)})


def postal_code_normalized(value: object) -> str:
    """A postal code as people type it, ready to check: full-width digits folded (« ３３０００ »
    becomes « 33000 »), every space dropped (« 87 200 », a no-break space). Anything else is
    kept, superscript « ³ » and other scripts' digits included, for
    ``validate_postal_code_format`` to refuse (tester t9d #2: Unicode's compatibility folding
    turned « ³³⁰⁰⁰ » into 33000)."""
    text = ("" if value is None else str(value)).translate(_FULL_WIDTH_DIGITS)
    return "".join(text.split())


def validate_postal_code_format(value: str) -> None:
    """Accept five ASCII digits (« 33000 »); raise ``ValidationError`` (code ``postal_code``,
    ``POSTAL_CODE_FORMAT_MESSAGE``) for anything else: another length, letters, or digits of
    another script (``str.isdigit`` accepts « ３ », « ³ », « ٣ »). Callers normalise first
    (``postal_code_normalized``)."""
    if not _POSTAL_CODE.fullmatch(value or ""):
        raise ValidationError(POSTAL_CODE_FORMAT_MESSAGE, code="postal_code")


def departement_of_postal_code(postal_code: str) -> str | None:
    """The département code of a French postal code, or None when it is not one.

    The first two digits, three for the overseas départements (97x) and, for Corsica (20xxx),
    « 2A » below 20200 and « 2B » from 20200 (La Poste's numbering). A few communes use the
    postal code of a neighbouring département's sorting office (Port-Sainte-Foy-et-Ponchapt,
    Dordogne, has 33220): the postal code alone cannot tell them apart, the commune would.
    """
    code = (postal_code or "").strip()
    if not _POSTAL_CODE.fullmatch(code):
        return None
    if code.startswith("97"):
        departement = code[:3]
    elif code.startswith("20"):
        departement = "2A" if int(code) < 20200 else "2B"
    else:
        departement = code[:2]
    return departement if departement in DEPARTEMENTS else None
