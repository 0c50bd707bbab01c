"""The period of the statistics pages (the structure's, the coordinators', the annual
report): two Paris dates in the query string, both included. Shape only; the figures are
``bookings.statistics``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vocabulary.dates import FIRST_DAY, LAST_DAY, OUT_OF_RANGE_MESSAGE

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

#: Dates a period may span (``vocabulary.dates``: the range every form accepts).
PERIOD_FIRST_DAY = FIRST_DAY
PERIOD_LAST_DAY = LAST_DAY


class PeriodForm(forms.Form):
    """A period of Paris dates, both included (the statistics pages, in the query string)."""

    du = forms.DateField(label=_("Du"), widget=DATE_WIDGET)
    au = forms.DateField(label=_("Au (inclus)"), widget=DATE_WIDGET)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("du"), cleaned.get("au")
        for name, day in (("du", start), ("au", end)):
            if day is not None and not PERIOD_FIRST_DAY <= day <= PERIOD_LAST_DAY:
                self.add_error(name, OUT_OF_RANGE_MESSAGE % {
                    "first": PERIOD_FIRST_DAY.year, "last": PERIOD_LAST_DAY.year})
        if start and end and end < start:
            self.add_error("au", _("La fin de la période est avant son début."))
        return cleaned
