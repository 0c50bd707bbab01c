"""Where a young person lives, from what they type: a commune's name, a postal code or a
département of Nouvelle-Aquitaine.

The communes come from the committed extract ``territory/data/communes.json`` (official open
data, see ``territory.extract``). Names are compared without accents, case or punctuation
("saint-junien", "St Junien" and "SAINT JUNIEN" are the same), and the names of former
communes merged into a current one still lead to it. A name several communes share
(Mérignac in Charente, Charente-Maritime and Gironde) is not guessed: the person chooses among
suggestions, which may be narrowed by a département or postal code typed after the name
("Mérignac (33)", "Mérignac 33700").

Public names:
- ``place_find(text) -> Place``, raises ``PlaceError`` (message in French, suggestions);
- ``normalise(text) -> str``, the comparison key of a name;
- ``source() -> dict``, the package, version and licence the extract comes from;
- ``postal_code_departements(code) -> frozenset[str]``, the départements of the region's
  communes a postal code serves (33220 serves communes of the Gironde and of the Dordogne);
- ``in_place(name) -> str`` and ``near_place(name) -> str``: « à Bordeaux », « au Bouscat »,
  « aux Adjots »; « de Pessac », « du Bouscat », « des Adjots »; ``Place.in_label``,
  ``Place.near_label`` and ``Commune.in_label`` use them, and ``DEPARTEMENT_IN`` for
  départements (« en Gironde », « dans les Landes »).

French prepositions (testers t-youth 7 and 8: « près de Gironde », « À Le Bouscat »): a commune
keeps its article in its official name (the INSEE's TNCC type is spelled out in the name the
extract carries: « Le Bouscat » is TNCC 2, « Les Adjots » TNCC 4), and « à » and « de » contract
with « le » and « les » (au, aux, du, des); « La » and « L' » do not contract. A département's
name is used without its article, so its preposition comes from the INSEE's département list
(its TNCC): feminine names take « en », the masculine and plural ones « dans le », « dans les ».
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from django.utils.translation import gettext as _

from .extract import DATA_FILE

SUGGESTIONS_SHOWN = 8
_SAINT = {"st": "saint", "ste": "sainte"}
_QUALIFIER = re.compile(r"^(?P<name>.*?)[\s,(]*(?P<code>\d{5}|\d{2})\)?$")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})


#: How to say "in" a département of the region, from the TNCC of the INSEE's list of
#: départements (code officiel géographique): 2 = « Le », 3 = « La », 4 = « Les ».
_DEPARTEMENT_TNCC = {"16": 3, "17": 3, "19": 3, "23": 3, "24": 3, "33": 3, "40": 4, "47": 2,
                     "64": 4, "79": 4, "86": 3, "87": 3}
_IN_BY_TNCC = {0: "en", 1: "en", 2: "dans le", 3: "en", 4: "dans les", 5: "dans l'"}
DEPARTEMENT_IN = {code: _IN_BY_TNCC[tncc] for code, tncc in _DEPARTEMENT_TNCC.items()}
_CONTRACTIONS = {"à": {"Le": "au", "Les": "aux"}, "de": {"Le": "du", "Les": "des"}}


def _with_preposition(preposition: str, name: str) -> str:
    article, _space, rest = name.partition(" ")
    contracted = _CONTRACTIONS[preposition].get(article)
    if contracted and rest:
        return f"{contracted} {rest}"
    if preposition == "de" and name[:1].lower() in "aeiouyâéèêîôûœ":
        return f"d'{name}"
    return f"{preposition} {name}"


def in_place(name: str) -> str:
    """« à Bordeaux », « au Bouscat », « aux Adjots », « à La Rochelle » (see the module)."""
    return _with_preposition("à", name)


def near_place(name: str) -> str:
    """« de Pessac », « du Bouscat », « des Adjots », « d'Angoulême » (see the module)."""
    return _with_preposition("de", name)


def in_departement(code: str, name: str) -> str:
    """« en Gironde », « dans les Landes », « dans le Lot-et-Garonne »; « en » for a
    département outside the table."""
    preposition = DEPARTEMENT_IN.get(code, "en")
    separator = "" if preposition.endswith("'") else " "
    return f"{preposition}{separator}{name}"


@dataclass(frozen=True, slots=True)
class Commune:
    insee: str
    name: str
    departement: str
    postal_codes: tuple[str, ...]
    population: int

    @property
    def label(self) -> str:
        """« Pessac (33) »: unique, since no two communes of a département share a name."""
        return f"{self.name} ({self.departement})"

    @property
    def in_label(self) -> str:
        """« au Bouscat », « à Pessac » (see ``in_place``)."""
        return in_place(self.name)


@dataclass(frozen=True, slots=True)
class Place:
    """A commune, a postal code (and the communes it serves) or a whole département."""

    departement: str
    departement_name: str
    communes: tuple[Commune, ...] = ()
    postal_code: str = ""
    former_name: str = ""
    """The name of the former commune typed, when it led to its current commune."""

    @property
    def kind(self) -> str:
        if self.postal_code:
            return "postal_code"
        return "commune" if self.communes else "departement"

    @property
    def label(self) -> str:
        """French words for headings: « Pessac (33) », « code postal 87200 », « Gironde (33) »."""
        if self.kind == "commune":
            commune = self.communes[0]
            if self.former_name:
                return _("%(former)s, aujourd'hui %(commune)s") % {
                    "former": self.former_name, "commune": commune.label}
            return commune.label
        if self.kind == "postal_code":
            return _("code postal %(code)s") % {"code": self.postal_code}
        return f"{self.departement_name} ({self.departement})"

    @property
    def in_label(self) -> str:
        """Where the results are, for a heading: « en Gironde (33) », « dans les Landes (40) »
        for a département, « au Bouscat (33) » for a commune, « dans le code postal 87200 »."""
        if self.kind == "departement":
            where = in_departement(self.departement, self.departement_name)
            return f"{where} ({self.departement})"
        if self.kind == "postal_code":
            return _("dans le code postal %(code)s") % {"code": self.postal_code}
        return f"{self.communes[0].in_label} ({self.departement})"

    @property
    def near_label(self) -> str:
        """« près de » said right: « près de Pessac (33) », « près du Bouscat (33) », « près
        du code postal 87200 »; for a département, its ``in_label`` (« en Gironde (33) »)."""
        if self.kind == "departement":
            return self.in_label
        if self.kind == "postal_code":
            return _("près du code postal %(code)s") % {"code": self.postal_code}
        commune = self.communes[0]
        if self.former_name:
            return _("près %(former)s, aujourd'hui %(commune)s") % {
                "former": near_place(self.former_name), "commune": commune.label}
        return _("près %(commune)s (%(code)s)") % {"commune": near_place(commune.name),
                                                    "code": commune.departement}

    @property
    def query(self) -> str:
        """What to type (or put in a link) to find this place again without ambiguity."""
        if self.kind == "commune":
            return self.communes[0].label
        return self.postal_code or self.departement

    def is_local(self, *, commune: str, postal_code: str, departement: str) -> bool:
        """Whether an address (a structure's) is in this commune or postal code; False for a
        whole département (there is nothing closer than the département then)."""
        if self.postal_code and postal_code == self.postal_code:
            return True
        key = normalise(commune)
        return any(c.departement == departement and normalise(c.name) == key
                   for c in self.communes)


class PlaceError(Exception):
    """What was typed is not a place of the region, or names several: ``message`` says so in
    French, ``suggestions`` lists places to choose from (maybe none)."""

    def __init__(self, message: str, *, code: str, suggestions: tuple[Place, ...] = ()):
        super().__init__(message)
        self.message = message
        self.code = code
        self.suggestions = suggestions


def normalise(text: str) -> str:
    """Comparison key of a place name: lower case, no accents, ligatures spelt out, every run
    of punctuation or spaces one space, « St » and « Ste » written in full."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    return " ".join(_SAINT.get(word, word) for word in words)


@dataclass(frozen=True)
class _Gazetteer:
    source: dict[str, str]
    departements: dict[str, str]
    by_name: dict[str, tuple[Place, ...]]
    by_postal_code: dict[str, tuple[Commune, ...]]
    names: tuple[str, ...] = field(repr=False)


@cache
def _gazetteer() -> _Gazetteer:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    departements: dict[str, str] = data["departements"]
    by_name: dict[str, list[Place]] = defaultdict(list)
    by_postal_code: dict[str, list[Commune]] = defaultdict(list)
    by_insee: dict[str, Commune] = {}
    for insee, name, departement, postal_codes, population in data["communes"]:
        commune = Commune(insee, name, departement, tuple(postal_codes), population)
        by_insee[insee] = commune
        by_name[normalise(name)].append(_commune_place(commune, departements))
        for code in postal_codes:
            by_postal_code[code].append(commune)
    for _insee, name, current in data["former_communes"]:
        place = _commune_place(by_insee[current], departements, former_name=name)
        places = by_name[normalise(name)]
        if all(p.communes[0].insee != current for p in places):
            places.append(place)
    for code, name in departements.items():
        by_name[normalise(name)].append(Place(code, name))
    return _Gazetteer(
        source=data["source"],
        departements=departements,
        by_name={key: tuple(sorted(places, key=_by_size)) for key, places in by_name.items()},
        by_postal_code={code: tuple(sorted(communes, key=lambda c: -c.population))
                        for code, communes in by_postal_code.items()},
        names=tuple(sorted(by_name)),
    )


def _commune_place(commune: Commune, departements: dict[str, str], former_name: str = "") -> Place:
    return Place(commune.departement, departements[commune.departement], (commune,),
                 former_name=former_name)


def _by_size(place: Place) -> tuple[int, int, str]:
    """Départements first, then communes by population (largest first), then name."""
    if not place.communes:
        return (0, 0, place.departement)
    return (1, -place.communes[0].population, place.communes[0].label)


def source() -> dict[str, str]:
    """Where the extract comes from: ``package``, ``version``, ``licence``, ``origin``."""
    return _gazetteer().source


def postal_code_departements(postal_code: str) -> frozenset[str]:
    """The départements of the region's communes that use ``postal_code``; empty when none of
    them does. A postal code follows La Poste's sorting offices, not the départements' limits:
    33220 serves Sainte-Foy-la-Grande (Gironde) and Port-Sainte-Foy-et-Ponchapt (Dordogne),
    37160 (Indre-et-Loire's numbering) a commune of the Vienne."""
    return frozenset(commune.departement
                     for commune in _gazetteer().by_postal_code.get(postal_code.strip(), ()))


def _outside_region(value: str) -> PlaceError:
    return PlaceError(
        _("« %(value)s » n'est pas en Nouvelle-Aquitaine : So Mobilité accueille les jeunes "
          "des départements %(list)s.") % {"value": value,
                                           "list": ", ".join(_gazetteer().departements)},
        code="place_outside_region")


def place_find(text: str) -> Place:
    """The place meant by ``text``: a département number (« 33 ») or name (« Gironde »), a
    postal code (« 87200 ») or a commune's name, optionally followed by its département or
    postal code (« Mérignac (33) »). Accents, case, hyphens and « St » do not matter.

    Raises PlaceError with code ``place_empty``, ``place_outside_region`` (a number outside
    the 12 départements), ``postal_code_unknown`` (a postal code of the region that no commune
    has), ``place_ambiguous`` (several places: ``suggestions`` lists them, largest first) or
    ``place_unknown`` (``suggestions`` holds names that begin alike or are spelt close)."""
    gazetteer = _gazetteer()
    value = " ".join(text.split())
    if not value:
        raise PlaceError(_("Indiquez votre commune, votre code postal ou votre département."),
                         code="place_empty")
    digits = value.replace(" ", "")
    if digits.isdigit():
        return _place_of_number(digits)
    qualified = _QUALIFIER.match(value)
    name, code = value, ""
    if qualified and qualified["code"] and qualified["name"].strip(" ,("):
        name, code = qualified["name"].strip(" ,("), qualified["code"]
    elif value[:5].isdigit() and value[5:6] == " ":  # « 33700 Mérignac »
        name, code = value[6:], value[:5]
    key = normalise(name)
    places = gazetteer.by_name.get(key, ())
    if code:
        places = tuple(p for p in places if _has_code(p, code))
    if len(places) == 1:
        return places[0]
    if places:
        raise PlaceError(
            _("Plusieurs lieux s'appellent « %(name)s » : choisissez le vôtre.")
            % {"name": name}, code="place_ambiguous", suggestions=places[:SUGGESTIONS_SHOWN])
    raise PlaceError(
        _("Nous ne trouvons pas « %(name)s » parmi les communes de Nouvelle-Aquitaine. "
          "Vérifiez l'orthographe, ou indiquez votre code postal ou votre département.")
        % {"name": value}, code="place_unknown", suggestions=_near(key))


def _place_of_number(digits: str) -> Place:
    gazetteer = _gazetteer()
    if len(digits) == 2:
        if digits not in gazetteer.departements:
            raise _outside_region(digits)
        return Place(digits, gazetteer.departements[digits])
    if len(digits) != 5:
        raise PlaceError(
            _("Un code postal a 5 chiffres (par exemple 33000) et un département 2 (par "
              "exemple 33)."), code="place_format")
    # A postal code follows La Poste's sorting offices, not the départements' limits: 37160
    # (Indre-et-Loire's numbering) serves Buxeuil, in the Vienne. Its communes decide.
    communes = gazetteer.by_postal_code.get(digits)
    if not communes and digits[:2] not in gazetteer.departements:
        raise _outside_region(digits)
    if not communes:
        raise PlaceError(
            _("Le code postal %(code)s n'existe pas en Nouvelle-Aquitaine : vérifiez-le, ou "
              "indiquez le nom de votre commune.") % {"code": digits},
            code="postal_code_unknown")
    departement = communes[0].departement
    if len(communes) == 1:
        return Place(departement, gazetteer.departements[departement], communes)
    return Place(departement, gazetteer.departements[departement], communes, postal_code=digits)


def _has_code(place: Place, code: str) -> bool:
    if len(code) == 2:
        return place.departement == code
    return any(code in commune.postal_codes for commune in place.communes)


def _near(key: str) -> tuple[Place, ...]:
    """Places whose name begins with ``key`` (3 letters at least), else names spelt close."""
    if not key:
        return ()
    gazetteer = _gazetteer()
    names: list[str] = []
    if len(key) >= 3:
        names = [name for name in gazetteer.names if name.startswith(key)]
    if not names:
        names = difflib.get_close_matches(key, gazetteer.names, n=SUGGESTIONS_SHOWN, cutoff=0.8)
    places = [place for name in names for place in gazetteer.by_name[name]]
    return tuple(sorted(places, key=_by_size)[:SUGGESTIONS_SHOWN])
