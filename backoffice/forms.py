"""Forms of the back-office. They check shape only; the domain services decide."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bookings.forms import BookingForm
from bookings.interviews import FOLLOW_UP_MAX_LENGTH, NOTE_MAX_LENGTH
from bookings.models import ATTENDANCE_STATUSES, AppointmentStatus, FollowUpChannel
from bookings.services import CONSENT_TEXT
from bookings.statistics_forms import DATE_WIDGET
from support.files import file_size, screenshot_check
from support.models import HelpRequestKind
from support.services import MESSAGE_MAX_LENGTH, SUBJECT_MAX_LENGTH


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


class StaffBookingForm(BookingForm):
    """The booking form, filled in by the advisor with the young person at the desk or on the
    phone: the same fields and checks, worded for the advisor."""

    LABELS = {
        "email": (_("Adresse e-mail du ou de la jeune"),
                  _("Obligatoire : c'est son identifiant. Le code de confirmation y est "
                    "envoyé.")),
        "postal_code": (_("Code postal de son domicile"), None),
        "youth_status": (_("Sa situation"), None),
        "domains": (_("Son projet concerne"), None),
        "project": (_("Son projet en quelques mots"), None),
        "guardian_email": (_("E-mail d'un parent ou tuteur·rice"),
                           _("Obligatoire avant 15 ans.")),
        "guardian_consent": (_("Son parent ou tuteur·rice est d'accord pour ce rendez-vous et "
                               "le traitement de ses données."), None),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, help_text) in self.LABELS.items():
            self.fields[name].label = label
            if help_text is not None:
                self.fields[name].help_text = help_text
        self.fields["consent"].label = _("Je lui ai lu ce texte et il ou elle est d'accord : « "
                                         "%(text)s »") % {"text": CONSENT_TEXT}
        self.fields["consent"].error_messages["required"] = _(
            "Son accord au traitement de ses données est nécessaire.")

    #: The booking form's refusals speak to the young person ("vous"); here the advisor reads
    #: them, about the young person. By ``ValidationError.code``.
    STAFF_MESSAGES = {
        "phone_required": _("Indiquez son numéro de téléphone : l'entretien par téléphone se "
                            "fait à ce numéro."),
        "too_old": _("So Mobilité s'adresse aux jeunes de %(max)s ans ou moins le jour de "
                     "l'entretien (le %(day)s, il ou elle aura %(age)s ans)."),
        "guardian_email_required": _("Il ou elle a moins de 15 ans : indiquez l'adresse e-mail "
                                     "d'un parent ou tuteur·rice."),
        "guardian_consent_required": _("Il ou elle a moins de 15 ans : l'accord d'un parent ou "
                                       "tuteur·rice est nécessaire."),
        "guardian_email_same": _("L'adresse du parent ou tuteur·rice doit être différente de "
                                 "celle du ou de la jeune."),
    }

    def add_error(self, field, error):
        code = getattr(error, "code", None)  # a single-message error has one
        if isinstance(error, ValidationError) and code in self.STAFF_MESSAGES:
            error = ValidationError(self.STAFF_MESSAGES[code], code=code,
                                    params=getattr(error, "params", None))
        super().add_error(field, error)


class HoldCodeForm(forms.Form):
    code = forms.CharField(label=_("Code lu par le ou la jeune (6 chiffres)"), max_length=12,
                           widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                         "autocomplete": "off"}))


class HelpRequestForm(forms.Form):
    """A question or a technical problem for the coordination (the checks of the screenshot's
    content are ``support.files.screenshot_check``)."""

    kind = forms.ChoiceField(label=_("Vous avez"), choices=HelpRequestKind.choices,
                             widget=forms.RadioSelect, initial=HelpRequestKind.QUESTION)
    subject = forms.CharField(label=_("Objet"), max_length=SUBJECT_MAX_LENGTH)
    message = forms.CharField(label=_("Votre message"), max_length=MESSAGE_MAX_LENGTH,
                              widget=forms.Textarea(attrs={"rows": 6}),
                              help_text=_("Pour un problème technique : ce que vous faisiez, ce "
                                          "qui s'est passé, le message affiché."))
    page_url = forms.CharField(label=_("Page concernée (facultatif)"), max_length=500,
                               required=False,
                               help_text=_("L'adresse de la page, copiée depuis le navigateur."))
    screenshot = forms.FileField(
        label=_("Capture d'écran (facultatif)"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["screenshot"].help_text = _("Image PNG ou JPEG, %(limit)s au plus.") % {
            "limit": file_size(settings.HELP_SCREENSHOT_MAX_BYTES)}

    def clean_screenshot(self):
        upload = self.cleaned_data.get("screenshot")
        if upload:
            screenshot_check(upload)
        return upload
