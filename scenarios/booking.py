"""Booking over HTTP as a young person does it: the form, the email code, the confirmation."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .browser import Browser, page_text
from .stack import MailServer, wait_until
from .world import SlotToBook

CODE = re.compile(r"^\s*([A-Z0-9-]{4,12})\s*$", re.MULTILINE)


@dataclass
class Attempt:
    """What one young person got. ``outcome``: confirmed, held (code not typed), taken, limit,
    refused (another French message on the form), error (5xx) or failed (transport)."""

    outcome: str
    statuses: list[int]
    detail: str = ""


def form(person: dict, slot: SlotToBook) -> dict:
    return {"mode": slot.mode, "first_name": person["first_name"],
            "last_name": person["last_name"], "email": person["email"], "phone": "",
            "birth_date": "2003-06-14", "postal_code": "33800", "youth_status": "student",
            "domains": ["studies"], "project": "Un semestre à l'étranger.", "guardian_email": "",
            "consent": "on"}


def classify_refusal(status: int, text: str) -> str:
    if status == 429 or "Trop de tentatives" in text:
        return "limit"
    if "vient d'être réservé" in text or "n'est plus disponible" in text:
        return "taken"
    return "refused"


def csrf_pair(port: int, slot: SlotToBook) -> tuple[str, str]:
    """A CSRF cookie and form token, as a browser gets them from the booking form."""
    browser = Browser(port, client_ip="10.0.0.1")
    try:
        token = browser._token_from(slot.url)
        return browser.cookies["csrftoken"], token
    finally:
        browser.close()


@dataclass
class Held:
    """A slot held by the form, its code read from the mail server, not typed yet."""

    browser: Browser
    confirm_url: str
    code: str
    statuses: list[int]


def hold(port: int, slot: SlotToBook, person: dict, *, client_ip: str, mail: MailServer,
         code_timeout: float = 30, csrf: tuple[str, str] | None = None) -> Held | Attempt:
    """The form and the hold of ``slot`` by ``person``, and the code read from the mail
    server; an ``Attempt`` when it stops there (refused, 5xx). The caller closes
    ``Held.browser`` (``confirm`` does). With ``csrf`` (a cookie and its form token) the form
    is posted at once, as by someone who opened it a moment ago (the rush: the form page is
    the same for all)."""
    browser = Browser(port, client_ip=client_ip)
    statuses: list[int] = []
    try:
        if csrf is None:
            page = browser.get(slot.url)
            statuses.append(page.status_code)
            if page.status_code >= 500:
                return Attempt("error", statuses, page.text[:300])
            if "csrfmiddlewaretoken" not in page.text:
                return Attempt(classify_refusal(page.status_code, page_text(page)), statuses)
        else:
            browser.cookies["csrftoken"], browser._form_token = csrf
        held = browser.post(slot.url, form(person, slot))
        statuses.append(held.status_code)
        if held.status_code >= 500:
            return Attempt("error", statuses, held.text[:300])
        if held.status_code != 302:
            return Attempt(classify_refusal(held.status_code, page_text(held)), statuses,
                           page_text(held)[:300])
        wait_until(lambda: mail.to(person["email"]), timeout=code_timeout,
                   what=f"code email to {person['email']}")
        code = CODE.search(mail.to(person["email"])[-1].text()).group(1)
        result = Held(browser, held.headers["location"], code, statuses)
    except Exception as exc:  # transport errors count as failures, not as 5xx
        browser.close()
        return Attempt("failed", statuses, f"{type(exc).__name__}: {exc}")
    return result


def confirm(held: Held) -> Attempt:
    """Type the code of ``held``: confirmed, or why not."""
    statuses = held.statuses
    try:
        done = held.browser.post(held.confirm_url, {"code": held.code, "action": "verify"})
        statuses.append(done.status_code)
        if done.status_code >= 500:
            return Attempt("error", statuses, done.text[:300])
        if done.status_code == 302 and "/reserve/" in done.headers["location"]:
            return Attempt("confirmed", statuses)
        return Attempt(classify_refusal(done.status_code, page_text(done)), statuses,
                       page_text(done)[:300])
    except Exception as exc:
        return Attempt("failed", statuses, f"{type(exc).__name__}: {exc}")
    finally:
        held.browser.close()


def book(port: int, slot: SlotToBook, person: dict, *, client_ip: str, mail: MailServer,
         code_timeout: float = 30, csrf: tuple[str, str] | None = None) -> Attempt:
    """The whole booking of ``slot`` by ``person``: form, hold, code read from the mail server,
    confirmation (see ``hold``)."""
    held = hold(port, slot, person, client_ip=client_ip, mail=mail, code_timeout=code_timeout,
                csrf=csrf)
    return confirm(held) if isinstance(held, Held) else held
