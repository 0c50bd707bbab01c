"""``make bench``: every benchmark of the project in one run, each figure with its ratio and,
where the project set one, its goal (OK / NON). See the README, "Performance".

1. A throwaway PostgreSQL cluster and a Redis, on loopback, in the port range given by
   ``BENCH_PORT`` (default 21700: gunicorn 21700-21709, PostgreSQL 21710, Redis 21711).
2. The in-process benchmarks, i.e. every ``bench_*`` management command (``bench_booking``
   first: it also builds the data set the HTTP benchmark reads: 150 structures, 400 advisors,
   100,000 past and 5,000 future appointments).
3. The HTTP benchmark: gunicorn with the production settings (``benchmarks.settings``) and a
   Celery worker; wrk on each page, in rounds interleaved with a bare view served by the same
   server; the region-wide list cold; bookings through the real form (locust); a mixed
   scenario; worker memory across cache invalidations; the database connection modes side by
   side, and a PostgreSQL restart.

Exit status 1 when a goal is not met.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import load
from .services import (
    PROJECT,
    VENV_BIN,
    CeleryWorker,
    Gunicorn,
    Postgres,
    Redis,
    new_workdir,
    rss_mb,
    wait_for,
)

# Settings the benchmark sets itself (anything of the caller's environment is dropped).
OWN_SETTINGS = ("DATABASE_URL", "REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL", "CONN_MAX_AGE",
                "CONN_HEALTH_CHECKS", "DATABASE_POOL", "DJANGO_SETTINGS_MODULE", "DEBUG",
                "EMAIL_URL", "EMAIL_BACKEND", "WEB_CONCURRENCY", "DATABASE_SERVER_SIDE_BINDING",
                "DATABASE_PREPARE_THRESHOLD", "GUNICORN_WORKER_CLASS", "GUNICORN_THREADS",
                "GUNICORN_KEEPALIVE", "BENCH_PROFILE_DIR", "BENCH_PROFILE_CPROFILE")
RATE_LIMITS = {
    # Every booking of the run comes from 127.0.0.1: the per-IP limits would stop the load.
    "RATE_LIMIT_BOOKING_HOLD": "1000000/m/ip,30/m/key",
    "RATE_LIMIT_REQUEST_LOGIN_CODE": "1000000/m/ip,30/m/key",
    "RATE_LIMIT_LOGIN": "1000000/m/ip",
    "RATE_LIMIT_LOGIN_FAILED": "1000/m/ip,30/m/key",
    # Unconfirmed holds one client address may keep at once (all clients share 127.0.0.1).
    "BOOKING_MAX_PENDING_HOLDS_PER_CLIENT": "1000000",
}
CONNECTION_MODES = {
    "une connexion par requête": {"CONN_MAX_AGE": "0", "DATABASE_POOL": "false"},
    "connexions persistantes": {"CONN_MAX_AGE": "600", "DATABASE_POOL": "false"},
    "pool psycopg": {"DATABASE_POOL": "true"},
}
# Server variants compared side by side by ``--variantes`` (bookings through the real form):
# each is the production settings plus these environment variables; "a+b" combines two.
VARIANTS = {
    "sync": {"GUNICORN_WORKER_CLASS": "sync"},
    "gthread": {"GUNICORN_WORKER_CLASS": "gthread", "GUNICORN_THREADS": "1"},
    "gthread2": {"GUNICORN_WORKER_CLASS": "gthread", "GUNICORN_THREADS": "2"},
    "client": {"DATABASE_SERVER_SIDE_BINDING": "false"},
    "serveur": {"DATABASE_SERVER_SIDE_BINDING": "true"},
}
GOAL_LINE = re.compile(r"\b(OK|NON)\b")


def variant_env(name: str) -> dict[str, str]:
    """The environment of the variant ``name`` ("a" or "a+b": the parts' settings merged)."""
    return {k: v for part in name.split("+") for k, v in VARIANTS[part].items()}

AGENDA_PATH = "/espace-conseil/"
FLOW = "réservation complète (5 pages)"
ADVISOR_PASSWORD = "banc-conseil-2026"  # set for the run on the throwaway database only


@dataclass
class Goal:
    label: str
    value: str
    target: str
    met: bool

    def line(self) -> str:
        return f"{self.label:<58} {self.value:>22}  {self.target:<16} {'OK' if self.met else 'NON'}"


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.workdir = new_workdir(args.workdir)
        self.port = args.port
        self.goals: list[Goal] = []
        self.other_goal_lines: list[str] = []
        self.postgres = Postgres(self.workdir, self.port + 10)
        self.redis = Redis(self.workdir, self.port + 11)
        self.mailbox = self.workdir / "mailbox"
        self.mailbox.mkdir(exist_ok=True)
        self.servers: list[Gunicorn] = []
        self.celery: CeleryWorker | None = None
        self.floor_rate = 0.0
        self.started_at = datetime.now(UTC)

    # --- environment ---------------------------------------------------------------------

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if k not in OWN_SETTINGS and k not in RATE_LIMITS
               and not k.startswith("RATE_LIMIT_")}
        env.update({
            "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
            "PYTHONPATH": str(PROJECT),
            "SECRET_KEY": "benchmark-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": f"http://127.0.0.1:{self.port}",
            "DATABASE_URL": self.postgres.url,
            "REDIS_URL": self.redis.url,
            "BENCH_MAILBOX_DIR": str(self.mailbox),
            **RATE_LIMITS,
        })
        if self.args.profil:  # benchmarks/gunicorn_profile.py: CPU per request, cProfile
            env.update(BENCH_PROFILE_DIR=str(Path(self.args.profil).resolve()),
                       BENCH_PROFILE_CPROFILE="1")
        env.update(extra)
        return env

    def manage(self, *args: str, stream: bool = True) -> list[str]:
        """A management command against the benchmark's database; its output is shown and
        returned (its log lines go to ``manage.log`` in the working directory)."""
        log = self.workdir / "manage.log"
        with log.open("a") as errors:
            process = subprocess.Popen(
                [str(VENV_BIN / "python"), "manage.py", *args], cwd=PROJECT, env=self.env(),
                stdout=subprocess.PIPE, stderr=errors, text=True)
            lines = []
            for line in process.stdout or ():  # a pipe: never None
                lines.append(line.rstrip("\n"))
                if stream:
                    print(line, end="", flush=True)
            status = process.wait()
        if status != 0:
            tail = log.read_text().splitlines()[-20:]
            raise RuntimeError(f"manage.py {' '.join(args)} a échoué :\n" + "\n".join(tail))
        return lines

    # --- run -------------------------------------------------------------------------------

    def run(self) -> int:
        started = time.monotonic()
        try:
            reuse = self.postgres.existing
            self.postgres.start()
            if not reuse:
                self.postgres.create_database()
            self.redis.start()
            section(f"Services : PostgreSQL :{self.postgres.port}, Redis :{self.redis.port}, "
                    f"dossier {self.workdir}")
            print(f"Machine : {os.cpu_count()} cœurs, {load_average()}.")
            self.manage("migrate", "--noinput", "-v0")
            if not self.args.only:
                self.in_process()
            self.http()
        finally:
            self.stop()
        section("Objectifs")
        for goal in self.goals:
            print(goal.line())
        for line in self.other_goal_lines:
            print(line)
        failed = [g for g in self.goals if not g.met] + [
            line for line in self.other_goal_lines if GOAL_LINE.findall(line)[-1] == "NON"]
        print(f"\n{len(self.goals) + len(self.other_goal_lines)} objectifs, "
              f"{len(failed)} non atteints. Durée totale : {time.monotonic() - started:.0f} s ; "
              f"{load_average()} (les autres processus de la machine comptent aussi : les "
              "ratios et le CPU par requête se comparent, les temps absolus moins).")
        if not self.args.keep_workdir and not self.args.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
        return 1 if failed else 0

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
        if self.celery:
            self.celery.stop()
        self.redis.stop()
        self.postgres.destroy()

    def in_process(self) -> None:
        """Every ``bench_*`` command; bench_booking keeps its data set for the HTTP part."""
        names = self.manage("shell", "-v0", "-c", (
            "from django.core.management import get_commands;"
            "print('\\n'.join(sorted(n for n in get_commands() if n.startswith('bench_'))))"),
            stream=False)
        for name in ["bench_booking", *(n for n in names if n != "bench_booking")]:
            section(f"{name} (en processus, même base)")
            args = []
            if name == "bench_booking":
                args = ["--reuse" if self.postgres.existing else "--keep", "--runs",
                        str(self.args.runs)]
            for line in self.manage(name, *args):
                if GOAL_LINE.search(line):
                    self.other_goal_lines.append(f"{name} : {line.strip()}")

    # --- HTTP ------------------------------------------------------------------------------

    def http(self) -> None:
        section("HTTP : gunicorn + PostgreSQL + Redis, réglages de production")
        print("Limites fixées pour le banc (une seule adresse IP) : " + ", ".join(
            f"{k}={v}" for k, v in RATE_LIMITS.items()))
        self.celery = CeleryWorker(self.workdir, self.env())
        server = self.start_server("production", self.port, self.env())
        print(f"gunicorn : {server.workers} workers sync ; connexion à la base : celle des "
              "réglages de production ; worker Celery : prefork, 2 processus.")
        slugs, slots = self.discover(server)
        structure = slugs[0]
        today = time.strftime("%Y-%m-%d")
        last = time.strftime("%Y-%m-%d", time.localtime(time.time() + 55 * 86400))
        targets = {
            "plancher": "/__bench__/bare/",
            "page": f"/rendez-vous/{structure}/",
            "json": f"/api/v1/structures/{structure}/slots/?from={today}&to={last}",
            "liste": "/api/v1/structures/",
        }
        labels = {
            "plancher": ("Vue nue (plancher)", None),
            "page": ("Créneaux d'une structure (page)", 0.30),
            "json": ("Créneaux d'une structure (JSON, 8 semaines)", 0.40),
            "liste": ("Liste régionale /api/v1/structures/ (chaude)", 0.15),
        }
        if self.args.only == "reservations":
            self.floor_rate = load.wrk(
                f"{server.base_url}{targets['plancher']}", seconds=self.args.seconds,
                connections=self.args.connections, workdir=self.workdir,
                server_pids=self.server_pids(server)).rate
            if self.args.variantes:
                self.variants(slots)
            self.bookings(server, slots)
            return
        if self.args.only == "froid":
            for _ in range(server.workers * 3):  # every worker warm, as after the other pages
                load.get(server.port, targets["liste"])
            self.cold_list(server)
            return
        self.throughput(server, targets, labels)
        self.first_request()
        self.cold_list(server)
        if self.args.only == "debit":
            return
        self.bookings(server, slots)
        self.mix(server, slugs, slots)
        self.memory(server)
        server.stop()
        self.servers.remove(server)
        self.connections(targets)

    def start_server(self, name: str, port: int, env: dict[str, str],
                     workers: int | None = None) -> Gunicorn:
        server = Gunicorn(name, self.workdir, port, env, workers or self.args.workers)
        self.servers.append(server)
        return server

    def server_pids(self, server: Gunicorn):
        return lambda: [*server.worker_pids(), *self.postgres.pids(), *self.redis.pids()]

    def server_groups(self, server: Gunicorn) -> dict:
        """The servers' processes by kind, for CPU accounting per kind."""
        celery = self.celery
        return {"gunicorn": server.worker_pids, "PostgreSQL": self.postgres.pids,
                "Redis": self.redis.pids, "Celery": celery.pids if celery else list}

    def discover(self, server: Gunicorn) -> tuple[list[str], list[str]]:
        """Structures (most advisors first) and every free slot, through the public API, as a
        client of the API would find them."""
        status, _ms, body = load.get(server.port, "/api/v1/structures/")
        assert status == 200, status
        slugs = [s["slug"] for s in json.loads(body)["structures"]]
        slugs.sort(key=lambda slug: int(slug.rsplit("-", 1)[1]) if slug[-1].isdigit() else 0)
        today = time.strftime("%Y-%m-%d")
        last = time.strftime("%Y-%m-%d", time.localtime(time.time() + 58 * 86400))
        slots = []
        for slug in slugs:
            status, _ms, body = load.get(
                server.port, f"/api/v1/structures/{slug}/slots/?from={today}&to={last}")
            for slot in json.loads(body)["slots"]:
                mode = "video" if "video" in slot["modes"] else slot["modes"][0]
                url = slot["booking_url"].split("://", 1)[1].split("/", 1)[1]
                slots.append(f"/{url}&mode={mode}" if "mode=" not in url else f"/{url}")
        print(f"{len(slugs)} structures, {len(slots)} créneaux libres trouvés par l'API.")
        return slugs, slots

    def throughput(self, server: Gunicorn, targets: dict, labels: dict) -> None:
        for path in targets.values():  # warm every worker
            for _ in range(server.workers * 3):
                load.get(server.port, path)
        runs: dict[str, list[load.Run]] = {name: [] for name in targets}
        for _round in range(self.args.rounds):
            for name, path in targets.items():
                runs[name].append(load.wrk(
                    f"{server.base_url}{path}", seconds=self.args.seconds,
                    connections=self.args.connections, workdir=self.workdir,
                    server_pids=self.server_pids(server)))
        print(f"\nwrk, {self.args.rounds} tours entrelacés de {self.args.seconds} s par cible, "
              f"{self.args.connections} connexions ; ratio = débit ÷ débit du plancher du même "
              "tour (médiane des tours) ; CPU = temps CPU de gunicorn, PostgreSQL et Redis par "
              "requête.")
        print(f"{'cible':<48} {'req/s':>8} {'ratio':>7} {'p50':>8} {'p95':>8} {'p99':>8} "
              f"{'CPU/req':>9} {'erreurs':>8}")
        floors = runs["plancher"]
        self.floor_rate = load.median([floor.rate for floor in floors])
        for name, target_runs in runs.items():
            label, goal = labels[name]
            ratios = [run.rate / floor.rate for run, floor in zip(target_runs, floors,
                                                                  strict=True)]
            ratio = load.median(ratios)
            errors = sum(run.errors for run in target_runs)
            print(f"{label:<48} {load.median([r.rate for r in target_runs]):>8.0f} "
                  f"{ratio:>6.0%} {load.median([r.p50 for r in target_runs]):>6.1f}ms "
                  f"{load.median([r.p95 for r in target_runs]):>6.1f}ms "
                  f"{load.median([r.p99 for r in target_runs]):>6.1f}ms "
                  f"{load.median([r.server_cpu_ms for r in target_runs]):>7.2f}ms "
                  f"{errors:>8}")
            if goal is not None:
                self.goals.append(Goal(f"{label}, débit", f"{ratio:.0%} du plancher",
                                       f"≥ {goal:.0%}", ratio >= goal and errors == 0))

    def bump_offers(self) -> None:
        """What any change of availability does: a new version of the offers cache."""
        import redis

        client = redis.Redis.from_url(self.redis.url)
        for key in client.scan_iter("*bookings:offers-version:*"):
            client.delete(key)

    def sql(self, statement: str, params: list | None = None) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.postgres.url.replace("postgres://", "postgresql://")) as c:
            cursor = c.execute(statement, params or [])
            return cursor.fetchall() if cursor.description else []

    def cold_list(self, server: Gunicorn) -> None:
        """The region-wide list after availability changed, one request at a time: the offers
        cache invalidated before each request, (1) by a real change of one advisor's weekly
        period (what an advisor does; the goal), (2) with no change of data, (3) by a change
        of a period of every advisor (its place), never seen before by any worker (every
        structure's walk starts again, as long as before). The periods are put back at the end."""
        mornings = [row[0] for row in self.sql(
            "SELECT id FROM bookings_recurringavailability WHERE start_time = '09:00' "
            "AND end_time = '12:00' ORDER BY id")]
        toggle = ("UPDATE bookings_recurringavailability SET end_time = CASE WHEN end_time = "
                  "'12:00' THEN time '13:00' ELSE time '12:00' END WHERE id = ANY(%s)")
        scenarios = [
            ("un·e conseiller·ère change une période hebdomadaire",
             lambda sample: self.sql(toggle, [[mornings[sample * 37 % len(mornings)]]])),
            ("invalidation seule, données inchangées", lambda sample: None),
            # A new place each time, never seen by any worker: every structure's offers
            # change, at the same hours (its walk is as long as before).
            ("toutes les structures changent (froid complet)",
             lambda sample: self.sql(
                 "UPDATE bookings_recurringavailability SET place = %s WHERE id = ANY(%s)",
                 [f"Salle {sample + 1} (banc)", mornings])),
        ]
        print(f"\nListe régionale froide ({self.args.cold_samples} requêtes seules par cas, le "
              "cache des créneaux offerts invalidé avant chacune) :")
        try:
            for index, (label, change) in enumerate(scenarios):
                timings = []
                for sample in range(self.args.cold_samples):
                    change(sample)
                    self.bump_offers()
                    status, ms, _body = load.get(server.port, "/api/v1/structures/")
                    assert status == 200, status
                    timings.append(ms)
                median = load.median(timings)
                print(f"  {label:<52} médiane {median:>4.0f} ms, p95 "
                      f"{load.percentile(timings, 95):>4.0f} ms, max {max(timings):>4.0f} ms "
                      f"({load_average()})")
                if index == 0:
                    self.goals.append(Goal("Liste régionale froide (une période changée), "
                                           "médiane", f"{median:.0f} ms", "≤ 60 ms",
                                           median <= 60))
        finally:
            self.sql("UPDATE bookings_recurringavailability SET end_time = time '12:00', "
                     "place = '' WHERE id = ANY(%s)", [mornings])
            self.bump_offers()

    def first_request(self) -> None:
        """A fresh worker's first requests, the shared cache being warm: what is left of the
        once-per-process work after the warm-up of ``somobilite/wsgi.py``."""
        server = self.start_server("premier", self.port + 1, self.env(), workers=1)
        times = [load.get(server.port, "/rendez-vous/bench-0/")[1] for _ in range(3)]
        print(f"\nWorker neuf (cache partagé chaud) : 1re page de créneaux {times[0]:.0f} ms, "
              f"2e {times[1]:.0f} ms, 3e {times[2]:.0f} ms.")
        server.stop()
        self.servers.remove(server)

    def _write_slots(self, slots: list[str], name: str) -> Path:
        path = self.workdir / f"slots-{name}.json"
        path.write_text(json.dumps(slots))
        return path

    def locust_env(self, slugs: list[str], slots_file: Path, **extra: str) -> dict[str, str]:
        return {"PYTHONPATH": str(PROJECT), "BENCH_MAILBOX_DIR": str(self.mailbox),
                "BENCH_SLOTS_FILE": str(slots_file), "BENCH_STRUCTURES": json.dumps(slugs),
                **extra}

    def bookings(self, server: Gunicorn, slots: list[str]) -> None:
        """Bookings through the real pages (the 5 pages of ``Booker``, one new young person and
        one distinct slot each), twice: without pause (capacity: bookings per second, and the
        CPU each booking costs the servers), then paced at half that rate (latency: a
        closed loop of N users without pause always waits N ÷ throughput, whatever the code,
        so per-page latency is judged below capacity)."""
        third = len(slots) // 3
        saturated, paced, slots[:] = slots[:third], slots[third: 2 * third], slots[2 * third:]
        users, seconds = self.args.booking_users, self.args.booking_seconds
        pids = self.server_groups(server)
        result = load.locust(
            ["Booker"], host=server.base_url, users=users, seconds=seconds,
            workdir=self.workdir, tag="reservations", server_pids=pids,
            env=self.locust_env([], self._write_slots(saturated, "reservations")))
        print(f"\nRéservations par le vrai formulaire (locust, {users} utilisateurs sans pause, "
              f"{seconds} s, créneaux distincts, un nouveau jeune par réservation, code lu dans "
              "la boîte du banc ; une réservation = les 5 pages, comptée quand la page du "
              "rendez-vous confirmé est reçue) :")
        print_pages(result)
        flow = result.page(FLOW)
        done = flow.requests if flow else 0
        rate = done / result.seconds if result.seconds else 0.0
        cpu_ms = sum(result.server_cpu_s.values()) * 1000 / done if done else 0.0
        cores = os.cpu_count() or 1
        print(f"→ {rate:.1f} réservations confirmées par seconde ({load_average()}).")
        detail = ", ".join(f"{name} {cpu * 1000 / max(done, 1):.0f} ms"
                           for name, cpu in result.server_cpu_s.items())
        ceiling = cores * 1000 / cpu_ms if cpu_ms else 0.0
        print(f"  CPU des serveurs par réservation : {cpu_ms:.0f} ms ({detail}), soit au plus "
              f"{ceiling:.0f} "
              f"réservations/s si les serveurs avaient les {cores} cœurs pour eux seuls ; "
              f"plancher du même serveur : {self.floor_rate:.0f} requêtes/s "
              f"({self.floor_rate / 5:.0f} réservations/s de 5 pages si chaque page coûtait une "
              "vue nue).")
        print(f"  locust : {result.locust_cpu_s / result.seconds:.0%} d'un cœur "
              f"({result.locust_cpu_s * 1000 / max(done, 1):.0f} ms de CPU par réservation) : "
              f"{'pas le goulot' if result.locust_cpu_s / result.seconds < 0.8 else 'GOULOT'}.")
        self.goals.append(Goal("Réservations par le vrai formulaire", f"{rate:.1f} /s",
                               "≥ 50 /s", rate >= 50 and result.errors == 0))
        target = max(rate / 2, 0.2)
        pacing = users / target
        # Users start one after the other at the target rate, so bookings arrive evenly.
        result = load.locust(
            ["Booker"], host=server.base_url, users=users,
            seconds=round(max(seconds, 2 * pacing)),
            spawn_rate=target,
            workdir=self.workdir, tag="reservations-rythme", server_pids=pids,
            env=self.locust_env([], self._write_slots(paced, "reservations-rythme"),
                                BENCH_PACING=f"{pacing:.3f}"))
        flow = result.page(FLOW)
        print(f"\nLes mêmes, au rythme de la moitié de ce débit ({users} utilisateurs lancés "
              f"l'un après l'autre, une réservation toutes les {pacing:.1f} s chacun : "
              f"{target:.2f} /s visées, "
              f"{(flow.requests if flow else 0) / result.seconds:.2f} /s faites) :")
        print_pages(result)
        worst = max((p for p in result.pages if p.name[0].isdigit()), key=lambda p: p.p95,
                    default=None)
        print(f"→ p95 le plus lent : {worst.p95 if worst else 0:.0f} ms "
              f"({worst.name if worst else '-'}).")
        self.goals.append(Goal(f"Réservations à {target:.1f} /s, p95 de la page la plus lente",
                               f"{worst.p95 if worst else 0:.0f} ms", "≤ 300 ms",
                               worst is not None and worst.p95 <= 300 and result.errors == 0))

    def variants(self, slots: list[str]) -> None:
        """The servers of ``--variantes`` side by side: for each, the bare view (wrk), then
        bookings through the real form without pause (locust, as ``bookings``), in rounds
        interleaved between the variants, each on its own distinct slots. Takes half of
        ``slots`` (the rest is left for ``bookings``)."""
        names = self.args.variantes.split(",")
        unknown = [part for name in names for part in name.split("+") if part not in VARIANTS]
        if unknown:
            raise SystemExit(f"variantes inconnues : {', '.join(unknown)} ({', '.join(VARIANTS)})")
        servers = {}
        for index, name in enumerate(names):
            servers[name] = self.start_server(f"variante{index}", self.port + 5 + index,
                                              self.env(**variant_env(name)))
        for server in servers.values():  # every worker warm, with its database connection
            for _ in range(server.workers * 3):
                load.get(server.port, slots[-1])
        rounds = self.args.variant_rounds
        share = len(slots) // 2 // (len(names) * rounds)
        taken, slots[:] = slots[:share * len(names) * rounds], slots[share * len(names) * rounds:]
        users, seconds = self.args.booking_users, self.args.booking_seconds
        lines = []
        for round_ in range(rounds):
            for index, (name, server) in enumerate(servers.items()):
                floor = load.wrk(f"{server.base_url}/__bench__/bare/", seconds=self.args.seconds,
                                 connections=self.args.connections, workdir=self.workdir,
                                 server_pids=self.server_pids(server))
                start = (round_ * len(names) + index) * share
                result = load.locust(
                    ["Booker"], host=server.base_url, users=users, seconds=seconds,
                    workdir=self.workdir, tag=f"variante{index}-{round_}",
                    server_pids=self.server_groups(server),
                    env=self.locust_env([], self._write_slots(
                        taken[start:start + share], f"variante{index}-{round_}")))
                flow = result.page(FLOW)
                done = flow.requests if flow else 0
                cpu = {kind: seconds_ * 1000 / max(done, 1)
                       for kind, seconds_ in result.server_cpu_s.items()}
                lines.append(
                    f"{name:<18} {round_ + 1:>4} {floor.rate:>8.0f} {floor.server_cpu_ms:>7.2f}ms "
                    f"{done / result.seconds:>6.1f} {sum(cpu.values()):>6.0f}ms "
                    + " ".join(f"{cpu.get(kind, 0):>5.0f}" for kind in
                               ("gunicorn", "PostgreSQL", "Redis", "Celery"))
                    + f" {result.locust_cpu_s * 1000 / max(done, 1):>6.0f}ms {result.errors:>5}"
                    f"  ({load_average()})")
        section("Variantes du serveur côte à côte (--variantes)")
        for name in names:
            print(f"  {name} : {', '.join(f'{k}={v}' for k, v in variant_env(name).items())}")
        print(f"\nPlancher = vue nue (wrk, {self.args.connections} connexions) ; réservations = "
              f"locust, {users} utilisateurs sans pause, {seconds} s ; CPU des serveurs par "
              "réservation, par sorte de processus ; tours entrelacés.")
        print(f"{'variante':<18} {'tour':>4} {'plancher':>8} {'CPU/req':>9} {'rés./s':>6} "
              f"{'CPU/rés.':>8} {'gunic':>5} {'PG':>5} {'Redis':>5} {'Celery':>6} "
              f"{'locust':>8} {'err.':>5}")
        for line in lines:
            print(line)
        for server in servers.values():
            server.stop()
            self.servers.remove(server)

    def advisors_with_password(self, count: int = 12) -> list[list[str]]:
        """Advisors of the data set given a password for the run (one hash for all: the hasher
        of production takes a while)."""
        lines = self.manage("shell", "-v0", "-c", (
            "from django.contrib.auth.hashers import make_password\n"
            "from advisors.models import Advisor\n"
            "from accounts.models import User\n"
            f"ids = list(Advisor.objects.order_by('pk').values_list('user_id', flat=True)"
            f"[:{count}])\n"
            f"User.objects.filter(pk__in=ids).update(password=make_password('{ADVISOR_PASSWORD}'))\n"
            "print('\\n'.join(User.objects.filter(pk__in=ids).values_list('email', flat=True)))"
        ), stream=False)
        return [[email, ADVISOR_PASSWORD] for email in lines if "@" in email]

    def mix(self, server: Gunicorn, slugs: list[str], slots: list[str]) -> None:
        classes = ["Browser", "Booker"]
        extra = {}
        status, _ms, _body = load.get(server.port, AGENDA_PATH)
        if status in (200, 302):  # the agenda exists (anonymous: sent to the login page)
            classes.append("Advisor")
            extra = {"BENCH_AGENDA_PATH": AGENDA_PATH,
                     "BENCH_ADVISORS": json.dumps(self.advisors_with_password())}
        result = load.locust(
            classes, host=server.base_url, users=self.args.mix_users,
            seconds=self.args.mix_seconds, workdir=self.workdir, tag="mix",
            env=self.locust_env(slugs, self._write_slots(slots, "mix"), BENCH_THINK="1",
                                BENCH_CANCEL_SHARE="0.3", **extra))
        print(f"\nScénario mixte ({self.args.mix_users} utilisateurs, {self.args.mix_seconds} s, "
              f"pauses d'environ 1 s : {', '.join(classes)}) :")
        print_pages(result)
        for failure in result.failures[:10]:
            print(f"   échec : {failure}")
        self.goals.append(Goal("Scénario mixte, erreurs", str(result.errors), "0",
                               result.errors == 0))

    def memory(self, server: Gunicorn) -> None:
        """Worker memory after many invalidations of the offers cache."""
        before = {pid: rss_mb(pid) for pid in server.worker_pids()}
        pages = ["/api/v1/structures/", "/rendez-vous/?lieu=33", "/rendez-vous/?mode=video",
                 "/rendez-vous/bench-0/"]
        for _ in range(self.args.invalidations):
            self.bump_offers()
            for _ in range(server.workers):
                for page in pages:
                    load.get(server.port, page)
        after = {pid: rss_mb(pid) for pid in server.worker_pids()}
        growth = max(after[pid] - before.get(pid, after[pid]) for pid in after)
        print(f"\nMémoire des workers (RSS) après {self.args.invalidations} invalidations du "
              f"cache : avant {min(before.values()):.0f}–{max(before.values()):.0f} Mo, après "
              f"{min(after.values()):.0f}–{max(after.values()):.0f} Mo.")
        self.goals.append(Goal("Mémoire d'un worker, croissance", f"{growth:.0f} Mo",
                               "≤ 30 Mo", growth <= 30))

    def connections(self, targets: dict) -> None:
        section("Connexions à PostgreSQL : les trois façons, côte à côte")
        servers = {}
        for index, (name, settings) in enumerate(CONNECTION_MODES.items()):
            servers[name] = self.start_server(f"conn{index}", self.port + 2 + index,
                                              self.env(**settings))
        compared = {k: targets[k] for k in ("plancher", "page", "json")}
        for server in servers.values():
            for path in compared.values():
                for _ in range(server.workers * 2):
                    load.get(server.port, path)
        runs: dict[tuple[str, str], list[load.Run]] = {}
        for _round in range(self.args.connection_rounds):
            for name, server in servers.items():
                for target, path in compared.items():
                    runs.setdefault((name, target), []).append(load.wrk(
                        f"{server.base_url}{path}", seconds=self.args.seconds,
                        connections=self.args.connections, workdir=self.workdir,
                        server_pids=self.server_pids(server)))
        print(f"{'mode':<28} {'cible':<10} {'req/s':>8} {'ratio':>7} {'p95':>8} {'CPU/req':>9}")
        for name in servers:
            floors = runs[name, "plancher"]
            for target in compared:
                target_runs = runs[name, target]
                ratio = load.median([r.rate / f.rate for r, f in zip(target_runs, floors,
                                                                      strict=True)])
                print(f"{name:<28} {target:<10} {load.median([r.rate for r in target_runs]):>8.0f}"
                      f" {ratio:>6.0%} {load.median([r.p95 for r in target_runs]):>6.1f}ms "
                      f"{load.median([r.server_cpu_ms for r in target_runs]):>7.2f}ms")
        self.restart(servers, compared["page"])
        for server in servers.values():
            server.stop()
            self.servers.remove(server)

    def restart(self, servers: dict[str, Gunicorn], path: str) -> None:
        """PostgreSQL restarted while every worker holds a connection; then each server's
        workers are asked again."""
        self.postgres.restart()
        print("\nPostgreSQL redémarré (pg_ctl restart -m fast) ; ensuite, par mode, "
              f"{self.args.after_restart} requêtes sur la page de créneaux :")
        for name, server in servers.items():
            statuses = [load.get(server.port, path)[0] for _ in range(self.args.after_restart)]
            errors = sum(status != 200 for status in statuses)
            print(f"  {name:<28} {errors} erreur(s)")
            if name == "connexions persistantes":
                self.goals.append(Goal("Après un redémarrage de PostgreSQL, erreurs",
                                       str(errors), "0", errors == 0))
        self.drain_outbox()

    def drain_outbox(self) -> None:
        """Every email queued during the run leaves through the Celery worker (which also lived
        through the restart). Only the run's own: a kept working directory may hold rows of an
        earlier run whose queue died with its Redis (the periodic sweep, not started here,
        would send those)."""
        import psycopg

        def unsent() -> int:
            with psycopg.connect(self.postgres.url.replace("postgres://", "postgresql://")) as c:
                row = c.execute("SELECT count(*) FROM bookings_notification "
                                "WHERE sent_at IS NULL AND created_at >= %s",
                                [self.started_at]).fetchone()
                return row[0] if row else 0
        with contextlib.suppress(RuntimeError):
            wait_for(lambda: unsent() == 0, "envoi des e-mails", 120)
        left = unsent()
        print(f"E-mails de la file non envoyés à la fin (worker Celery) : {left}")
        self.goals.append(Goal("E-mails de la file non envoyés à la fin", str(left), "0",
                               left == 0))


def print_pages(result: load.LocustResult) -> None:
    print(f"  {'page':<46} {'requêtes':>9} {'échecs':>7} {'p50':>7} {'p95':>7} {'p99':>7}")
    for page in result.pages:
        print(f"  {page.name:<46} {page.requests:>9} {page.failures:>7} {page.p50:>5.0f}ms "
              f"{page.p95:>5.0f}ms {page.p99:>5.0f}ms")


def load_average() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"charge moyenne {one:.1f} (1 min), {five:.1f} (5 min)"


def section(title: str) -> None:
    print(f"\n=== {title} ===", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 21700)))
    parser.add_argument("--workers", type=int, default=4, help="workers gunicorn")
    parser.add_argument("--runs", type=int, default=7, help="tours de bench_booking")
    parser.add_argument("--rounds", type=int, default=3, help="tours HTTP entrelacés")
    parser.add_argument("--seconds", type=int, default=5, help="durée d'une mesure wrk")
    parser.add_argument("--connections", type=int, default=8, help="connexions wrk")
    parser.add_argument("--cold-samples", type=int, default=9)
    parser.add_argument("--booking-users", type=int, default=12)
    parser.add_argument("--booking-seconds", type=int, default=20)
    parser.add_argument("--mix-users", type=int, default=20)
    parser.add_argument("--mix-seconds", type=int, default=30)
    parser.add_argument("--invalidations", type=int, default=30)
    parser.add_argument("--connection-rounds", type=int, default=2)
    parser.add_argument("--variantes", help="avec --only reservations : variantes du serveur "
                        f"comparées côte à côte, séparées par des virgules ({', '.join(VARIANTS)}"
                        " ; a+b les combine), ex. sync,gthread+serveur")
    parser.add_argument("--variant-rounds", type=int, default=2,
                        help="tours entrelacés des variantes")
    parser.add_argument("--after-restart", type=int, default=20)
    parser.add_argument("--profil", metavar="DIR",
                        help="profiler les workers gunicorn (benchmarks/gunicorn_profile.py) : "
                        "CPU de chaque requête et cProfile de chaque worker dans DIR ; le profil "
                        "ralentit chaque requête d'environ quatre fois")
    parser.add_argument("--keep-workdir", action="store_true",
                        help="garder le dossier de travail (base, journaux) à la fin")
    parser.add_argument("--workdir", help="mesurer à nouveau les données d'un dossier gardé")
    parser.add_argument("--only", choices=["http", "debit", "froid", "reservations"],
                        help="seulement le banc HTTP, ou seulement ses mesures de débit (et la "
                        "liste régionale froide), ou seulement la liste régionale froide, ou "
                        "seulement ses réservations")
    # Stopped from outside: the services it started are stopped too (``finally`` in ``run``).
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    return Bench(parser.parse_args(argv)).run()


if __name__ == "__main__":
    sys.exit(main())
