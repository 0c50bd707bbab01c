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

- ``forbidden_character_reason(value) -> str | None``: the French reason naming the first
  forbidden character (« caractère nul interdit », « caractère de contrôle U+0007 interdit »,
  « caractère invalide U+D800 »), or None when ``value`` is clean.
"""

from __future__ import annotations

import re

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def forbidden_character_reason(value: str) -> str | None:
    """The French reason ``value`` may not be stored, or None (see the module docstring)."""
    found = _FORBIDDEN.search(value)
    if found is None:
        return None
    character = found.group()
    if character == "\x00":
        return "caractère nul interdit"
    code = f"U+{ord(character):04X}"
    if "\ud800" <= character <= "\udfff":
        return f"caractère invalide {code} (moitié de paire UTF-16)"
    return f"caractère de contrôle {code} interdit"

