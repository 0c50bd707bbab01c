"""Readers and writers of the exchange format's plain values, shared by the mobility profile
(matching.exchange) and the programme sheet (programmes.exchange) formats
(/work/shared/formats/exchange-format.md).

Readers append a French error naming ``where`` (the key path, « wishes.departure ») to ``errors``
and return None (or an empty value), so every error of a document is listed at once.
"""

import json
import sys
from collections.abc import Container
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from .text import forbidden_character_reason


def parse_date(value: Any, errors: list[str], where: str) -> date | None:
    """A JSON ``AAAA-MM-JJ`` string as a date; None for null (no error) or a bad value."""
    if value is None:
        return None
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    errors.append(f"{where} : date attendue au format AAAA-MM-JJ")
    return None


def parse_weeks(value: Any, errors: list[str], where: str) -> Decimal | None:
    """A JSON number of weeks (positive, below 10,000, at most 2 decimals) as a Decimal; None
    for null (no error) or a bad value."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        errors.append(f"{where} : nombre de semaines attendu")
        return None
    try:
        weeks = Decimal(str(value))
    except InvalidOperation:
        errors.append(f"{where} : nombre de semaines attendu")
        return None
    if weeks <= 0 or weeks >= 10000 or weeks != weeks.quantize(Decimal("0.01")):
        errors.append(f"{where} : nombre positif d'au plus 2 décimales attendu")
        return None
    return weeks


def parse_weeks_range(value: Any, errors: list[str], where: str
                      ) -> tuple[Decimal | None, Decimal | None]:
    """A JSON ``{"min", "max"}`` object of weeks as (low, high), each None when absent; the
    minimum may not exceed the maximum."""
    if value is None:
        return None, None
    if not isinstance(value, dict):
        errors.append(f"{where} : objet {{\"min\", \"max\"}} attendu")
        return None, None
    for key in sorted(set(value) - {"min", "max"}):
        errors.append(f"{where}.{key} : clé inconnue")
    low = parse_weeks(value.get("min"), errors, f"{where}.min")
    high = parse_weeks(value.get("max"), errors, f"{where}.max")
    if low is not None and high is not None and low > high:
        errors.append(f"{where} : le minimum dépasse le maximum")
    return low, high


def parse_code_list(value: Any, allowed: Container[str], errors: list[str], where: str
                    ) -> tuple[str, ...]:
    """A JSON list of distinct codes, each in ``allowed``; () for null."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        errors.append(f"{where} : liste de codes attendue")
        return ()
    unknown = [item for item in value if item not in allowed]
    if unknown:
        errors.append(f"{where} : code(s) inconnu(s) : {', '.join(unknown)}")
    if len(set(value)) != len(value):
        errors.append(f"{where} : contient des doublons")
    return tuple(value)


def weeks_to_json(value: Decimal | None) -> int | float | None:
    """Decimal weeks as a JSON number: an int when whole, else a float (4.35)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral() else float(value)


class ExchangeFileError(ValueError):
    """A file that is not a JSON document of the format; ``message`` is one French sentence."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


#: French for the messages of Python's JSON decoder (``json.JSONDecodeError.msg``, the C and
#: the Python scanner of 3.11 to 3.13), matched on their start; line and column are added.
_JSON_MESSAGES = (
    ("Expecting value", "valeur attendue (texte entre guillemets, nombre, true, false, null, "
                        "liste ou objet)"),
    ("Expecting property name enclosed in double quotes",
     "nom de clé entre guillemets droits attendu (pas de virgule avant « } »)"),
    ("Expecting ':' delimiter", "« : » attendu après le nom de la clé"),
    ("Expecting ',' delimiter", "« , » attendue entre deux éléments"),
    ("Unterminated string", "texte sans guillemet fermant"),
    ("Invalid control character", "caractère de contrôle dans un texte (un retour à la ligne "
                                  "s'écrit \\n)"),
    ("Invalid \\uXXXX escape", "séquence \\u invalide (quatre chiffres hexadécimaux attendus)"),
    ("Invalid \\escape", "séquence d'échappement invalide après « \\ »"),
    ("Extra data", "du contenu suit la fin du document JSON"),
    ("Illegal trailing comma", "virgule en trop avant la fin de la liste ou de l'objet"),
    ("Unexpected UTF-8 BOM", "marque d'ordre des octets (BOM) en trop"),
)

#: French for the reasons of Python's UTF-8 decoder (``UnicodeDecodeError.reason``).
_UTF8_REASONS = {
    "invalid start byte": "octet de début invalide",
    "invalid continuation byte": "octet de suite invalide",
    "unexpected end of data": "fin de fichier au milieu d'un caractère",
}


def json_error_french(message: str) -> str:
    """The French reason for ``message``, the English ``msg`` of a ``json.JSONDecodeError``
    (« Expecting value » → « valeur attendue … »); a message of a later Python that is not
    known yet gives « syntaxe JSON invalide », never English."""
    for start, french in _JSON_MESSAGES:
        if message.startswith(start):
            return french
    return "syntaxe JSON invalide"


def load_json(content: bytes) -> Any:
    """The JSON document in ``content`` (UTF-8 bytes, as read from a file or an upload).

    A leading UTF-8 byte order mark (BOM, written by some Windows editors) is dropped: it holds
    no data, and the file is UTF-8 all the same (tester t9c #8). Raises ExchangeFileError with
    one French sentence for everything a hostile or broken file can make the decoder raise: not
    UTF-8 (with the byte's position), bad JSON (the decoder's reason in French, with line and
    column: ``json_error_french``), an integer of more than 4,300 digits (ValueError), nesting
    deeper than the interpreter's recursion limit (RecursionError, tester t9b F2), or a file
    too big for memory (MemoryError). No English text of Python's reaches the message."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        reason = _UTF8_REASONS.get(error.reason, "octet invalide")
        raise ExchangeFileError(f"le fichier n'est pas en UTF-8 ({reason}, "
                                f"octet {error.start + 1}) : enregistrez-le en UTF-8"
                                ) from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ExchangeFileError(f"JSON invalide, ligne {error.lineno}, colonne {error.colno} : "
                                f"{json_error_french(error.msg)}") from error
    except RecursionError as error:
        raise ExchangeFileError("JSON trop imbriqué (listes ou objets les uns dans les "
                                "autres) : ce n'est pas un fichier du format") from error
    except MemoryError as error:
        raise ExchangeFileError("fichier trop gros pour être lu") from error
    except ValueError as error:  # an integer longer than sys.get_int_max_str_digits()
        if "digits" in str(error):
            raise ExchangeFileError(
                f"JSON illisible : un nombre a plus de {sys.get_int_max_str_digits()} "
                "chiffres") from error
        raise ExchangeFileError("JSON illisible : valeur impossible à lire") from error


def forbidden_characters(data: Any) -> list[tuple[str, str]]:
    """Every text of a decoded JSON document (keys and string values, at any depth) that holds
    a character no stored text may hold (``vocabulary.text``), as ``(where, reason)`` pairs in
    document order: ``where`` is the key path (« title », « languages[0].level »; « (racine) »
    for the document itself), the reason is French. Readers run it before the field checks, so
    every field of every format is covered, and no error message echoes the character."""
    found: list[tuple[str, str]] = []
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:  # iterative: the document may be as deep as the decoder allowed
        where, value = stack.pop()
        children: list[tuple[str, Any]] = []
        if isinstance(value, str):
            reason = forbidden_character_reason(value)
            if reason:
                found.append((where or "(racine)", reason))
        elif isinstance(value, dict):
            for key, item in value.items():
                reason = forbidden_character_reason(key)
                if reason:
                    found.append((where or "(racine)", f"nom de clé : {reason}"))
                    continue
                children.append((f"{where}.{key}" if where else key, item))
        elif isinstance(value, list):
            children = [(f"{where}[{index}]", item) for index, item in enumerate(value)]
        stack.extend(reversed(children))
    return found
