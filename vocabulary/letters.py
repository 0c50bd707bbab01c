"""The opening line of the product's emails: « Bonjour Léa, » when the name is known, « Bonjour, »
when it is not (an account created without a first name, an erased person, a name not given),
never « Bonjour , » (tester t9a, the selection email).

- ``greeting(name) -> str``: that line, in the active language (``name`` stripped; ``None`` or
  blank gives the line without a name).
- The template library ``vocabulary.letters`` (a built-in of the template engine, see
  ``TEMPLATES`` in the settings) offers it as a filter, ``{{ youth_first_name|greeting }}``: the
  name is escaped like any value in an HTML template, not in a plain-text one.
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter(is_safe=False)
def greeting(name: object) -> str:
    """« Bonjour {name}, », or « Bonjour, » without a name (module docstring)."""
    name = str(name).strip() if name is not None else ""
    if not name:
        return gettext("Bonjour,")
    return gettext("Bonjour %(name)s,") % {"name": name}
