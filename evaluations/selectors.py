"""Reads of the evaluation questionnaire: the link's state, the programmes to offer in the
form, and the answers an advisor may read (without the young person's identity)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import QuerySet

from advisors.models import Structure
from matching.models import ProgrammeRecommendation
from programmes.models import ProgrammeSheet
from somobilite import clock

from .links import public_id_from_token
from .models import Evaluation

#: Selections sent this long before the interview's start count as sent "at" the interview
#: (an advisor may prepare them just before).
SELECTION_LEAD = dt.timedelta(days=1)


class LinkState(StrEnum):
    OPEN = "open"
    INVALID = "invalid"
    USED = "used"
    EXPIRED = "expired"


def evaluation_from_token(token: str, *, now: dt.datetime) -> tuple[Evaluation | None,
                                                                     LinkState]:
    """The evaluation a link names and whether it may be used at ``now``: ``INVALID`` (forged,
    damaged or unknown token; evaluation None), ``USED`` (answered), ``EXPIRED`` (past
    ``expires_at``) or ``OPEN``."""
    public_id = public_id_from_token(token)
    evaluation = (Evaluation.objects.filter(public_id=public_id)
                  .select_related("appointment__structure").first()
                  if public_id else None)
    if evaluation is None:
        return None, LinkState.INVALID
    if evaluation.answered_at is not None:
        return evaluation, LinkState.USED
    if evaluation.expires_at <= now:
        return evaluation, LinkState.EXPIRED
    return evaluation, LinkState.OPEN


def programmes_sent_for(evaluation: Evaluation) -> QuerySet[ProgrammeSheet]:
    """The programme sheets the young person was sent (``matching`` selections) from the day
    before the interview until the invitation, by title: the choices of "which programme
    interests you"."""
    appointment = evaluation.appointment
    selections = ProgrammeRecommendation.objects.filter(
        youth_id=appointment.youth_id,
        created_at__gte=clock.before(appointment.starts_at, SELECTION_LEAD),
        created_at__lte=evaluation.invited_at)
    return (ProgrammeSheet.objects.filter(recommendations__in=selections).distinct()
            .order_by("title"))


@dataclass(frozen=True)
class AnonymousAnswer:
    """One answered questionnaire as an advisor sees it: no name, email, exact date or
    appointment link; the month of the interview (first day of the month, Paris date)."""

    month: dt.date
    mode: str
    satisfaction: int
    usefulness: str
    intends_to_go: str
    departure_period: str
    programme: str
    comment: str


def answers_for_structure(*, structure: Structure, limit: int = 200) -> list[AnonymousAnswer]:
    """The ``limit`` most recent answered questionnaires of interviews held by ``structure``
    (newest interview month first), without the young person's identity (one query)."""
    rows = (Evaluation.objects
            .filter(appointment__structure=structure, answered_at__isnull=False)
            .select_related("appointment", "programme")
            .only("satisfaction", "usefulness", "intends_to_go", "departure_period",
                  "programme_other", "comment", "programme__title", "appointment__starts_at",
                  "appointment__mode")
            .order_by("-appointment__starts_at")[:limit])
    answers = []
    for row in rows:
        started = row.appointment.starts_at.astimezone(clock.PARIS).date()
        answers.append(AnonymousAnswer(
            month=started.replace(day=1),
            mode=row.appointment.get_mode_display(),
            satisfaction=row.satisfaction or 0,
            usefulness=row.get_usefulness_display() if row.usefulness else "",
            intends_to_go=row.get_intends_to_go_display() if row.intends_to_go else "",
            departure_period=(row.get_departure_period_display()
                              if row.departure_period else ""),
            programme=row.programme.title if row.programme else row.programme_other,
            comment=row.comment,
        ))
    return answers
