"""Public read-only JSON API (documented in README.md, section "API").

Plain ``JsonResponse``: two endpoints do not earn a framework. Bad parameters get a 400 with
``{"error": "…"}`` saying why, an unknown structure a 404; datetimes are ISO 8601 with their
Europe/Paris offset.
"""

import datetime as dt
from functools import wraps

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from .models import Mode
from .slots import (
    MODES,
    PARIS,
    Slot,
    active_structures,
    free_slots_for_structure,
    next_free_slot_by_structure_and_mode,
    structure_get_active,
)
from .views import SlugURL, booking_query, distinct_slots

DEFAULT_RANGE_DAYS = 7
MAX_RANGE_DAYS = 62
MIN_YEAR, MAX_YEAR = 2000, 2100


class BadRequest(Exception):
    pass


def _json(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    # Read-only public data: the So Mobilité website and the directory map may call it.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=60"
    return response


def _error(message: str, status: int = 400) -> JsonResponse:
    return _json({"error": message}, status=status)


def read_only(view):
    """GET (and HEAD) only: another method gets a JSON 405 with ``Allow``, as the README says.
    No cookie is read or written here, so the CSRF check (which answered POST with an HTML
    403 before the method was even looked at) has nothing to protect."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> JsonResponse:
        if request.method not in ("GET", "HEAD"):
            method = (request.method or "")[:20]
            response = _error(_("Méthode %(method)s non permise : cette API est en lecture "
                                "seule (GET).") % {"method": method}, status=405)
            response["Allow"] = "GET, HEAD"
            return response
        return view(request, *args, **kwargs)

    return wrapper


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(PARIS).isoformat() if value else None


def _mode_param(request: HttpRequest) -> str | None:
    mode = request.GET.get("mode", "").strip()
    if not mode:
        return None
    if mode not in Mode.values:
        raise BadRequest(_("Modalité inconnue « %(mode)s » : valeurs possibles %(values)s.")
                         % {"mode": mode, "values": ", ".join(Mode.values)})
    return mode


def _date_param(request: HttpRequest, name: str, default: dt.date) -> dt.date:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        if len(raw) != len("YYYY-MM-DD"):
            raise ValueError(raw)
        value = dt.date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(_("Paramètre « %(name)s » invalide (« %(raw)s ») : date attendue au "
                           "format AAAA-MM-JJ.") % {"name": name, "raw": raw}) from None
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise BadRequest(_("Paramètre « %(name)s » hors limites : année entre %(min)s et "
                           "%(max)s.") % {"name": name, "min": MIN_YEAR, "max": MAX_YEAR})
    return value


@read_only
def structures(request: HttpRequest) -> JsonResponse:
    """Active structures with the modes they have free slots in and their next free slot."""
    now = timezone.now()
    next_by_structure = next_free_slot_by_structure_and_mode(now=now)
    slots_url = SlugURL("api:structure_slots", request)
    page_url = SlugURL("bookings:structure_slots", request)
    items = []
    for structure in active_structures():
        per_mode = next_by_structure.get(structure.pk, {})
        by_mode = {mode: per_mode.get(mode) for mode in MODES}
        firsts = [slot for slot in by_mode.values() if slot is not None]
        first = min(firsts, key=lambda s: s.starts_at) if firsts else None
        items.append({
            "slug": structure.slug,
            "public_name": structure.public_name,
            "legal_name": structure.legal_name,
            "address": structure.address,
            "postal_code": structure.postal_code,
            "commune": structure.commune,
            "departement": structure.departement,
            "latitude": structure.latitude,
            "longitude": structure.longitude,
            "modes": [mode for mode, slot in by_mode.items() if slot is not None],
            "next_free_slot": _iso(first.starts_at) if first else None,
            "next_free_slot_by_mode": {mode: _iso(slot.starts_at) if slot else None
                                       for mode, slot in by_mode.items()},
            "slots_url": slots_url(structure.slug),
            "page_url": page_url(structure.slug),
        })
    return _json({"generated_at": _iso(now), "count": len(items), "structures": items})


@read_only
def structure_slots(request: HttpRequest, slug: str) -> JsonResponse:
    """Free slots of one structure between two dates (both included)."""
    structure = structure_get_active(slug=slug)
    if structure is None:
        return _error(_("Structure inconnue ou inactive : « %(slug)s ».") % {"slug": slug}, 404)
    now = timezone.now()
    today = now.astimezone(PARIS).date()
    try:
        mode = _mode_param(request)
        first = _date_param(request, "from", today)
        last = _date_param(request, "to", first + dt.timedelta(days=DEFAULT_RANGE_DAYS))
        if last < first:
            raise BadRequest(_("« to » (%(to)s) est avant « from » (%(from)s).")
                             % {"to": last, "from": first})
        if (last - first).days > MAX_RANGE_DAYS:
            raise BadRequest(_("Période trop longue : %(max)s jours au plus entre « from » et "
                               "« to ».") % {"max": MAX_RANGE_DAYS})
    except BadRequest as exc:
        return _error(str(exc))
    start = dt.datetime.combine(first, dt.time.min, tzinfo=PARIS)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=PARIS)
    slots = distinct_slots(free_slots_for_structure(
        structure=structure, start=start, end=end, now=now, mode=mode))
    # Built once: the address is the same for every slot but its query string.
    booking_page = request.build_absolute_uri(reverse("bookings:book", args=[structure.slug]))
    return _json({
        "structure": {"slug": structure.slug, "public_name": structure.public_name,
                      "commune": structure.commune, "departement": structure.departement},
        "from": first.isoformat(),
        "to": last.isoformat(),
        "mode": mode,
        "count": len(slots),
        "slots": [_slot_json(booking_page, slot, mode) for slot in slots],
    })


def _slot_json(booking_page: str, slot: Slot, mode: str | None) -> dict:
    return {
        "starts_at": _iso(slot.starts_at),
        "ends_at": _iso(slot.ends_at),
        "modes": list(slot.modes),
        "place": slot.place,
        "booking_url": f"{booking_page}?{booking_query(slot, mode)}",
    }
