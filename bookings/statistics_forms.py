"""The period of the statistics pages (the structure's, the coordinators', the annual
report): two Paris dates in the query string, both included. Shape only; the figures are
``bookings.statistics``."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

#: Dates a period may span (older or later dates are typing mistakes, and the far ends of
#: the calendar cannot be turned into aware datetimes).
PERIOD_FIRST_DAY = dt.date(2000, 1, 1)
PERIOD_LAST_DAY = dt.date(2099, 12, 31)


class PeriodForm(forms.Form):
    """A period of Paris dates, both included (the statistics pages, in the query string)."""

    du = forms.DateField(label=_("Du"), widget=DATE_WIDGET)
    au = forms.DateField(label=_("Au (inclus)"), widget=DATE_WIDGET)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("du"), cleaned.get("au")
        for name, day in (("du", start), ("au", end)):
            if day is not None and not PERIOD_FIRST_DAY <= day <= PERIOD_LAST_DAY:
                self.add_error(name, _("Choisissez une date entre %(first)s et %(last)s.") % {
                    "first": PERIOD_FIRST_DAY.year, "last": PERIOD_LAST_DAY.year})
        if start and end and end < start:
            self.add_error("au", _("La fin de la période est avant son début."))
        return cleaned
