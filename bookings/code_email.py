"""The email code that confirms a booking: allauth's "login by code" process (one code both
proves the address and opens the young person's passwordless account), with an email written
for this use — which appointment is held, until when, and what to do if it was not them —
instead of allauth's generic login email.

Public names: ``BookingCodeProcess.initiate(request=, appointment=)``,
``BookingCodeProcess.resume(stage)`` (the process object of allauth, same methods).
"""

from __future__ import annotations

from allauth.account import app_settings as account_settings
from allauth.account.internal.flows.login_by_code import LoginCodeVerificationProcess
from allauth.account.models import Login
from allauth.account.stages import LoginByCodeStage, LoginStageController
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from outbox.delivery import email_queue

from .models import Appointment
from .slots import PARIS

APPOINTMENT_STATE_KEY = "booking_appointment_id"


class BookingCodeProcess(LoginCodeVerificationProcess):
    """allauth's process, sending the booking's own email and no flash message (the code page
    says where the code went)."""

    #: The appointment the process was started for, while it is at hand (``initiate``): the
    #: first email is written from it instead of reading it again.
    _appointment: Appointment | None = None

    def __init__(self, stage) -> None:
        super().__init__(stage)
        # The code works as long as the slot is held for it (``BOOKING_HOLD_MINUTES`` from the
        # first code; a code asked again keeps that end), which the code page and the email
        # announce (« réservé jusqu'à 11:45 ; sans le code d'ici là… »), not allauth's shorter
        # ``ACCOUNT_LOGIN_BY_CODE_TIMEOUT`` of a login, which refused it after 10 minutes.
        self.timeout = max(account_settings.LOGIN_BY_CODE_TIMEOUT,
                           settings.BOOKING_HOLD_MINUTES * 60)

    @classmethod
    def initiate(cls, *, request: HttpRequest, appointment: Appointment,
                 **_ignored) -> BookingCodeProcess:
        """Start the process for ``appointment``'s young person and send the first code.
        Same steps as ``LoginCodeVerificationProcess.initiate`` (which builds its own class)."""
        user = appointment.youth
        login = Login(user=user, email=user.email)
        login.state["stages"] = {"current": "login_by_code"}
        stage = LoginByCodeStage(LoginStageController(request, login), request, login)
        stage.state.update(cls.initial_state(user=user, email=user.email, phone=None))
        stage.state["initiated_by_user"] = True
        stage.state[APPOINTMENT_STATE_KEY] = appointment.pk
        process = cls(stage=stage)
        process._appointment = appointment
        process.send()
        process.persist()
        return process

    @classmethod
    def resume(cls, stage) -> BookingCodeProcess | None:
        return cls(stage=stage).abort_if_invalid()

    def send_by_email(self, email: str, skip_enumeration_mails: bool = False) -> None:
        appointment = self._appointment
        if appointment is None or appointment.pk != self.state.get(APPOINTMENT_STATE_KEY):
            appointment = (Appointment.objects.select_related("structure")
                           .filter(pk=self.state.get(APPOINTMENT_STATE_KEY), youth=self.user)
                           .first())
        if appointment is None:  # not started by the booking pages: allauth's own email
            super().send_by_email(email, skip_enumeration_mails=skip_enumeration_mails)
            return
        send_booking_code(email=email, code=self.generate_code(), appointment=appointment)

    def add_sent_message(self, context) -> None:
        """No flash message: the code page itself says where the code was sent."""


def send_booking_code(*, email: str, code: str, appointment: Appointment) -> None:
    """Send the code with what it confirms, at once through the outbox (a failure is recorded
    and retried by the sweep until the hold expires, then dropped). The hold's end is given in
    Paris time. Called by allauth's flow, which passes no clock: it is read here."""
    context = {
        "code": code,
        "appointment": appointment,
        "structure": appointment.structure,
        "starts_at": appointment.starts_at.astimezone(PARIS),
        "ends_at": appointment.ends_at.astimezone(PARIS),
        "hold_expires_at": (appointment.hold_expires_at.astimezone(PARIS)
                            if appointment.hold_expires_at else None),
        "mode_label": appointment.get_mode_display(),
        "site_url": settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        _("Votre code pour confirmer votre rendez-vous So Mobilité"),
        render_to_string("bookings/email/youth_code.txt", context),
        settings.DEFAULT_FROM_EMAIL, [email])
    message.attach_alternative(render_to_string("bookings/email/youth_code.html", context),
                               "text/html")
    email_queue(message=message, kind="bookings.booking_code", now=timezone.now(),
                expires_at=appointment.hold_expires_at, immediately=True)
