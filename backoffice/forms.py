"""Forms of the back-office. They check shape only; the domain services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bookings.interviews import FOLLOW_UP_MAX_LENGTH, NOTE_MAX_LENGTH
from bookings.models import ATTENDANCE_STATUSES, AppointmentStatus, FollowUpChannel

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AttendanceForm(forms.Form):
    status = forms.ChoiceField(
        label=_("L'entretien"),
        choices=[(status.value, status.label) for status in ATTENDANCE_STATUSES],
        widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (AppointmentStatus.DONE.value, _("a eu lieu")),
            (AppointmentStatus.NO_SHOW.value, _("n'a pas eu lieu : le ou la jeune ne s'est pas "
                                                "présenté·e")),
            (AppointmentStatus.LATE_CANCELLED.value, _("annulé au dernier moment par le ou la "
                                                       "jeune")),
        ]


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Nouvelle note"), max_length=NOTE_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 4}))


class FollowUpForm(forms.Form):
    happened_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    channel = forms.ChoiceField(label=_("Par"), choices=FollowUpChannel.choices)
    summary = forms.CharField(label=_("Ce qui a été fait"), max_length=FOLLOW_UP_MAX_LENGTH,
                              widget=forms.Textarea(attrs={"rows": 3}))


class FollowUpDateForm(forms.Form):
    on = forms.DateField(label=_("À relancer le"), required=False, widget=DATE_WIDGET,
                         help_text=_("Laisser vide pour ne plus relancer. La date apparaît "
                                     "dans votre agenda."))
