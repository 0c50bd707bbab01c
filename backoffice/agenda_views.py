"""The advisor's agenda (/espace-conseil/): today and the coming week at a glance, or a day, a
week, or the list of what is coming; one's own agenda or a colleague's of the same structure.

A fixed number of queries whatever the number of appointments (asserted in the tests).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.http import AuthenticatedHttpRequest
from advisors.models import Advisor
from advisors.selectors import advisor_unbookable_reasons
from bookings.agenda import (
    agenda_appointments,
    appointments_to_fill_in,
    follow_ups_due,
    structure_advisors,
)
from bookings.models import Appointment, AppointmentStatus, Mode
from bookings.slots import PARIS
from matching.forms import PROFILE_SECTIONS, profile_completion
from vocabulary.dates import FIRST_DAY, LAST_DAY, OUT_OF_RANGE_MESSAGE, is_plausible_day

from .access import advisor_space

VIEWS = {
    "apercu": gettext_lazy("Aperçu"),
    "jour": gettext_lazy("Jour"),
    "semaine": gettext_lazy("Semaine"),
    "liste": gettext_lazy("Liste"),
}
EVERYBODY = "tous"
PROJECT_WORDS = 14


@dataclass
class AgendaRow:
    appointment: Appointment
    starts_at: dt.datetime
    ends_at: dt.datetime
    mode_label: str
    where: str
    where_url: str
    age: int | None
    project: str
    prepared: int | None
    sections: int
    advisor_name: str
    url: str
    pending: bool
    to_fill_in: bool


def _short(text: str, words: int = PROJECT_WORDS) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _row(appointment: Appointment, now: dt.datetime) -> AgendaRow:
    profile = getattr(appointment.youth, "mobility_profile", None)
    pending = appointment.status == AppointmentStatus.PENDING
    where, where_url = appointment.place, ""
    if appointment.mode == Mode.VIDEO:
        where, where_url = _("lien de visio"), appointment.video_url
    elif appointment.mode == Mode.PHONE:
        where = str(appointment.phone.as_national) if appointment.phone else ""
        where_url = appointment.phone.as_rfc3966 if appointment.phone else ""
    if pending:  # a hold opens nothing of an existing account (issue 9 §2)
        profile = None
    project = appointment.project or (profile.project_text if profile else "")
    url = (reverse("backoffice:hold", args=[appointment.public_id]) if pending
           else reverse("backoffice:interview", args=[appointment.public_id]))
    return AgendaRow(
        appointment=appointment,
        starts_at=appointment.starts_at.astimezone(PARIS),
        ends_at=appointment.ends_at.astimezone(PARIS),
        mode_label=str(Mode(appointment.mode).label),
        where=where, where_url=where_url,
        age=appointment.age_at_interview,
        project=_short(project),
        prepared=None if pending else sum(section["filled"]
                                          for section in profile_completion(profile)),
        sections=len(PROFILE_SECTIONS),
        advisor_name=appointment.advisor.user.get_full_name(),
        url=url, pending=pending,
        to_fill_in=(appointment.status == AppointmentStatus.CONFIRMED
                    and appointment.starts_at <= now),
    )


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=PARIS)


def _parse_day(request: AuthenticatedHttpRequest, today: dt.date) -> dt.date:
    raw = request.GET.get("date", "")
    if not raw:
        return today
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        messages.warning(request, _("Date « %(value)s » non reconnue (attendu : AAAA-MM-JJ) : "
                                    "voici aujourd'hui.") % {"value": raw[:20]})
        return today
    if not is_plausible_day(day):
        messages.warning(request, _("%(error)s Voici aujourd'hui.") % {
            "error": OUT_OF_RANGE_MESSAGE % {"first": FIRST_DAY.year, "last": LAST_DAY.year}})
        return today
    return day


def _period(view: str, day: dt.date, today: dt.date) -> tuple[dt.date, dt.date]:
    """First day and the day after the last one shown."""
    if view == "jour":
        return day, day + dt.timedelta(days=1)
    if view == "semaine":
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=7)
    if view == "liste":
        return today, today + dt.timedelta(weeks=settings.BOOKING_HORIZON_WEEKS)
    return today, today + dt.timedelta(days=8)


def _chosen_advisors(request: AuthenticatedHttpRequest, advisor: Advisor,
                     colleagues: list[Advisor]) -> tuple[str, list[int]]:
    raw = request.GET.get("conseiller", "")
    if raw == EVERYBODY:
        return EVERYBODY, [colleague.pk for colleague in colleagues]
    chosen = next((c for c in colleagues if str(c.pk) == raw), advisor)
    return str(chosen.pk), [chosen.pk]


def _link(request: AuthenticatedHttpRequest, **changes) -> str:
    params = {key: value for key, value in request.GET.items()
              if key in ("vue", "date", "conseiller")}
    params.update({key: value for key, value in changes.items() if value is not None})
    return f"{request.path}?{urlencode(params)}"


def _days(rows: list[AgendaRow], first: dt.date, last: dt.date, *, keep_empty: bool,
          ) -> list[tuple[dt.date, list[AgendaRow]]]:
    by_day: dict[dt.date, list[AgendaRow]] = {}
    for row in rows:
        by_day.setdefault(row.starts_at.date(), []).append(row)
    days = []
    day = first
    while day < last:
        if keep_empty or by_day.get(day):
            days.append((day, by_day.get(day, [])))
        day += dt.timedelta(days=1)
    return days


@advisor_space
def agenda(request: AuthenticatedHttpRequest, advisor: Advisor) -> HttpResponse:
    now = timezone.now()
    today = now.astimezone(PARIS).date()
    view = request.GET.get("vue", "apercu")
    if view not in VIEWS:
        view = "apercu"
    day = _parse_day(request, today)
    colleagues = structure_advisors(structure_id=advisor.structure_id)
    chosen, advisor_ids = _chosen_advisors(request, advisor, colleagues)
    first, after = _period(view, day, today)
    rows = [_row(a, now) for a in agenda_appointments(
        advisor_ids=advisor_ids, start=_midnight(first), end=_midnight(after))]
    to_fill_in = [_row(a, now) for a in appointments_to_fill_in(advisor_ids=advisor_ids,
                                                                now=now)]
    follow_ups = [_row(a, now) for a in follow_ups_due(
        advisor_ids=advisor_ids, until=after - dt.timedelta(days=1))]
    step = {"jour": 1, "semaine": 7}.get(view)
    context = {
        "advisor": advisor,
        "view": view,
        "views": [(key, label, _link(request, vue=key)) for key, label in VIEWS.items()],
        "day": day,
        "today": today,
        "first": first,
        "last": after - dt.timedelta(days=1),
        "previous_url": _link(request, date=(day - dt.timedelta(days=step)).isoformat())
        if step else "",
        "next_url": _link(request, date=(day + dt.timedelta(days=step)).isoformat())
        if step else "",
        "today_url": _link(request, date=today.isoformat()) if step else "",
        "colleagues": colleagues,
        "chosen": chosen,
        "everybody": EVERYBODY,
        "whole_structure": chosen == EVERYBODY,
        "to_fill_in": to_fill_in,
        "follow_ups": follow_ups,
        "unbookable_reasons": advisor_unbookable_reasons(advisor, today),
        "book_url": reverse("backoffice:book_for_youth"),
    }
    if view == "apercu":
        context["today_rows"] = [row for row in rows if row.starts_at.date() == today]
        context["week_days"] = _days([row for row in rows if row.starts_at.date() > today],
                                     today + dt.timedelta(days=1), after, keep_empty=False)
    else:
        context["days"] = _days(rows, first, after, keep_empty=view != "liste")
    return render(request, "backoffice/agenda.html", context)
