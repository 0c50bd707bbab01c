"""Writes of the evaluation questionnaire (SPEC §6, issue 14).

Public contract (keyword-only arguments, aware datetimes):

- ``evaluations_invite_due(*, now) -> int``: the daily invitations (see its docstring).
- ``evaluation_answer(*, evaluation, answers, now) -> Evaluation``: records the answers once;
  raises ``EvaluationLinkUsed`` / ``EvaluationLinkExpired`` (``EvaluationError`` subclasses,
  French messages) when the link may no longer be used.
- ``evaluations_anonymise(*, appointment_ids) -> int``: after an account is erased.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from bookings import notifications
from bookings.models import Appointment, AppointmentStatus, NotificationKind
from somobilite import clock
from somobilite.clock import PARIS

from .links import evaluation_url
from .models import Evaluation

#: Answer fields a questionnaire records (``evaluation_answer``'s ``answers`` keys).
ANSWER_FIELDS = ("satisfaction", "usefulness", "intends_to_go", "departure_period",
                 "programme", "programme_other", "comment")


class EvaluationError(Exception):
    """A questionnaire link that may not be used any more; ``str()`` is a French sentence."""


class EvaluationLinkUsed(EvaluationError):
    pass


class EvaluationLinkExpired(EvaluationError):
    pass


def _paris_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=PARIS)


def invitable_appointments(*, now: dt.datetime) -> QuerySet[Appointment]:
    """Interviews whose questionnaire is due at ``now`` (queryset of ``Appointment``).

    Held (status ``done``; never a no-show nor a cancellation), started on a Paris day before
    today ("the day after an interview"), and no more than ``EVALUATION_INVITE_WINDOW_DAYS``
    days ago, so a task that did not run for a few days catches up without writing to people
    seen long ago; not yet invited; the young person's account not erased.
    """
    today = now.astimezone(PARIS).date()
    window = dt.timedelta(days=settings.EVALUATION_INVITE_WINDOW_DAYS)
    return (Appointment.objects
            .filter(status=AppointmentStatus.DONE,
                    starts_at__lt=_paris_midnight(today),
                    starts_at__gte=_paris_midnight(today - window),
                    evaluation__isnull=True)
            .filter(youth__anonymised_at__isnull=True)
            .select_related("youth", "structure", "advisor__user")
            .order_by("starts_at"))


def evaluations_invite_due(*, now: dt.datetime) -> int:
    """Write one ``Evaluation`` and queue one email (outbox kind ``evaluation_invitation``)
    per due interview (``invitable_appointments``). Returns how many were queued now.

    Idempotent by the database: ``Evaluation.appointment`` is unique, and each interview's
    row and email are written in one transaction, so a second run, a retried task or two
    workers at once never send a second email for the same interview (the loser's insert
    fails and its transaction writes nothing). The link expires ``EVALUATION_LINK_DAYS``
    days (elapsed time) after ``now``. Source: SPEC §6, issue 14.
    """
    lifetime = dt.timedelta(days=settings.EVALUATION_LINK_DAYS)
    queued = 0
    for appointment in invitable_appointments(now=now)[:500]:
        try:
            with transaction.atomic():
                evaluation = Evaluation.objects.create(
                    appointment=appointment, invited_at=now,
                    expires_at=clock.after(now, lifetime))
                notifications.queue(
                    kind=NotificationKind.EVALUATION_INVITATION, to=appointment.youth.email,
                    appointment=appointment, now=now,
                    payload={"evaluation_url": evaluation_url(evaluation),
                             "expires_at": evaluation.expires_at.isoformat()})
        except IntegrityError:
            continue  # Invited meanwhile by another run: nothing to do.
        queued += 1
    return queued


def evaluation_answer(*, evaluation: Evaluation, answers: dict[str, Any],
                      now: dt.datetime) -> Evaluation:
    """Record the answers of a questionnaire, once.

    ``answers``: the keys of ``ANSWER_FIELDS`` (``satisfaction`` 1–5 required,
    ``usefulness`` 1–4 or None, ``intends_to_go`` and ``departure_period`` choice values or
    "", ``programme`` a ``ProgrammeSheet`` or None, ``programme_other`` and ``comment``
    strings), already checked for shape by the form. The departure period is dropped when the
    person does not intend to go. The row is locked: of two submissions at once, the second
    raises ``EvaluationLinkUsed``; after ``expires_at``, ``EvaluationLinkExpired``.
    """
    with transaction.atomic():
        locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if locked.answered_at is not None:
            raise EvaluationLinkUsed(_("Ce questionnaire a déjà été rempli : merci, votre avis "
                                       "est bien enregistré."))
        if locked.expires_at <= now:
            raise EvaluationLinkExpired(_("Ce lien a expiré : le questionnaire ne peut plus "
                                          "être rempli."))
        for name in ANSWER_FIELDS:
            setattr(locked, name, answers.get(name) or (None if name in (
                "satisfaction", "usefulness", "programme") else ""))
        if locked.intends_to_go == "no":
            locked.departure_period = ""
        locked.answered_at = now
        locked.save()
    return locked


def evaluations_anonymise(*, appointment_ids: Any) -> int:
    """After an account is erased: answered questionnaires keep their scales (statistics) and
    lose their free texts (they may name the person); unanswered invitations are deleted, so
    their link stops working. Returns how many rows changed or went."""
    rows = Evaluation.objects.filter(appointment_id__in=appointment_ids)
    deleted, _ = rows.filter(answered_at__isnull=True).delete()
    cleared = (rows.exclude(comment="", programme_other="")
               .update(comment="", programme_other=""))
    return deleted + cleared
