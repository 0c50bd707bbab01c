"""The rules of the partner convention (articles 5, 6 and 10), computed from stored facts.

``convention_status`` is a pure function: it reads the dates recorded on a convention (signature,
services start, letters received, answers) and says what the convention is on a given day, until
when it runs and why. Facts dated after that day are ignored, so the answer is what was known on
that day (a letter received tomorrow does not change today's state). ``convention_services_open``
answers the one question the free-slot calendar asks for thousands of days, with the same rules
and without building the reason.

Every date computed from a stored or typed one (a notice's end, a deadline, the next
1 January, the day after an end) goes through ``shifted``, which stops at the calendar's ends
(1 January of year 1, 31 December 9999) instead of raising: forms refuse such dates
(``vocabulary.dates``, 2000–2099), and these functions never turn one that slipped through
into a server error (tester t9b F9).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Final

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vocabulary.dates import is_plausible_day

if TYPE_CHECKING:
    from .models import Convention

TERMINATION_NOTICE = relativedelta(months=2)
FORMAL_NOTICE_DELAY = timedelta(days=30)


class ConventionState(models.TextChoices):
    NOT_SIGNED = "not_signed", _("Non signée")
    SIGNED_NOT_STARTED = "signed_not_started", _("Signée, services pas encore ouverts")
    IN_FORCE = "in_force", _("En vigueur")
    NOTICE_RUNNING = "notice_running", _("En préavis de résiliation")
    FORMAL_NOTICE_PENDING = "formal_notice_pending", _("Mise en demeure sans réponse")
    ENDED = "ended", _("Terminée")


@dataclass(frozen=True)
class ConventionStatus:
    state: ConventionState
    in_force: bool
    services_open: bool
    period_start: date | None
    period_end: date | None
    end_date: date | None
    """Last day in force, when an end is known or scheduled."""
    reason: str
    services_start: date | None = None
    """The day services start, when fixed (read by ``label``)."""

    @property
    def label(self) -> str:
        """The state as shown beside one convention: the state's name, except for a signed
        convention whose services have not started yet, which says from when they do
        (« Signée, services à partir du 04/01/2027 ») or that the day is not fixed (tester
        t9b F13). Lists that count or filter states use ``state.label``."""
        if self.state == ConventionState.SIGNED_NOT_STARTED:
            if self.services_start is None:
                return gettext("Signée, début des services non fixé")
            return gettext("Signée, services à partir du %(start)s") % {
                "start": fmt(self.services_start)}
        return str(self.state.label)


class _Setting:
    """Sentinel: read PROGRAMME_GENERAL_END_DATE at call time (so override_settings applies)."""


FROM_SETTINGS: Final = _Setting()


def fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def shifted(day: date, delta: timedelta | relativedelta) -> date:
    """``day + delta`` (a ``timedelta`` or a ``relativedelta``, either sign), or the first or
    last day of the calendar (``date.min``, ``date.max``) when the result falls outside it.
    Never raises."""
    try:
        return day + delta
    except (OverflowError, ValueError):
        return date.max if day.year > date.max.year // 2 else date.min


def next_new_year(on: date) -> date:
    """The 1 January after ``on`` (the day of the tacit renewal), or ``date.max`` in year 9999."""
    return date(on.year + 1, 1, 1) if on.year < date.max.year else date.max


def termination_last_day(received_on: date, requested_end_on: date | None = None) -> date:
    """Last day in force after the partner's letter: two months' notice at least (31 Oct → 31 Dec,
    31 Dec → end of February), or the later end the partner asked for."""
    minimum = shifted(received_on, TERMINATION_NOTICE)
    if requested_end_on and requested_end_on > minimum:
        return requested_end_on
    return minimum


def formal_notice_last_day(received_on: date) -> date:
    """Without an answer, the convention ends automatically 30 days after receipt."""
    return shifted(received_on, FORMAL_NOTICE_DELAY)


@dataclass(frozen=True, slots=True)
class _End:
    last_day: date
    state_while_running: ConventionState
    reason: Callable[[], str]
    """Built only when asked: ``convention_services_open`` needs no sentence."""


def _known(day: date | None, on: date) -> date | None:
    return day if day is not None and day <= on else None


def _scheduled_ends(convention: Convention, on: date, programme_end: date | None) -> list[_End]:
    ends: list[_End] = []

    letter_on = _known(convention.termination_letter_received_on, on)
    if letter_on:
        minimum = shifted(letter_on, TERMINATION_NOTICE)
        last_day = termination_last_day(letter_on, convention.termination_requested_end_on)

        def termination_reason(letter_on: date = letter_on, last_day: date = last_day,
                               minimum: date = minimum) -> str:
            if last_day == minimum:
                return gettext(
                    "Résiliée par la structure : courrier reçu le %(received)s, fin après préavis "
                    "de deux mois le %(end)s"
                ) % {"received": fmt(letter_on), "end": fmt(last_day)}
            return gettext(
                "Résiliée par la structure : courrier reçu le %(received)s, fin demandée au "
                "%(end)s (préavis minimal de deux mois : %(minimum)s)"
            ) % {"received": fmt(letter_on), "end": fmt(last_day), "minimum": fmt(minimum)}

        ends.append(_End(last_day, ConventionState.NOTICE_RUNNING, termination_reason))

    notice_on = _known(convention.formal_notice_received_on, on)
    if notice_on:
        deadline = formal_notice_last_day(notice_on)
        answered_on = _known(convention.formal_notice_answered_on, on)
        if answered_on is None:

            def unanswered_reason(notice_on: date = notice_on, deadline: date = deadline) -> str:
                if on <= deadline:
                    reason = gettext(
                        "Mise en demeure reçue le %(received)s sans réponse à ce jour : fin "
                        "automatique le %(end)s faute de réponse d'ici là"
                    )
                else:
                    reason = gettext(
                        "Mise en demeure reçue le %(received)s restée sans réponse : fin "
                        "automatique 30 jours après, le %(end)s"
                    )
                return reason % {"received": fmt(notice_on), "end": fmt(deadline)}

            ends.append(_End(deadline, ConventionState.FORMAL_NOTICE_PENDING, unanswered_reason))
        elif answered_on > deadline:

            def late_reason(notice_on: date = notice_on, answered_on: date = answered_on,
                            deadline: date = deadline) -> str:
                return gettext(
                    "Mise en demeure reçue le %(received)s, réponse trop tardive le "
                    "%(answered)s : fin automatique le %(end)s"
                ) % {"received": fmt(notice_on), "answered": fmt(answered_on),
                     "end": fmt(deadline)}

            ends.append(_End(deadline, ConventionState.FORMAL_NOTICE_PENDING, late_reason))

    if programme_end:

        def programme_reason(programme_end: date = programme_end) -> str:
            return gettext("Fin générale du dispositif So Mobilité le %(end)s") % {
                "end": fmt(programme_end)
            }

        ends.append(_End(programme_end, ConventionState.IN_FORCE, programme_reason))
    return ends


def _earliest_end(convention: Convention, on: date, programme_end: date | None) -> _End | None:
    """When several ends apply, the earliest one wins (and names the reason)."""
    ends = _scheduled_ends(convention, on, programme_end)
    return min(ends, key=lambda e: e.last_day) if ends else None


def convention_services_open(
    convention: Convention,
    *,
    on: date,
    programme_end: date | _Setting | None = FROM_SETTINGS,
) -> bool:
    """``convention_status(convention, on=on).services_open`` without building the state's
    French reason: signed on or before ``on``, not ended, services started. Used where many
    days are checked at once (the free-slot calendar); same rules, one definition of the ends.
    """
    if isinstance(programme_end, _Setting):
        programme_end = settings.PROGRAMME_GENERAL_END_DATE
    signed_on = convention.signed_on
    if signed_on is None or on < signed_on:
        return False
    end = _earliest_end(convention, on, programme_end)
    if end and on > end.last_day:
        return False
    services_start = convention.services_start_on
    return services_start is not None and services_start <= on


def convention_status(
    convention: Convention,
    *,
    on: date,
    programme_end: date | _Setting | None = FROM_SETTINGS,
) -> ConventionStatus:
    """State of ``convention`` on day ``on``: see the module docstring and SPEC §2.

    Validity runs per calendar year from the signature and renews tacitly every 1 January. When
    several ends apply (partner's notice, unanswered formal notice, general end of the
    programme), the earliest one wins and the reason names it.
    """
    if isinstance(programme_end, _Setting):
        programme_end = settings.PROGRAMME_GENERAL_END_DATE
    signed_on = convention.signed_on

    if signed_on is None or on < signed_on:
        if signed_on is None:
            reason = gettext("Convention pas encore signée")
        else:
            # Facts dated after ``on`` are unknown on ``on``: the convention was not signed yet.
            reason = gettext(
                "Pas encore signée le %(on)s (signature le %(signed)s)"
            ) % {
                "signed": fmt(signed_on), "on": fmt(on)
            }
        return ConventionStatus(ConventionState.NOT_SIGNED, False, False, None, None, None, reason)

    end = _earliest_end(convention, on, programme_end)

    if end and on > end.last_day:
        return ConventionStatus(
            ConventionState.ENDED, False, False, None, None, end.last_day,
            gettext("Terminée. %(reason)s") % {"reason": end.reason()},
        )

    period_start = signed_on if on.year == signed_on.year else date(on.year, 1, 1)
    period_end = date(on.year, 12, 31)
    if end and end.last_day < period_end:
        period_end = end.last_day
    services_start = convention.services_start_on
    services_open = services_start is not None and services_start <= on

    state: ConventionState
    if end and end.state_while_running != ConventionState.IN_FORCE:
        state = end.state_while_running
        reason = end.reason()
    elif not services_open:
        state = ConventionState.SIGNED_NOT_STARTED
        if services_start is None:
            reason = gettext("Signée le %(signed)s ; date de début des services non fixée") % {
                "signed": fmt(signed_on)
            }
        else:
            reason = gettext("Signée le %(signed)s ; début des services le %(start)s") % {
                "signed": fmt(signed_on), "start": fmt(services_start)
            }
    else:
        state = ConventionState.IN_FORCE
        if end is None:
            reason = gettext(
                "Signée le %(signed)s ; période en cours du %(start)s au %(end)s, reconduction "
                "tacite le %(renewal)s"
            ) % {
                "signed": fmt(signed_on), "start": fmt(period_start), "end": fmt(period_end),
                "renewal": fmt(next_new_year(on)),
            }
        else:
            reason = gettext("Signée le %(signed)s ; %(end_reason)s") % {
                "signed": fmt(signed_on), "end_reason": end.reason()
            }
    if end and state == ConventionState.SIGNED_NOT_STARTED:
        reason = f"{reason}. {end.reason()}"

    return ConventionStatus(
        state=state,
        in_force=True,
        services_open=services_open,
        period_start=period_start,
        period_end=period_end,
        end_date=end.last_day if end else None,
        reason=reason,
        services_start=services_start,
    )


# --- One convention in force per structure (tester t9b F13) ------------------------------------


def convention_last_day_by_facts(convention: Convention) -> date | None:
    """The last day ``convention`` can be in force given every fact recorded on it, whatever
    the day asked: the end of the partner's notice (``termination_last_day``) or the deadline
    of a formal notice left unanswered or answered late (``formal_notice_last_day``), the
    earlier of the two; ``None`` while neither applies (renewed every 1 January without end).

    The general end of the programme is left out: it ends every convention on the same day, so
    it never separates two of them. The same rule, in SQL, is the PostgreSQL function
    ``advisors_convention_last_day`` behind the exclusion constraint
    ``convention_one_in_force_per_structure`` (migration 0007); keep the two together.
    """
    end = _earliest_end(convention, date.max, None)
    if end is None:
        return None
    signed_on = convention.signed_on
    return max(end.last_day, signed_on) if signed_on else end.last_day


def convention_span(convention: Convention) -> tuple[date, date | None] | None:
    """``(first day, last day or None when open-ended)`` during which a signed convention may be
    in force (from its signature, SPEC §2 and article 5); ``None`` for one not signed."""
    if convention.signed_on is None:
        return None
    return convention.signed_on, convention_last_day_by_facts(convention)


def convention_overlapping(convention: Convention,
                           others: Iterable[Convention]) -> Convention | None:
    """The first of ``others`` (other conventions of the same structure) whose span
    (``convention_span``) shares a day with the span of ``convention``, or ``None``. A
    structure holds one convention at a time (SPEC §2: « a convention binds a structure »;
    a new one may follow once the previous one has ended)."""
    span = convention_span(convention)
    if span is None:
        return None
    start, last = span
    for other in others:
        other_span = convention_span(other)
        if other_span is None or (other.pk is not None and other.pk == convention.pk):
            continue
        other_start, other_last = other_span
        if (other_last is None or start <= other_last) and (last is None or other_start <= last):
            return other
    return None


def convention_overlap_message(other: Convention) -> str:
    """The French sentence naming ``other``, the convention a new span would overlap."""
    last = convention_last_day_by_facts(other)
    signed = fmt(other.signed_on) if other.signed_on else "–"
    if last is None:
        return gettext(
            "La structure a déjà une convention signée le %(signed)s, toujours en vigueur (sans "
            "fin enregistrée) : une structure n'a qu'une convention à la fois. Enregistrez "
            "d'abord la fin de celle-ci (courrier de résiliation ou mise en demeure), ou "
            "modifiez-la au lieu d'en créer une nouvelle."
        ) % {"signed": signed}
    return gettext(
        "La structure a déjà une convention signée le %(signed)s, en vigueur jusqu'au "
        "%(end)s : une structure n'a qu'une convention à la fois. La nouvelle convention doit "
        "être signée après le %(end)s."
    ) % {"signed": signed, "end": fmt(last)}


def convention_date_errors(convention: Convention, *, today: date) -> dict[str, str]:
    """The date rules of one convention, by field name, in French (empty: none broken):
    the signature is not in the future (``today``, a Paris date: a convention is recorded once
    signed, its signature date left empty until then), and the services start on or after the
    signature (article 6: the structure starts the services from a date of the convention,
    which binds it only once signed). A date outside the plausible range is left to its own
    message (``vocabulary.dates``), so a year 9999 gets one error, not two.
    Source: SPEC §2, seeds articles 5 and 6; tester t9b F13.
    """
    errors: dict[str, str] = {}
    signed_on, start = convention.signed_on, convention.services_start_on
    if signed_on is not None and not is_plausible_day(signed_on):
        signed_on = None
    if start is not None and not is_plausible_day(start):
        start = None
    if signed_on is not None and signed_on > today:
        errors["signed_on"] = gettext(
            "La date de signature (%(signed)s) est dans le futur : enregistrez la convention "
            "une fois signée, ou laissez la date de signature vide d'ici là."
        ) % {"signed": fmt(signed_on)}
    if signed_on is not None and start is not None and start < signed_on:
        errors["services_start_on"] = gettext(
            "Les services ne peuvent pas commencer (%(start)s) avant la signature de la "
            "convention (%(signed)s) : indiquez le jour de la signature ou un jour suivant."
        ) % {"start": fmt(start), "signed": fmt(signed_on)}
    return errors


# --- The daily watch (issue 14): what changed on a day, and what is coming ---------------------


class ConventionEventKind(models.TextChoices):
    TACIT_RENEWAL = "tacit_renewal", _("Reconduction tacite")
    TERMINATION_EFFECTIVE = "termination_effective", _("Résiliation effective")
    FORMAL_NOTICE_EXPIRED = "formal_notice_expired", _("Fin après mise en demeure")
    PROGRAMME_ENDED = "programme_ended", _("Fin générale du dispositif")
    NOTICE_ENDING_SOON = "notice_ending_soon", _("Fin de préavis prochaine")
    FORMAL_NOTICE_DEADLINE_SOON = "formal_notice_deadline_soon", _(
        "Échéance de mise en demeure prochaine")
    PROGRAMME_END_SOON = "programme_end_soon", _("Fin générale du dispositif prochaine")


#: Kinds that record a change that happened, against those announcing one to come.
CHANGE_KINDS = frozenset({ConventionEventKind.TACIT_RENEWAL,
                          ConventionEventKind.TERMINATION_EFFECTIVE,
                          ConventionEventKind.FORMAL_NOTICE_EXPIRED,
                          ConventionEventKind.PROGRAMME_ENDED})
_ENDED_KIND = {ConventionState.NOTICE_RUNNING: ConventionEventKind.TERMINATION_EFFECTIVE,
               ConventionState.FORMAL_NOTICE_PENDING: ConventionEventKind.FORMAL_NOTICE_EXPIRED,
               ConventionState.IN_FORCE: ConventionEventKind.PROGRAMME_ENDED}
_COMING_KIND = {ConventionState.NOTICE_RUNNING: ConventionEventKind.NOTICE_ENDING_SOON,
                ConventionState.FORMAL_NOTICE_PENDING:
                    ConventionEventKind.FORMAL_NOTICE_DEADLINE_SOON,
                ConventionState.IN_FORCE: ConventionEventKind.PROGRAMME_END_SOON}


@dataclass(frozen=True)
class WatchItem:
    """One fact of the watch: ``kind``; ``effective_on``, the day it takes effect (a renewal's
    1 January, the first day a convention is no longer in force, or the coming last day in
    force); ``reason``, a French sentence with the dates that drive it."""

    kind: ConventionEventKind
    effective_on: date
    reason: str


def convention_watch(
    convention: Convention,
    *,
    today: date,
    lookback_days: int = 7,
    horizon_days: int = 30,
    programme_end: date | _Setting | None = FROM_SETTINGS,
) -> list[WatchItem]:
    """What the daily watch reports about ``convention`` on ``today`` (a Paris date).

    Changes that took effect in the last ``lookback_days`` days, today included (so a task
    that missed a few days still reports them, and a first run does not report a whole past
    year): the tacit renewal of 1 January (in force on 31 December and on 1 January, signed
    before), and the end of a convention (partner's notice over, formal notice unanswered
    30 days, general end of the programme), dated the first day it is no longer in force.
    Coming ends within ``horizon_days`` days: the last day of a notice, the deadline of a
    formal notice, the general end. Each is computed with ``convention_status`` (facts known
    on the day asked). Source: SPEC §2, seeds articles 5, 6 and 10, issue 14.
    """
    items: list[WatchItem] = []
    if convention.signed_on is None:
        return items
    new_year = date(today.year, 1, 1)
    if (0 <= (today - new_year).days < lookback_days and convention.signed_on < new_year):
        before = convention_status(convention, on=shifted(new_year, timedelta(days=-1)),
                                   programme_end=programme_end)
        after = convention_status(convention, on=new_year, programme_end=programme_end)
        if before.in_force and after.in_force:
            items.append(WatchItem(
                ConventionEventKind.TACIT_RENEWAL, new_year,
                gettext("Reconduite tacitement pour l'année %(year)s (du %(start)s au "
                        "%(end)s)") % {"year": today.year, "start": fmt(new_year),
                                       "end": fmt(after.period_end or date(today.year, 12, 31))}))
    status = convention_status(convention, on=today, programme_end=programme_end)
    if status.state == ConventionState.ENDED and status.end_date is not None:
        first_day_out = shifted(status.end_date, timedelta(days=1))
        if (today - first_day_out).days < lookback_days:
            end = _earliest_end(convention, today, _programme_end(programme_end))
            kind = _ENDED_KIND[end.state_while_running] if end else (
                ConventionEventKind.TERMINATION_EFFECTIVE)
            items.append(WatchItem(kind, first_day_out, status.reason))
    elif (status.in_force and status.end_date is not None
          and 0 <= (status.end_date - today).days <= horizon_days):
        end = _earliest_end(convention, today, _programme_end(programme_end))
        kind = _COMING_KIND[end.state_while_running] if end else (
            ConventionEventKind.NOTICE_ENDING_SOON)
        items.append(WatchItem(kind, status.end_date, status.reason))
    return items


def _programme_end(programme_end: date | _Setting | None) -> date | None:
    if isinstance(programme_end, _Setting):
        return settings.PROGRAMME_GENERAL_END_DATE
    return programme_end
