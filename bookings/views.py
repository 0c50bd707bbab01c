"""Public booking pages: search, a structure's free slots week by week, the booking form, the
email code that confirms the address (and logs the young person in), and the management of an
appointment by signed link or from "Mes rendez-vous".

Views are adapters: bookings.slots says what is free, the services book, confirm, move and cancel.
The email code is allauth's "login by code" process, driven from these pages so that one code
both proves the address and opens the young person's passwordless account.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable, Iterator
from itertools import islice, takewhile
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

from allauth.account import app_settings as account_settings
from allauth.account.internal.stagekit import LOGIN_SESSION_KEY, clear_login
from allauth.account.internal.userkit import user_id_to_str
from allauth.account.models import Login
from allauth.account.stages import LoginByCodeStage, LoginStageController
from allauth.account.utils import user_pk_to_url_str
from allauth.core import ratelimit
from allauth.core.internal.cryptokit import compare_user_code
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.adapter import account_messages_silence
from accounts.client_ip import client_ip
from accounts.decorators import youth_required
from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from accounts.services import email_address_prove
from advisors.models import Advisor, Structure
from somobilite import clock
from somobilite.form_targets import form_target
from vocabulary.day_formats import date_format

from . import selectors, services
from .code_email import BookingCodeProcess
from .forms import (
    GUARDIAN_AGE,
    BookingForm,
    CancelForm,
    CodeForm,
    SearchForm,
    WaitingListForm,
)
from .links import (
    appointment_from_manage_token,
    appointment_from_staff_hold_token,
    appointment_manage_token,
    waiting_list_entry_from_token,
)
from .models import Appointment, AppointmentStatus, Mode
from .notifications import appointment_ics as appointment_ics_file
from .notifications import appointment_snapshot
from .prefill import booking_initial_for_youth
from .search import SearchRow, structures_near
from .slots import (
    PARIS,
    Slot,
    booking_window,
    interview_duration,
    iter_free_slots_for_structure,
    next_free_slots_for_structure,
    slots_by_day,
    structure_get_active,
    structure_slot_offered,
)

PENDING_SESSION_KEY = "bookings_pending_appointment"
# A booking refused for a reason only the address's owner may learn (AddressNotBookable): the
# browser sees the same code page as for any booking, the reason goes by email.
REFUSED_SESSION_KEY = "bookings_refused_booking"
WAITING_LIST_RATE_LIMIT_ACTION = "waiting_list"
BOOKING_RATE_LIMIT_ACTION = "booking_hold"
NEXT_SLOTS_SHOWN = 5


# --- Small shared helpers (also used by the JSON API) -----------------------------------------


def distinct_slots(slots: list[Slot]) -> list[Slot]:
    """One entry per start time and set of modes: a young person does not pick an advisor, so
    two advisors free at 9:00 show as one slot (the first advisor gets the booking)."""
    seen: set[tuple[dt.datetime, tuple[str, ...]]] = set()
    result = []
    for slot in slots:
        key = (slot.starts_at, slot.modes)
        if key not in seen:
            seen.add(key)
            result.append(slot)
    return result


class SlugURL:
    """The address of one kind of structure page (``name`` takes the slug), reversed once and
    then completed per structure: lists of 150 structures reverse 150 times less. Absolute when
    given the ``request``. A slug needs no quoting."""

    PLACEHOLDER = "slug-placeholder"

    def __init__(self, name: str, request: HttpRequest | None = None) -> None:
        url = reverse(name, args=[self.PLACEHOLDER])
        if request is not None:
            url = request.build_absolute_uri(url)
        self.prefix, self.suffix = url.split(self.PLACEHOLDER)

    def __call__(self, slug: str) -> str:
        return f"{self.prefix}{slug}{self.suffix}"


_ISO_QUOTED = str.maketrans({":": "%3A", "+": "%2B"})
"""What ``urlencode`` changes in an ISO 8601 datetime (digits, "-", "T", ":", "+")."""


def booking_query(slot: Slot, mode: str | None = None) -> str:
    """``conseiller=…&debut=…[&mode=…]``, as ``urlencode`` writes it (built by hand: a list of
    slots has hundreds)."""
    start = slot.starts_at.isoformat().translate(_ISO_QUOTED)
    query = f"conseiller={slot.advisor_id}&debut={start}"
    if mode and mode in slot.modes:
        query = f"{query}&mode={mode}"
    return query


def booking_url(structure: Structure, slot: Slot, mode: str | None = None) -> str:
    return f"{reverse('bookings:book', args=[structure.slug])}?{booking_query(slot, mode)}"


def _week_monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _week_param(day: dt.date) -> str:
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def _parse_week(value: str) -> dt.date | None:
    try:
        year, week = value.upper().split("-W")
        return dt.date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        return None


def _mode_or_none(value: str | None) -> str | None:
    return value if value in Mode.values else None


def _local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(PARIS)


# --- Search -----------------------------------------------------------------------------------


@require_http_methods(["GET"])
def search(request: HttpRequest) -> HttpResponse:
    """Structures near where the young person lives (a commune, a postal code or a
    département), nearest first, with their next free slot (see ``bookings.search``)."""
    form = SearchForm(request.GET or None)
    context: dict = {"form": form, "searched": bool(request.GET)}
    if form.is_bound and not form.is_valid():
        mode_param = request.GET.get("mode", "")
        context["suggestions"] = [
            (place, f"{request.path}?{urlencode({'lieu': place.query, 'mode': mode_param})}")
            for place in form.suggestions]
        return render(request, "bookings/search.html", context)
    place, mode = None, None
    if form.is_bound:
        place, mode = form.cleaned_data["lieu"], _mode_or_none(form.cleaned_data["mode"])
    results = structures_near(place=place, mode=mode, now=timezone.now())

    slots_page = SlugURL("bookings:structure_slots")

    def rows(group):
        return [_search_row(row, slots_page) for row in group]

    context.update({
        "show_results": True,
        "place": place,
        "local_rows": rows(results.local),
        "departement_rows": rows(results.departement),
        "remote_rows": rows(results.remote),
        "results_empty": results.empty,
        "mode": mode,
        "mode_label": Mode(mode).label if mode else "",
        "any_free": results.any_free,
        "waiting_form": WaitingListForm(prefix="attente", initial={
            "departement": place.departement if place else "", "mode": mode}),
    })
    return render(request, "bookings/search.html", context)


def _search_row(row: SearchRow, slots_page: SlugURL) -> dict:
    """A row of the search's results for the template, with ``key``: everything the row is
    written from (language, structure, next free slot's start, link), so that its markup, made
    once per process for that key (``_search_rows.html``), is never stale."""
    structure, slot = row.structure, row.slot
    slot_url = _with_mode(slots_page(structure.slug), row.mode)
    key = repr((get_language(), structure.pk, structure.public_name, structure.commune,
                structure.departement, slot.starts_at.timestamp() if slot else None, slot_url))
    return {"structure": structure, "slot": slot, "slot_url": slot_url, "key": key}


def _slots_page_url(structure: Structure, mode: str | None) -> str:
    return _with_mode(reverse("bookings:structure_slots", args=[structure.slug]), mode)


def _with_mode(url: str, mode: str | None) -> str:
    """``url`` of a slots page, showing ``mode`` only when one is given."""
    return f"{url}?{urlencode({'mode': mode})}" if mode else url


@form_target("bookings:search")
def waiting_list(request: HttpRequest) -> HttpResponse:
    """Sign up for the waiting list: a confirmation link is emailed (double opt-in), and
    sign-ups are limited per client address and per email address."""
    form = WaitingListForm(request.POST, prefix="attente")
    if form.is_valid():
        if not ratelimit.consume(request, action=WAITING_LIST_RATE_LIMIT_ACTION,
                                 key=form.cleaned_data["email"].lower()):
            return render(request, "bookings/rate_limited.html", {"waiting_list": True},
                          status=429)
        try:
            services.waiting_list_join(now=timezone.now(), **form.cleaned_data)
        except services.BookingError as exc:
            form.add_error(None, str(exc))
        else:
            return render(request, "bookings/waiting_list_done.html", {"entry": form.cleaned_data})
    return render(request, "bookings/waiting_list_form.html", {"waiting_form": form}, status=400)


@require_http_methods(["GET", "POST"])
def waiting_list_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the confirmation email. GET shows a button (mail scanners follow links),
    POST confirms."""
    entry = waiting_list_entry_from_token(token)
    if entry is None:
        return render(request, "bookings/link_invalid.html", status=404)
    if request.method == "POST":
        entry = services.waiting_list_confirm(entry=entry, now=timezone.now())
    return render(request, "bookings/waiting_list_confirm.html", {"entry": entry})


# --- A structure's free slots, week by week ---------------------------------------------------


@require_http_methods(["GET"])
def structure_slots(request: HttpRequest, slug: str) -> HttpResponse:
    structure = structure_get_active(slug=slug)
    if structure is None:
        raise Http404
    mode = _mode_or_none(request.GET.get("mode"))
    now = timezone.now()
    week, weeks, slots = _week_and_slots(request, structure, now, mode)
    book = SlugURL("bookings:book")(structure.slug)
    return render(request, "bookings/structure_slots.html", {
        "structure": structure, "mode": mode,
        "grid_key": _grid_key(request, structure, mode, week, weeks, slots),
        # Written only when the grid is not in the fragment cache (see the template).
        "days": SimpleLazyObject(lambda: _slot_days(
            slots, lambda slot: f"{book}?{booking_query(slot, mode)}")),
        **_week_navigation(request, week, weeks, mode),
    })


def _grid_key(request: HttpRequest, structure: Structure, mode: str | None, week: dt.date,
              weeks: tuple[dt.date, dt.date], slots: list[Slot]) -> str:
    """Everything the structure page's body (``structure_slots.html``, inside ``{% cache %}``)
    is written from, as one string: the language, the page's path (its links), the structure's
    name and address, the mode, the week shown, the first and last weeks of the booking window
    (the navigation), and each free slot's advisor, start (epoch seconds: its Paris day and
    time follow, daylight saving included) and modes.

    Equal keys give the same markup, so it is written once per process and key; the slots are
    read live on every request (``free_slots_for_structure``), so a slot booked, held, past the
    48-hour notice or withdrawn by an advisor changes the key at once: nothing to invalidate,
    nothing stale. ``repr`` keeps the parts apart whatever they contain."""
    return repr((get_language(), request.path, structure.public_name, structure.address,
                 structure.postal_code, structure.commune, mode, week, weeks,
                 [(slot.advisor_id, slot.starts_at.timestamp(), slot.modes) for slot in slots]))


def _slot_days(slots: list[Slot], url: Callable[[Slot], str]) -> list[dict]:
    """The week's slots by day, with every label the page shows already written (a week
    holds dozens of slots: formatting them in the template costs more than the rest of the
    page)."""
    short_labels: dict[str, str] = {Mode.IN_PERSON: _("sur place"), Mode.VIDEO: _("visio"),
                                    Mode.PHONE: _("téléphone")}
    modes_labels: dict[tuple[str, ...], str] = {}
    days = []
    for day, day_slots in slots_by_day(slots):
        label = date_format(day, "l j F")
        rows = []
        for slot in day_slots:
            modes = modes_labels.get(slot.modes)
            if modes is None:
                modes = modes_labels[slot.modes] = " · ".join(short_labels[m]
                                                               for m in slot.modes)
            rows.append({"time": _local(slot.starts_at).strftime("%H:%M"), "modes": modes,
                         "url": url(slot)})
        days.append({"id": day.strftime("%Y%m%d"), "label": capfirst(label),
                     "hidden": f"{_('le')} {label}", "slots": rows})
    return days


def _week_and_slots(
    request, structure: Structure, now: dt.datetime, mode: str | None,
    keep: Callable[[Slot], bool] | None = None,
) -> tuple[dt.date, tuple[dt.date, dt.date], list[Slot]]:
    """The week to show (see ``_week_from_request``), the first and last weeks of the booking
    window, and the distinct free slots of the week (only those ``keep`` accepts, when given:
    the slots this person may take).

    By default the week is that of the next free slot: then one selector call over the whole
    booking window gives both the next free slot and the slots of its week, read lazily up to
    the end of that week."""
    first: list[Slot] = []
    rest: list[Iterator[Slot]] = []  # the free slots after the first one, not yet read

    def first_free() -> list[Slot]:
        earliest, latest = booking_window(now)
        slots = kept(iter_free_slots_for_structure(
            structure=structure, start=earliest,
            end=clock.after(latest, dt.timedelta(microseconds=1)), now=now, mode=mode))
        first.extend(islice(slots, 1))
        rest.append(slots)
        return first

    def kept(slots: Iterator[Slot]) -> Iterator[Slot]:
        return slots if keep is None else (slot for slot in slots if keep(slot))

    week, weeks = _week_from_request(request, now, first_free)
    start = dt.datetime.combine(week, dt.time.min, tzinfo=PARIS)
    end = dt.datetime.combine(week + dt.timedelta(days=7), dt.time.min, tzinfo=PARIS)
    if rest:  # the week of the first free slot (it is within the window's weeks)
        slots = [slot for slot in first if start <= slot.starts_at < end]
        slots.extend(takewhile(lambda slot: slot.starts_at < end, rest[0]))
    else:
        slots = list(kept(iter_free_slots_for_structure(structure=structure, start=start,
                                                        end=end, now=now, mode=mode)))
    return week, weeks, distinct_slots(slots)


def _week_from_request(request, now, first_free) -> tuple[dt.date, tuple[dt.date, dt.date]]:
    """The Monday of the week asked for (``?semaine=2026-W48``), kept within the booking window;
    by default the week of the next free slot."""
    earliest, latest = booking_window(now)
    first_week = _week_monday(_local(earliest).date())
    last_week = _week_monday(_local(latest).date())
    raw = request.GET.get("semaine", "")
    week = _parse_week(raw) if raw else None
    if raw and week is None:
        messages.warning(request, _("Semaine « %(value)s » non reconnue : voici la première "
                                    "semaine disponible.") % {"value": raw})
    if week is None:  # also after a week not understood: the message promises the first one
        slots = first_free()
        week = _week_monday(_local(slots[0].starts_at).date()) if slots else first_week
    return min(max(week, first_week), last_week), (first_week, last_week)


def _week_navigation(request, week: dt.date, weeks: tuple[dt.date, dt.date],
                     mode: str | None) -> dict:
    first_week, last_week = weeks

    def link(day: dt.date) -> str:
        params = {"semaine": _week_param(day)}
        if mode:
            params["mode"] = mode
        return f"{request.path}?{urlencode(params)}"

    previous_week, next_week = week - dt.timedelta(days=7), week + dt.timedelta(days=7)
    return {
        "week_start": week,
        "week_end": week + dt.timedelta(days=6),
        "previous_url": link(previous_week) if previous_week >= first_week else "",
        "next_url": link(next_week) if next_week <= last_week else "",
        "mode_urls": [(value, label, _mode_link(request, week, value))
                      for value, label in [("", _("Tous les types")), *Mode.choices]],
    }


def _mode_link(request, week: dt.date, mode: str) -> str:
    params = {"semaine": _week_param(week)}
    if mode:
        params["mode"] = mode
    return f"{request.path}?{urlencode(params)}"


# --- Booking ----------------------------------------------------------------------------------


def _requested_slot_named(request: HttpRequest) -> tuple[int, dt.datetime, str | None] | None:
    """Advisor id, start and mode as the query string names them (nothing read), or None when
    they make no sense."""
    try:
        advisor_id = int(request.GET.get("conseiller", ""))
        # A "+" typed in an address bar arrives as a space.
        starts_at = dt.datetime.fromisoformat(request.GET.get("debut", "").replace(" ", "+"))
        if timezone.is_naive(starts_at) or not 0 < advisor_id < 2**63:
            return None
        starts_at = starts_at.astimezone(PARIS)
    except (ValueError, OverflowError):
        return None
    return advisor_id, starts_at, _mode_or_none(request.GET.get("mode"))


def _advisor_of(structure: Structure, advisor_id: int) -> Advisor | None:
    # By primary key, without the model's ordering (structure and names: two joins for one row).
    return Advisor.objects.filter(pk=advisor_id, structure=structure).order_by("pk").first()


def _requested_slot(request: HttpRequest, structure: Structure) -> tuple[Advisor, dt.datetime,
                                                                          str | None] | None:
    """Advisor, start and mode named in the query string, or None when they make no sense."""
    named = _requested_slot_named(request)
    if named is None:
        return None
    advisor_id, starts_at, mode = named
    advisor = _advisor_of(structure, advisor_id)
    return None if advisor is None else (advisor, starts_at, mode)


def _next_slots(structure: Structure, now: dt.datetime, mode: str | None) -> list[tuple]:
    slots = distinct_slots(next_free_slots_for_structure(
        structure=structure, now=now, mode=mode, limit=NEXT_SLOTS_SHOWN))
    return [(slot, booking_url(structure, slot, mode)) for slot in slots]


def _slot_taken(request, structure: Structure, now: dt.datetime, mode: str | None,
                message: str = "", status: int = 200) -> HttpResponse:
    return render(request, "bookings/slot_taken.html", {
        "structure": structure,
        "message": message or _("Ce créneau vient d'être réservé ou n'est plus disponible."),
        "next_slots": _next_slots(structure, now, mode),
        "slots_url": _slots_page_url(structure, mode),
    }, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, slug: str) -> HttpResponse:
    structure = structure_get_active(slug=slug)
    if structure is None:
        raise Http404
    requested = _requested_slot_named(request)
    now = timezone.now()
    # What the slot pages list (cached offers): the service decides again under lock. A slot
    # listed names an advisor of this structure, so only a link that names none is read
    # further, to tell a broken link from a slot no longer free.
    slot = None if requested is None else structure_slot_offered(
        structure=structure, advisor_id=requested[0], starts_at=requested[1], mode=requested[2],
        now=now)
    mode_not_offered = None
    if slot is None and requested is not None and requested[2] is not None:
        # A link asking for a mode this slot does not offer (crafted or old): when the slot is
        # free, its form comes in its own modes and the page says so (not "taken").
        slot = structure_slot_offered(structure=structure, advisor_id=requested[0],
                                      starts_at=requested[1], mode=None, now=now)
        if slot is not None:
            mode_not_offered = Mode(requested[2]).label
            requested = (requested[0], requested[1], None)
    if requested is None or (slot is None and _advisor_of(structure, requested[0]) is None):
        return _slot_taken(request, structure, now, None, status=400, message=_(
            "Ce lien de réservation n'est pas valide. Choisissez un créneau dans la liste."))
    advisor_id, starts_at, mode = requested
    # The hold locks the advisor by this key (and reads what it needs under the lock).
    advisor = Advisor(pk=advisor_id, structure=structure)
    held = _held_in_session(request, advisor, starts_at, now)
    if held is not None:
        return redirect("bookings:confirm_code", public_id=held.public_id)
    youth = request.user if isinstance(request.user, User) and request.user.is_youth else None
    if youth is not None:
        upcoming = _confirmed_upcoming(youth, now)
        if len(upcoming) >= services.MAX_UPCOMING_APPOINTMENTS:
            return _limit_reached(request, structure, upcoming)
    if slot is None:
        # Outside the booking window (a crafted or old link): say which rule, not "taken".
        reason = services.window_refusal(starts_at=starts_at, now=now)
        if request.method == "POST":
            return _book_again(request, structure, starts_at, now, youth=youth,
                               message=reason or services.slot_taken_message())
        return _slot_taken(request, structure, now, mode, message=reason)
    initial = booking_initial_for_youth(youth=youth) if youth is not None else {}
    if mode:
        initial["mode"] = mode
    form = BookingForm(request.POST or None, modes=slot.modes,
                       interview_day=_local(slot.starts_at).date(), today=_local(now).date(),
                       initial=initial, account_email=youth.email if youth else "")
    context = {"structure": structure, "slot": slot, "form": form,
               "mode_not_offered": mode_not_offered, "logged_in_youth": youth is not None,
               "today": _local(now).date(), "guardian_age": GUARDIAN_AGE,
               # Nothing typed and nothing known of the visitor: the fields' markup is the same
               # for everyone offered these modes (and this day), so it is rendered once.
               "form_fields_key": "" if form.is_bound or youth is not None else
               f"{','.join(slot.modes)}|{mode or ''}|{_local(now).date().isoformat()}"}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not _booking_allowed(request, data["email"]):
            return render(request, "bookings/rate_limited.html", {"structure": structure},
                          status=429)
        owner = (request.user.is_authenticated
                 and request.user.email.lower() == data["email"].strip().lower())
        try:
            appointment = services.appointment_hold(
                advisor=advisor, starts_at=slot.starts_at, mode=data["mode"],
                details=form.details(), email=data["email"], now=now,
                client_ip=client_ip(request), by_account_owner=owner,
            )
        except services.AddressNotBookable as exc:
            if owner:
                form.add_error(None, str(exc))
            else:
                return _refuse_by_email(request, structure, slot, data, exc, now)
        except services.BookingError as exc:
            if _is_slot_taken(exc):
                return _book_again(request, structure, starts_at, now, youth=youth,
                                   message=exc.message)
            form.add_error(None, str(exc))
        else:
            return _after_hold(request, appointment)
    return render(request, "bookings/book.html", context)


def _limit_reached(request: HttpRequest, structure: Structure,
                   upcoming: list[Appointment]) -> HttpResponse:
    """The page of a young person at the limit of upcoming appointments, listing
    ``upcoming`` (``_confirmed_upcoming``) with where to move or cancel one."""
    return render(request, "bookings/limit_reached.html", {
        "structure": structure, "upcoming": upcoming,
        "limit": services.MAX_UPCOMING_APPOINTMENTS})


def _confirmed_upcoming(youth, now: dt.datetime) -> list[Appointment]:
    return [appointment
            for appointment in selectors.appointments_upcoming_for_youth(youth=youth, now=now)
            if appointment.status == AppointmentStatus.CONFIRMED]


def _book_again(request: HttpRequest, structure: Structure, starts_at: dt.datetime,
                now: dt.datetime, *, youth, message: str, answers: QueryDict | None = None,
                slot_free_again: bool = False) -> HttpResponse:
    """The chosen slot was taken while the form was being filled in (or its hold expired
    before the code was typed: ``answers`` are then the hold's, ``slot_free_again``): the form
    comes back with everything typed, and each of the next free slots (in the mode chosen) is
    a button that sends the same answers to book that slot instead — no script needed."""
    answers = request.POST if answers is None else answers
    posted_mode = _mode_or_none(answers.get("mode"))
    form = BookingForm(answers, modes=(posted_mode,) if posted_mode else tuple(Mode.values),
                       interview_day=_local(starts_at).date(), today=_local(now).date(),
                       account_email=youth.email if youth else "")
    return render(request, "bookings/book.html", {
        "structure": structure, "form": form, "taken_message": message,
        "taken_starts_at": _local(starts_at), "slot_free_again": slot_free_again,
        "next_slots": _next_slots(structure, now, posted_mode),
        "slots_url": _slots_page_url(structure, posted_mode),
        "logged_in_youth": youth is not None, "today": _local(now).date(),
        "guardian_age": GUARDIAN_AGE,
    })


def _refuse_by_email(request: HttpRequest, structure: Structure, slot: Slot, data: dict,
                     refusal: services.AddressNotBookable, now: dt.datetime) -> HttpResponse:
    """Tell the reason to the address's owner only; this browser gets the code page every
    booking gets (no code can ever match), so typing an address tells nothing about it."""
    services.booking_refusal_notify(email=data["email"], reason=refusal.message,
                                    structure_name=structure.public_name, now=now)
    public_id = str(uuid.uuid4())
    request.session[REFUSED_SESSION_KEY] = {
        "public_id": public_id, "email": data["email"].strip().lower(),
        "structure_id": structure.pk, "starts_at": slot.starts_at.isoformat(),
        "mode": data["mode"], "reason": refusal.message, "attempts": 0,
        "hold_expires_at": (now + dt.timedelta(minutes=settings.BOOKING_HOLD_MINUTES))
        .isoformat(),
    }
    return redirect("bookings:confirm_code", public_id=public_id)


def _refused_code_page(request: HttpRequest, refused: dict) -> HttpResponse:
    """The code page of a refused booking (see ``_refuse_by_email``): same page, same answers
    as a real one, but no code is right."""
    structure = get_object_or_404(Structure, pk=refused["structure_id"])
    form = CodeForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "resend":
        if ratelimit.consume(request, action="request_login_code", key=refused["email"]):
            services.booking_refusal_notify(email=refused["email"], reason=refused["reason"],
                                            structure_name=structure.public_name,
                                            now=timezone.now())
        else:
            messages.error(request, _("Trop de demandes de code : patientez quelques minutes."))
        return redirect("bookings:confirm_code", public_id=refused["public_id"])
    if request.method == "POST" and form.is_valid():
        refused["attempts"] += 1
        request.session[REFUSED_SESSION_KEY] = refused
        form.add_error("code", _("Code incorrect. Vérifiez le dernier e-mail reçu.")
                       if refused["attempts"] < settings.ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS
                       else _("Trop de codes incorrects : demandez un nouveau code."))
    starts_at = dt.datetime.fromisoformat(refused["starts_at"])
    stand_in = SimpleNamespace(starts_at=starts_at, structure=structure,
                               get_mode_display=Mode(refused["mode"]).label)
    return render(request, "bookings/confirm_code.html", {
        "appointment": stand_in, "form": form, "email": refused["email"],
        "hold_expires_at": dt.datetime.fromisoformat(refused["hold_expires_at"]),
    })


def _held_in_session(request: HttpRequest, advisor: Advisor, starts_at: dt.datetime,
                     now: dt.datetime) -> Appointment | None:
    """This browser's own running hold on this slot (after "back" or a second submit)."""
    public_id = request.session.get(PENDING_SESSION_KEY)
    if not public_id:
        return None
    return Appointment.objects.filter(
        public_id=public_id, advisor=advisor, starts_at=starts_at,
        status=AppointmentStatus.PENDING, hold_expires_at__gt=now).first()


def _is_slot_taken(exc: services.BookingError) -> bool:
    return bool(exc.next_slots) or exc.message == services.slot_taken_message()


def _booking_allowed(request: HttpRequest, email: str) -> bool:
    """Booking attempts are limited per address and per IP (``ACCOUNT_RATE_LIMITS``). The
    counts live in the cache: while it is unavailable the limit fails open (booking goes on;
    ``somobilite.cache`` logs a warning saying limits are not enforced)."""
    return ratelimit.consume(request, action=BOOKING_RATE_LIMIT_ACTION, key=email.lower())


def _after_hold(request: HttpRequest, appointment: Appointment) -> HttpResponse:
    """A young person already logged in with this address confirms at once; anyone else gets
    the code by email."""
    if request.user.is_authenticated and request.user.pk == appointment.youth_id:
        return _confirm(request, appointment, process=None)
    BookingCodeProcess.initiate(request=request, appointment=appointment)
    request.session[PENDING_SESSION_KEY] = str(appointment.public_id)
    return redirect("bookings:confirm_code", public_id=appointment.public_id)


def _code_process(request: HttpRequest, appointment: Appointment):
    """The allauth login-by-code process started for this appointment's young person, if it is
    still running in this session (not expired, not aborted after too many wrong codes).

    The steps of allauth's ``LoginStageController.enter`` (``unstash_login`` with ``peek``:
    the login stashed in the session, dropped once older than ``ACCOUNT_LOGIN_TIMEOUT``; its
    current stage), except that the stashed login's user is ``appointment.youth``, already read
    with the appointment, when it is the same account: allauth's ``Login.deserialize`` would
    read it again (one query on the code page and on the confirmation, issue 17)."""
    data = request.session.get(LOGIN_SESSION_KEY)
    if not isinstance(data, dict) or data.get("user_pk") != user_pk_to_url_str(
            appointment.youth):
        return None
    try:
        login = Login.deserialize({**data, "user_pk": None})
    except ValueError:
        return None
    if time.time() - login.initiated_at > account_settings.LOGIN_TIMEOUT:
        clear_login(request)
        return None
    login.user = appointment.youth
    controller = LoginStageController(request, login)
    if controller.state.get("current") != LoginByCodeStage.key:
        return None
    stage = controller.get_stage(LoginByCodeStage.key)
    if stage is None or stage.state.get("user_id") != user_id_to_str(appointment.youth):
        return None
    return BookingCodeProcess.resume(stage)


def _pending_appointment(request: HttpRequest, public_id) -> Appointment:
    """The pending appointment held in this browser session, with its structure and young
    person, or 404 (a look-up by the unique ``public_id``: no ORDER BY)."""
    if request.session.get(PENDING_SESSION_KEY) != str(public_id):
        raise Http404
    return get_object_or_404(Appointment.objects.select_related("structure", "youth"),
                             public_id=public_id)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_code(request: HttpRequest, public_id) -> HttpResponse:
    if request.user.is_authenticated:
        mine = selectors.appointment_get_for_youth(youth=request.user, public_id=public_id)
        if mine is not None and mine.status == AppointmentStatus.CONFIRMED:
            return redirect("bookings:booked", public_id=public_id)  # code already typed
    refused = request.session.get(REFUSED_SESSION_KEY)
    if refused and refused["public_id"] == str(public_id):
        return _refused_code_page(request, refused)
    appointment = _pending_appointment(request, public_id)
    now = timezone.now()
    if appointment.status != AppointmentStatus.PENDING or appointment.hold_expired(now):
        message = _("Le délai pour saisir le code est dépassé et le créneau a été libéré. Vous "
                    "pouvez en choisir un autre.")
        if appointment.status in (AppointmentStatus.PENDING, AppointmentStatus.EXPIRED):
            # What they typed is on the hold: they choose a slot again, they do not retype it.
            youth = request.user if isinstance(request.user, User) and request.user.is_youth \
                else None
            return _book_again(request, appointment.structure, appointment.starts_at, now,
                               youth=youth, message=message,
                               answers=_hold_answers(appointment), slot_free_again=True)
        request.session.pop(PENDING_SESSION_KEY, None)
        return _slot_taken(request, appointment.structure, now, appointment.mode,
                           message=message)
    process = _code_process(request, appointment)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "resend":
        _send_new_code(request, appointment, process)
        return redirect("bookings:confirm_code", public_id=appointment.public_id)
    if request.method == "POST" and form.is_valid():
        if process is None:
            form.add_error("code", _("Ce code n'est plus valable : demandez-en un nouveau."))
        elif compare_user_code(actual=form.cleaned_data["code"], expected=process.code):
            return _confirm(request, appointment, process=process)
        elif process.record_invalid_attempt():
            form.add_error("code", _("Code incorrect. Vérifiez le dernier e-mail reçu."))
        else:
            form.add_error("code", _("Trop de codes incorrects : demandez un nouveau code."))
    return render(request, "bookings/confirm_code.html", {
        "appointment": appointment, "form": form, "email": appointment.youth.email,
        "hold_expires_at": appointment.hold_expires_at,
    })


def _hold_answers(appointment: Appointment) -> QueryDict:
    """The answers a hold was made with, as the booking form posts them (``BookingForm``
    field names; the consent ticked, since the hold was made with it), so that a hold that
    expired before its code was typed does not make the young person type everything again."""
    answers = QueryDict(mutable=True)
    for name, value in {
        "mode": appointment.mode, "first_name": appointment.first_name,
        "last_name": appointment.last_name, "email": appointment.youth.email,
        "phone": appointment.phone.as_e164 if appointment.phone else "",
        "birth_date": appointment.birth_date.isoformat() if appointment.birth_date else "",
        "postal_code": appointment.postal_code, "youth_status": appointment.youth_status,
        "project": appointment.project, "guardian_email": appointment.guardian_email,
        "consent": "on",
    }.items():
        answers[name] = value
    answers.setlist("domains", list(appointment.domains or []))
    if appointment.guardian_consent:
        answers["guardian_consent"] = "on"
    return answers


def _send_new_code(request: HttpRequest, appointment: Appointment, process) -> None:
    if not ratelimit.consume(request, action="request_login_code",
                             key=appointment.youth.email.lower()):
        messages.error(request, _("Trop de demandes de code : patientez quelques minutes."))
    else:
        if process is not None and process.can_resend:
            process.resend()
        else:
            BookingCodeProcess.initiate(request=request, appointment=appointment)
        # Said, because the page itself looks the same after the click (tester t-book8 #5).
        messages.success(request, _("Un nouveau code vous a été envoyé à %(email)s : seul ce "
                                    "dernier code est valable.")
                         % {"email": appointment.youth.email})


def _confirm(request: HttpRequest, appointment: Appointment, process) -> HttpResponse:
    """Make the hold final; with a code process, also log the young person in (and mark the
    address verified) through allauth."""
    now = timezone.now()
    try:
        services.appointment_confirm(appointment=appointment, now=now)
    except services.BookingError as exc:
        if process is not None:
            clear_login(request)
        request.session.pop(PENDING_SESSION_KEY, None)
        if isinstance(exc, services.UpcomingLimitReached):
            # Not the slot: any other would be refused too. The code proved the address, so
            # their appointments may be shown (as to a logged-in young person at the limit).
            return _limit_reached(request, appointment.structure,
                                  _confirmed_upcoming(appointment.youth, now))
        return _slot_taken(request, appointment.structure, now, appointment.mode,
                           message=str(exc))
    request.session.pop(PENDING_SESSION_KEY, None)
    done_url = reverse("bookings:booked", kwargs={"public_id": appointment.public_id})
    if process is None:
        return redirect(done_url)
    account_messages_silence(request)  # the confirmation page says it all
    # allauth marks the address verified only if it knows it: record it, the code proves it.
    email_address_prove(user=process.user)
    return process.finish(done_url)


@login_required
def booked(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    appointment = selectors.appointment_get_for_youth(youth=request.user, public_id=public_id)
    if appointment is None:
        raise Http404
    return render(request, "bookings/booked.html", _appointment_context(appointment))


def _appointment_context(appointment: Appointment) -> dict:
    token = appointment_manage_token(appointment)
    return {
        "appointment": appointment,
        "starts_at": _local(appointment.starts_at),
        "ends_at": _local(appointment.ends_at),
        "token": token,
        "manage_url": reverse("bookings:appointment_manage", kwargs={"token": token}),
        "ics_url": reverse("bookings:appointment_ics", kwargs={"token": token}),
        "can_change": appointment.is_active and appointment.starts_at > timezone.now(),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def staff_hold_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the email sent when an advisor booked for the young person: a button
    confirms (a GET changes nothing, so that mail scanners opening links confirm nothing)."""
    appointment = appointment_from_staff_hold_token(token)
    if appointment is None:
        if request.method == "POST":
            return _invalid_link(request)
        return render(request, "bookings/link_invalid.html", status=404)
    context = _appointment_context(appointment)
    if request.method == "POST":
        try:
            appointment = services.appointment_confirm(appointment=appointment,
                                                       now=timezone.now())
        except services.BookingError as exc:
            return render(request, "bookings/staff_hold_confirm.html",
                          {**context, "error": exc.message}, status=409)
        return render(request, "bookings/staff_hold_confirmed.html",
                      _appointment_context(appointment))
    return render(request, "bookings/staff_hold_confirm.html", context)


# --- Managing an appointment by signed link ---------------------------------------------------


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return render(request, "bookings/link_invalid.html", status=404)


@never_cache
def appointment_manage(request: HttpRequest, token: str) -> HttpResponse:
    appointment = appointment_from_manage_token(token)
    if appointment is None:
        return _invalid_link(request)
    return render(request, "bookings/manage.html", _appointment_context(appointment))


def appointment_ics(request: HttpRequest, token: str) -> HttpResponse:
    appointment = appointment_from_manage_token(token)
    if appointment is None:
        return _invalid_link(request)
    method = "PUBLISH" if appointment.is_active else "CANCEL"
    calendar = appointment_ics_file(appointment_snapshot(appointment), appointment=appointment,
                                    method=method, now=timezone.now())
    response = HttpResponse(calendar, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rendez-vous-so-mobilite.ics"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def appointment_cancel(request: HttpRequest, token: str) -> HttpResponse:
    appointment = appointment_from_manage_token(token)
    if appointment is None:
        return _invalid_link(request)
    context = _appointment_context(appointment)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_cancel(appointment=appointment, by_youth=True,
                                        reason=form.cleaned_data["reason"], now=timezone.now())
        except services.BookingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Votre rendez-vous est annulé. Un e-mail de confirmation "
                                        "vous a été envoyé."))
            return redirect("bookings:appointment_manage", token=token)
    return render(request, "bookings/cancel.html", {**context, "form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def appointment_move(request: HttpRequest, token: str) -> HttpResponse:
    """Pick a new slot of the same structure (same mode); the service applies the rules."""
    appointment = appointment_from_manage_token(token)
    if appointment is None:
        return _invalid_link(request)
    structure = appointment.structure
    now = timezone.now()
    context = _appointment_context(appointment)
    if not context["can_change"] or appointment.status != AppointmentStatus.CONFIRMED:
        messages.error(request, _("Ce rendez-vous ne peut plus être déplacé."))
        return redirect("bookings:appointment_manage", token=token)
    mode = appointment.mode
    chosen = _requested_slot(request, structure) if "debut" in request.GET else None
    if chosen is not None and (chosen[0].pk, chosen[1]) == (appointment.advisor_id,
                                                           appointment.starts_at):
        # The move link replayed once the move is made (the browser's back button, a second
        # click): the slot is taken, by this very appointment — say so, not "no longer free".
        messages.info(request, _("Votre rendez-vous est déjà à cet horaire : rien à changer."))
        return redirect("bookings:appointment_manage", token=token)
    if chosen is not None and structure_slot_offered(
            structure=structure, advisor_id=chosen[0].pk, starts_at=chosen[1], mode=mode,
            now=now) is None:
        # A crafted or old link: say which rule before asking to confirm, never "taken".
        messages.error(request, services.window_refusal(starts_at=chosen[1], now=now) or _(
            "Ce créneau n'est pas ou plus libre : choisissez-en un autre."))
        chosen = None
    if chosen is not None:
        advisor, starts_at, _mode = chosen
        if request.method == "POST":
            try:
                services.appointment_move(appointment=appointment, new_starts_at=starts_at,
                                          mode=mode, advisor=advisor, now=now)
            except services.BookingError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Votre rendez-vous est déplacé. Un e-mail avec "
                                            "le nouvel horaire vous a été envoyé."))
                return redirect("bookings:appointment_manage", token=token)
        else:
            return render(request, "bookings/move_confirm.html", {
                **context, "new_starts_at": _local(starts_at),
                "new_ends_at": _local(clock.after(starts_at, interview_duration()))})
    week, weeks, slots = _week_and_slots(
        request, structure, now, mode, keep=lambda slot: not services.appointment_move_problems(
            appointment=appointment, starts_at=slot.starts_at, now=now))
    move_url = reverse("bookings:appointment_move", kwargs={"token": token})
    days = _slot_days(slots, lambda slot: f"{move_url}?{urlencode(_move_params(slot, mode))}")
    return render(request, "bookings/move.html", {
        **context, "days": days, **_week_navigation(request, week, weeks, None),
        "age_limit": _age_limit(appointment, now),
    })


def _age_limit(appointment: Appointment, now: dt.datetime) -> dict | None:
    """Why the list of new slots ends before the booking window does: the day after which the
    person is past the age limit, when it falls before the window's end (else None)."""
    if appointment.birth_date is None:
        return None
    last_day = services.last_interview_day(birth_date=appointment.birth_date)
    earliest, latest = booking_window(now)
    if last_day >= _local(latest).date():
        return None
    return {"last_day": last_day, "birthday": last_day + dt.timedelta(days=1),
            "age": services.MAX_AGE + 1, "max_age": services.MAX_AGE,
            "none_left": last_day < _local(earliest).date()}


def _move_params(slot: Slot, mode: str) -> dict:
    return {"conseiller": slot.advisor_id, "debut": slot.starts_at.isoformat(), "mode": mode}


# --- "Mes rendez-vous" ------------------------------------------------------------------------


@youth_required
def my_appointments(request: AuthenticatedHttpRequest) -> HttpResponse:
    now = timezone.now()
    appointments = list(
        Appointment.objects.filter(youth=request.user)
        .exclude(status__in=[AppointmentStatus.PENDING, AppointmentStatus.EXPIRED])
        .select_related("structure").order_by("starts_at")
    )
    rows: list[dict[str, Any]] = [{"appointment": a, "starts_at": _local(a.starts_at),
             "manage_url": reverse("bookings:appointment_manage",
                                   kwargs={"token": appointment_manage_token(a)})}
            for a in appointments]
    return render(request, "bookings/my_appointments.html", {
        "upcoming": [r for r in rows if r["appointment"].starts_at > now
                     and r["appointment"].is_active],
        "past": [r for r in reversed(rows) if not (r["appointment"].starts_at > now
                                                   and r["appointment"].is_active)],
        "search_url": reverse("bookings:search"),
    })
