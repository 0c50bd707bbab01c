"""Characters a stored text may not hold, for every text that enters without a web form: the
JSON exchange format (``import_programmes``, the admin's import of programme sheets), and any
other file or API reader (tester t9b F1).

Django's form fields refuse U+0000 (``ProhibitNullCharactersValidator``) and the site refuses a
request carrying it (``RefuseNulCharacterMiddleware``); a file read by a command or an upload
is not a form, so its texts pass through here. Refused: U+0000 (PostgreSQL text cannot hold
it: the write would fail with a database error), the other C0 control characters and DEL
except tab, line feed and carriage return, and the C1 control characters U+0080–U+009F
(invisible, they break the pages, e-mails and PDFs that show the text; U+0085 is a line break
to some readers and not to others; tester t9c #8), and lone surrogates (JSON can write
``"\\ud800"``; they cannot be encoded in UTF-8, so PostgreSQL refuses them too).

Also refused (tester t9d #3): the invisible characters a title or a text has no use for — the
format characters (Unicode category Cf: zero-width space U+200B, the byte-order mark U+FEFF,
the direction overrides U+202A–U+202E and U+2066–U+2069 that can make a text read otherwise than
it is stored) except the soft hyphen U+00AD and the zero-width joiners U+200C/U+200D that
Persian, Indic scripts and emoji sequences need; the line and paragraph separators U+2028 and
U+2029; and the noncharacters (U+FDD0–U+FDEF and the last two code points of every plane,
U+FFFF among them). Unassigned code points are kept: Python's Unicode tables may be older than
the keyboard (a new emoji).

- ``forbidden_character_reason(value) -> str | None``: the French reason naming the first
  forbidden character (« caractère nul interdit », « caractère de contrôle U+0007 interdit »,
  « caractère invalide U+D800 », « caractère invisible U+200B interdit »), or None when
  ``value`` is clean.
"""

from __future__ import annotations

import re
import unicodedata

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
#: Format characters a text may keep: soft hyphen, zero-width non-joiner and joiner.
_KEPT_FORMAT = frozenset("\u00ad\u200c\u200d")
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Zl", "Zp"})


def _noncharacter(character: str) -> bool:
    code = ord(character)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _invisible(value: str) -> str | None:
    for character in value:
        if character > "\x7f" and character not in _KEPT_FORMAT and (
                unicodedata.category(character) in _INVISIBLE_CATEGORIES
                or _noncharacter(character)):
            return character
    return None


def forbidden_character_reason(value: str) -> str | None:
    """The French reason ``value`` may not be stored, or None (see the module docstring)."""
    found = _FORBIDDEN.search(value)
    if found is None:
        invisible = _invisible(value) if not value.isascii() else None
        return (f"caractère invisible U+{ord(invisible):04X} interdit"
                if invisible is not None else None)
    character = found.group()
    if character == "\x00":
        return "caractère nul interdit"
    code = f"U+{ord(character):04X}"
    if "\ud800" <= character <= "\udfff":
        return f"caractère invalide {code} (moitié de paire UTF-16)"
    return f"caractère de contrôle {code} interdit"

