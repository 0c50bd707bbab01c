"""Scenarios of the HTTP benchmark, run by locust (``benchmarks.load.locust``).

- ``Booker``: books distinct free slots through the real pages, one new young person each
  time: the form, its submission, the code page, the code read from the benchmark's mailbox
  (``benchmarks.mailbox``), the confirmation page. ``BENCH_CANCEL_SHARE`` of the bookings are
  then cancelled through the signed link of the confirmation page.
- ``Browser``: the search, a structure's week of free slots, the next week, the JSON lists.
- ``Advisor``: logs in once and opens the agenda (``BENCH_AGENDA_PATH``), when the benchmark
  found one.

Environment: ``BENCH_SLOTS_FILE`` (JSON list of booking paths, each used once),
``BENCH_MAILBOX_DIR``, ``BENCH_STRUCTURES`` (JSON list of slugs), ``BENCH_ADVISORS`` (JSON list
of [email, password]), ``BENCH_THINK`` (seconds between a Browser's pages), ``BENCH_CANCEL_SHARE``,
``BENCH_PACING`` (seconds: each Booker starts a booking every so many seconds, an arrival rate of
users ÷ pacing, instead of one after the other without pause).
"""

from __future__ import annotations

import json
import os
import random
import re
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from locust import FastHttpUser, between, constant, constant_pacing, events, task

from benchmarks.mailbox import SEPARATOR, mailbox_path

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CODE = re.compile(r"^\s*([A-Z0-9-]{4,12})\s*$", re.MULTILINE)
MANAGE = re.compile(r'href="(/rendez-vous/gerer/[^"/]+/)"')
MAILBOX = Path(os.environ.get("BENCH_MAILBOX_DIR", "."))
THINK = float(os.environ.get("BENCH_THINK", "0"))
CANCEL_SHARE = float(os.environ.get("BENCH_CANCEL_SHARE", "0"))
AGENDA_PATH = os.environ.get("BENCH_AGENDA_PATH", "")
PACING = float(os.environ.get("BENCH_PACING", "0"))


def _load(name: str) -> list:
    path = os.environ.get(name)
    return json.loads(Path(path).read_text()) if path else []


SLOTS: list[str] = _load("BENCH_SLOTS_FILE")
STRUCTURES: list[str] = json.loads(os.environ.get("BENCH_STRUCTURES", "[]"))
ADVISORS: list[list[str]] = json.loads(os.environ.get("BENCH_ADVISORS", "[]"))
random.Random(17).shuffle(SLOTS)


class FlowFailed(Exception):
    pass


def _code(address: str) -> str:
    """The login code of the last message sent to ``address`` (written before the response
    to the form's submission was sent)."""
    text = mailbox_path(MAILBOX, address).read_text()
    found = CODE.findall(text.rsplit(SEPARATOR, 1)[-1])
    if not found:
        raise FlowFailed(f"aucun code dans le courrier de {address}")
    return found[-1]


def _csrf(body: str) -> str:
    found = CSRF.search(body)
    if not found:
        raise FlowFailed("jeton CSRF absent du formulaire")
    return found.group(1)


def _think(default):
    """The wait between tasks: ``BENCH_THINK`` when set, else ``default``. A class attribute
    (locust calls it as a method: an instance attribute would miss its argument)."""
    return between(THINK / 2, THINK * 1.5) if THINK else default


class Booker(FastHttpUser):
    wait_time = constant_pacing(PACING) if PACING else _think(constant(0))

    def _expect(self, response, status: int, name: str) -> None:
        if response.status_code != status:
            excerpt = re.sub(r"\s+", " ", response.text or "")[:160]
            response.failure(f"{name} : statut {response.status_code} au lieu de {status} "
                             f"({excerpt})")
            raise FlowFailed(name)
        response.success()

    @task
    def book(self) -> None:
        if not SLOTS:
            self.environment.runner.quit()
            return
        path = SLOTS.pop()
        mode = parse_qs(urlsplit(path).query).get("mode", ["video"])[0]
        email = f"jeune-{uuid.uuid4().hex[:12]}@banc.test"
        self.client.cookiejar.clear()  # a new young person each time
        started = time.perf_counter()
        try:
            self._book(path, mode, email)
        except FlowFailed:
            return
        events.request.fire(request_type="FLOW", name="réservation complète (5 pages)",
                            response_time=(time.perf_counter() - started) * 1000,
                            response_length=0, exception=None, context={})

    def _book(self, path: str, mode: str, email: str) -> None:
        with self.client.get(path, name="1 formulaire de réservation",
                             catch_response=True) as response:
            self._expect(response, 200, "formulaire")
            token = _csrf(response.text)
        data = {
            "csrfmiddlewaretoken": token, "mode": mode, "first_name": "Camille",
            "last_name": "Banc", "email": email, "phone": "", "birth_date": "2004-05-17",
            "postal_code": "33800", "youth_status": "student", "domains": "studies",
            "project": "", "guardian_email": "", "consent": "on",
        }
        with self.client.post(path, data=data, name="2 envoi du formulaire (retenue)",
                              allow_redirects=False, catch_response=True) as response:
            self._expect(response, 302, "envoi du formulaire")
            confirm = response.headers["Location"]
        with self.client.get(confirm, name="3 page du code", catch_response=True) as response:
            self._expect(response, 200, "page du code")
            token = _csrf(response.text)
        with self.client.post(confirm, data={"csrfmiddlewaretoken": token,
                                             "code": _code(email)},
                              name="4 envoi du code (confirmation)", allow_redirects=False,
                              catch_response=True) as response:
            self._expect(response, 302, "envoi du code")
            booked = response.headers["Location"]
        with self.client.get(booked, name="5 rendez-vous confirmé",
                             catch_response=True) as response:
            self._expect(response, 200, "rendez-vous confirmé")
            manage = MANAGE.search(response.text)
        if manage and random.random() < CANCEL_SHARE:
            self._cancel(manage.group(1))

    def _cancel(self, manage: str) -> None:
        cancel = f"{manage}annuler/"
        with self.client.get(cancel, name="6 page d'annulation",
                             catch_response=True) as response:
            self._expect(response, 200, "page d'annulation")
            token = _csrf(response.text)
        with self.client.post(cancel, data={"csrfmiddlewaretoken": token, "reason": ""},
                              name="7 annulation", allow_redirects=False,
                              catch_response=True) as response:
            self._expect(response, 302, "annulation")


class Browser(FastHttpUser):
    wait_time = _think(between(0.5, 1.5))

    @task(3)
    def structure_week(self) -> None:
        slug = random.choice(STRUCTURES)
        self.client.get(f"/rendez-vous/{slug}/", name="créneaux d'une structure (page)")
        self.client.get(f"/rendez-vous/{slug}/?mode=video",
                        name="créneaux d'une structure, visio (page)")

    @task(2)
    def search(self) -> None:
        departement = random.choice(["16", "17", "19", "23", "24", "33", "40", "47", "64",
                                     "79", "86", "87"])
        self.client.get(f"/rendez-vous/?lieu={departement}", name="recherche par département")

    @task(1)
    def remote_search(self) -> None:
        self.client.get("/rendez-vous/?mode=video", name="recherche visio (région)")

    @task(1)
    def api(self) -> None:
        self.client.get("/api/v1/structures/", name="API liste régionale")
        slug = random.choice(STRUCTURES)
        self.client.get(f"/api/v1/structures/{slug}/slots/", name="API créneaux d'une structure")


class Advisor(FastHttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        if not ADVISORS or not AGENDA_PATH:
            raise FlowFailed("pas d'agenda")
        email, password = random.choice(ADVISORS)
        response = self.client.get("/compte/login/", name="connexion (page)")
        self.client.post("/compte/login/", name="connexion", data={
            "csrfmiddlewaretoken": _csrf(response.text or ""), "login": email,
            "password": password})

    @task
    def agenda(self) -> None:
        self.client.get(AGENDA_PATH, name="agenda du ou de la conseiller·ère")
