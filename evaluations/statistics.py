"""Satisfaction figures of the evaluation questionnaire, for the coordinators' statistics and
the annual report (SPEC §6, issue 14).

Same ``Filters`` as ``bookings.statistics`` (period of the *interview*, Paris dates; structures,
départements of the structures, modes): a questionnaire counts in the period of the interview
it evaluates. Every figure is a database aggregation (one query per function). Anonymised
young people count like the others (the rows belong to the appointment).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Aggregate, Avg, Count, Q, QuerySet

from bookings.statistics import Filters, interviews

from .models import DeparturePeriod, Evaluation, Intention, Usefulness


def evaluations(filters: Filters) -> QuerySet[Evaluation]:
    """The questionnaires sent about the interviews ``filters`` covers."""
    return Evaluation.objects.filter(appointment__in=interviews(filters))


@dataclass(frozen=True)
class Satisfaction:
    """Questionnaires of the period's interviews.

    ``sent`` invitations, ``answered`` questionnaires; ``average`` satisfaction (1–5, a float,
    None when nothing was answered); ``by_score`` answers per satisfaction score ``{1: n, …,
    5: n}``; ``by_usefulness`` per ``Usefulness`` value (1–4; the question may be skipped);
    ``by_intention`` per ``Intention`` value; ``by_period`` per ``DeparturePeriod`` value among
    those who intend to go or are not sure.
    """

    sent: int
    answered: int
    average: float | None
    by_score: dict[int, int]
    by_usefulness: dict[int, int]
    by_intention: dict[str, int]
    by_period: dict[str, int]

    @property
    def response_rate(self) -> float | None:
        """answered ÷ sent, between 0 and 1 (None when nothing was sent)."""
        return self.answered / self.sent if self.sent else None

    @property
    def satisfied_rate(self) -> float | None:
        """Share of answers scoring 4 or 5, between 0 and 1 (None without answers)."""
        return ((self.by_score[4] + self.by_score[5]) / self.answered
                if self.answered else None)


def _aggregates() -> dict[str, Aggregate]:
    answered = Q(answered_at__isnull=False)
    return {
        "sent": Count("pk"),
        "answered": Count("pk", filter=answered),
        "average": Avg("satisfaction", filter=answered),
        **{f"score_{score}": Count("pk", filter=answered & Q(satisfaction=score))
           for score in range(1, 6)},
        **{f"useful_{value}": Count("pk", filter=answered & Q(usefulness=value))
           for value in Usefulness.values},
        **{f"intent_{value}": Count("pk", filter=answered & Q(intends_to_go=value))
           for value in Intention.values},
        **{f"period_{value}": Count("pk", filter=answered & Q(departure_period=value))
           for value in DeparturePeriod.values},
    }


def _satisfaction(row: Mapping[str, Any]) -> Satisfaction:
    return Satisfaction(
        sent=row["sent"],
        answered=row["answered"],
        average=float(row["average"]) if row["average"] is not None else None,
        by_score={score: row[f"score_{score}"] for score in range(1, 6)},
        by_usefulness={value: row[f"useful_{value}"] for value in Usefulness.values},
        by_intention={value: row[f"intent_{value}"] for value in Intention.values},
        by_period={value: row[f"period_{value}"] for value in DeparturePeriod.values},
    )


def satisfaction(filters: Filters) -> Satisfaction:
    """The satisfaction figures of ``filters`` (see ``Satisfaction``), in one query."""
    return _satisfaction(evaluations(filters).aggregate(**_aggregates()))


def satisfaction_by_structure(filters: Filters) -> dict[int, Satisfaction]:
    """The satisfaction figures of ``filters`` per structure of the interview (keyed by the
    structure's id; structures without a questionnaire are absent), in one query (a GROUP
    BY). Each value equals ``satisfaction`` of the same filters narrowed to that structure."""
    rows = (evaluations(filters).order_by().values("appointment__structure_id")
            .annotate(**_aggregates()))
    return {row["appointment__structure_id"]: _satisfaction(row) for row in rows}
