"""Filter forms of the public lists (the programme catalogue, the booking search, the
structure directory): the query parameters that are no filter of the page.

A visitor (or an old link, or a hand-typed address) may send ``?departement=99`` to a page
that filters by ``lieu``, or ``?pays=CA`` to one that filters by ``country``: the page ignores
them, and says so, like an invalid value of a known filter (tester t9c #7), naming the
filters it knows by the names a visitor types in the address (tester t9c #12).

- ``QueryFilterForm``: the base of such a form, bound to ``request.GET``; ``OTHER_PARAMETERS``
  lists the parameters of the page that are not filters (``page``).
- ``templates/_ignored_filters.html``: the message, given ``form``.
"""

from __future__ import annotations

from typing import ClassVar

from django import forms


class QueryFilterForm(forms.Form):
    """A filter form of a public list that tells the query parameters it ignores."""

    #: Query parameters of the page that are not filters (the page of results…).
    OTHER_PARAMETERS: ClassVar[frozenset[str]] = frozenset()
    #: At most that many ignored names are told, each cut to ``NAME_LENGTH`` characters.
    MOST_IGNORED = 5
    NAME_LENGTH = 40

    def ignored_parameters(self) -> list[str]:
        """Names of the query parameters that are no filter of the page (a misspelt
        ``domaine=``), in the address's order: at most ``MOST_IGNORED`` of them, each cut to
        ``NAME_LENGTH`` characters (« … » added); [] for an unbound form."""
        if not self.is_bound:
            return []
        unknown = [name for name in self.data
                   if name not in self.fields
                   and name not in self.OTHER_PARAMETERS]
        cut = self.NAME_LENGTH
        return [name if len(name) <= cut else name[:cut - 1] + "…"
                for name in unknown[:self.MOST_IGNORED]]

    def filter_names(self) -> list[str]:
        """The filters of the page as a visitor can use them in an address: the parameter's
        name, then the field's label, « country (Pays) »."""
        return [f"{name} ({field.label})"
                for name, field in self.fields.items()]
