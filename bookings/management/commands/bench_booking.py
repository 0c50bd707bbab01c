"""Benchmark of the booking reads on a large data set (not a timed test).

Builds 150 structures, 400 advisors with weekly availability, 100,000 past and 5,000 future
appointments (bulk inserts), then measures in the same run, as the median of several runs:

- the floor: a bare Django view through the project's middleware (django.test.Client);
- the free slots of one structure over the horizon: the selector, the page and the JSON;
- the region-wide list of next free slots: the selector, and the public JSON when it exists;

each in milliseconds, as a ratio to the floor, and with its number of SQL queries. Measures that
read the offers cache (``bookings.slots.cache``) are taken twice: cold (the cache invalidated
before each run, as after any change of availability) and warm. The data goes into a throwaway
database (``bench_<name>`` on PostgreSQL, in memory on SQLite) dropped at the end; with
``--keep`` it goes into the configured database and stays, and ``--reuse`` measures again the
data a ``--keep`` run left there.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
import types
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.http import HttpResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, include, path, reverse
from django.utils import timezone

from accounts.models import Role, User
from advisors.models import (
    Advisor,
    Convention,
    Structure,
    StructureStatus,
    TrainingAttendance,
    TrainingKind,
    TrainingSession,
)
from bookings.models import Appointment, AppointmentStatus, RecurringAvailability
from bookings.slots import (
    PARIS,
    free_slots_for_structure,
    next_free_slot_by_structure,
    next_free_slot_by_structure_and_mode,
)
from bookings.slots import cache as slot_cache
from somobilite import clock

DEPARTEMENTS = ["16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"]
PREFIX = "bench"


def _bare_view(request):
    return HttpResponse("ok")


def _bench_urlconf() -> types.ModuleType:
    """The project's URLs plus the bare view, for this run only."""
    module = types.ModuleType("bench_booking_urls")
    vars(module)["urlpatterns"] = [path("__bench__/bare/", _bare_view, name="bench_bare"),
                                   path("", include(settings.ROOT_URLCONF))]
    return module


class Command(BaseCommand):
    help = "Mesure la vitesse des créneaux libres sur un gros jeu de données (voir le code)."

    def add_arguments(self, parser):
        parser.add_argument("--structures", type=int, default=150)
        parser.add_argument("--advisors", type=int, default=400)
        parser.add_argument("--past", type=int, default=100_000)
        parser.add_argument("--future", type=int, default=5_000)
        parser.add_argument("--runs", type=int, default=15)
        parser.add_argument("--keep", action="store_true",
                            help="Garder les données créées (sinon tout est annulé à la fin).")
        parser.add_argument("--reuse", action="store_true",
                            help="Mesurer les données laissées par un --keep précédent.")

    def handle(self, *args, **options):
        if options["reuse"]:
            self._run(options)
            return
        if options["keep"]:
            if Structure.objects.filter(slug__startswith=f"{PREFIX}-").exists():
                self.stderr.write("Des données de benchmark existent déjà : utilisez une base "
                                  "vide, ou lancez sans --keep (base jetable).")
                return
            self._run(options)
            return
        # A throwaway database next to the configured one, migrated, dropped at the end.
        settings_dict = connection.settings_dict
        old_name = settings_dict["NAME"]
        settings_dict.setdefault("TEST", {})["NAME"] = (
            None if connection.vendor == "sqlite" else f"bench_{old_name}")
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            self._run(options)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            self.stdout.write("Base jetable supprimée.")

    # --- data ---------------------------------------------------------------------------

    def _build(self, options, now: dt.datetime) -> Structure:
        started = time.perf_counter()
        n_structures, n_advisors = options["structures"], options["advisors"]
        structures = Structure.objects.bulk_create([
            Structure(legal_name=f"Association banc d'essai {i}", public_name=f"Banc {i}",
                      slug=f"{PREFIX}-{i}", siret="73282932000074", address="1 rue du Test",
                      postal_code=f"{DEPARTEMENTS[i % 12]}000", commune="Testville",
                      departement=DEPARTEMENTS[i % 12], phone="+33500000000",
                      email=f"s{i}@{PREFIX}.test", status=StructureStatus.ACTIVE)
            for i in range(n_structures)])
        Convention.objects.bulk_create([
            Convention(structure=s, crij_signatory_name="X", crij_signatory_title="X",
                       partner_signatory_name="Y", partner_signatory_title="Y",
                       signed_on=dt.date(2024, 3, 1), services_start_on=dt.date(2024, 3, 21))
            for s in structures])
        users = User.objects.bulk_create([
            User(email=f"conseil{i}@{PREFIX}.test", role=Role.ADVISOR, password="!")
            for i in range(n_advisors)])
        session = TrainingSession.objects.create(kind=TrainingKind.INITIAL, title="Banc",
                                                 date=dt.date(2024, 3, 10), place="Banc")
        TrainingAttendance.objects.bulk_create([
            TrainingAttendance(session=session, user=u, attended=True) for u in users])
        advisors = Advisor.objects.bulk_create([
            Advisor(user=u, structure=structures[i % n_structures],
                    designated_on=dt.date(2024, 3, 1)) for i, u in enumerate(users)])
        rules = []
        for i, advisor in enumerate(advisors):
            rules.append(RecurringAvailability(
                advisor=advisor, weekday=i % 5, start_time=dt.time(9), end_time=dt.time(12),
                valid_from=dt.date(2024, 1, 1), offers_in_person=True, offers_video=True,
                offers_phone=True))
            rules.append(RecurringAvailability(
                advisor=advisor, weekday=(i + 2) % 5, start_time=dt.time(14),
                end_time=dt.time(16), valid_from=dt.date(2024, 1, 1), offers_in_person=False,
                offers_video=True, offers_phone=True))
        RecurringAvailability.objects.bulk_create(rules)
        youths = User.objects.bulk_create([
            User(email=f"jeune{i}@{PREFIX}.test", role=Role.YOUTH, password="!")
            for i in range(2_000)])
        self._appointments(advisors, youths, now, options["past"], options["future"])
        if connection.vendor == "postgresql" and connection.get_autocommit():
            # The steady state autovacuum gives: statistics and visibility map up to date.
            with connection.cursor() as cursor:
                for model in (Structure, Convention, Advisor, User, TrainingAttendance,
                              RecurringAvailability, Appointment):
                    cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')
        self.stdout.write(
            f"Données : {n_structures} structures, {n_advisors} conseiller·ères, "
            f"{len(rules)} disponibilités récurrentes, {options['past']} rendez-vous passés, "
            f"{options['future']} à venir ({time.perf_counter() - started:.1f} s)")
        return max(structures, key=lambda s: sum(a.structure_id == s.pk for a in advisors))

    def _appointments(self, advisors, youths, now, n_past, n_future) -> None:
        """Spread appointments on the advisors' weekly slots (never two on one slot)."""
        today = now.astimezone(PARIS).date()
        monday = today - dt.timedelta(days=today.weekday())
        hours = [(0, 9), (0, 10), (0, 11), (2, 14), (2, 15)]  # (weekday offset, hour)

        def slots(advisor_index: int, weeks: range):
            for week in weeks:
                for offset, hour in hours:
                    day = monday + dt.timedelta(weeks=week, days=(advisor_index + offset) % 5)
                    yield dt.datetime.combine(day, dt.time(hour), tzinfo=PARIS)

        def build(count: int, weeks: range, status: str, keep: Callable[[dt.datetime], bool]):
            batch, made, index = [], 0, 0
            generators = [slots(i, weeks) for i in range(len(advisors))]
            exhausted: set[int] = set()
            while made < count and len(exhausted) < len(advisors):
                i = index % len(advisors)
                starts_at = next(generators[i], None)
                index += 1
                if starts_at is None:
                    exhausted.add(i)
                    continue
                if not keep(starts_at):
                    continue
                advisor = advisors[i]
                batch.append(Appointment(
                    advisor=advisor, structure_id=advisor.structure_id,
                    youth=youths[made % len(youths)], starts_at=starts_at,
                    ends_at=clock.after(starts_at, dt.timedelta(hours=1)), mode="video",
                    status=status, confirmed_at=clock.before(starts_at, dt.timedelta(days=3)),
                    first_name="Jeune", last_name="Banc", birth_date=dt.date(2004, 1, 1),
                    postal_code="33000", departement="33", youth_status="student",
                    consent_at=now,
                    consent_text_version="bench",
                    reminder_due_at=clock.before(starts_at, dt.timedelta(hours=24))))
                made += 1
                if len(batch) == 5_000:
                    Appointment.objects.bulk_create(batch)
                    batch = []
            Appointment.objects.bulk_create(batch)

        build(n_past, range(-70, 0), AppointmentStatus.DONE, lambda s: s < now)
        build(n_future, range(0, 9), AppointmentStatus.CONFIRMED,
              lambda s: s > clock.after(now, dt.timedelta(hours=48)))

    # --- measures -------------------------------------------------------------------------

    def _measure(self, runs: int, lines: list[tuple[Callable[[], Any], bool]],
                 ) -> list[tuple[float, int, Any]]:
        """Median time, queries of the last run and its result, per line (function, cold).

        Lines are measured in turn within each round, so that the noise of a shared machine
        weighs on all of them alike; a cold line invalidates the offers cache first (outside
        the timing), and the warm line of the same measure comes right after it."""
        for func, _cold in lines:
            func()  # warm up (caches, holidays table, template loading)
        timings: list[list[float]] = [[] for _ in lines]
        last: list[tuple[int, Any]] = [(0, None)] * len(lines)
        for _ in range(runs):
            for index, (func, cold) in enumerate(lines):
                if cold:
                    slot_cache.bump_availability_version()
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    result = func()
                    timings[index].append((time.perf_counter() - started) * 1000)
                last[index] = (len(queries), result)
        return [(statistics.median(times), queries, result)
                for times, (queries, result) in zip(timings, last, strict=True)]

    def _structure(self, options, now: dt.datetime) -> Structure:
        if not options["reuse"]:
            structure = self._build(options, now)
        else:
            found = (Structure.objects.filter(slug__startswith=f"{PREFIX}-")
                     .annotate(n=Count("advisors")).order_by("-n", "pk").first())
            if found is None:
                raise CommandError("Aucune donnée de benchmark : lancez d'abord avec --keep.")
            structure = found
        # Bulk inserts send no signal: forget offers cached for an older data set.
        slot_cache.bump_availability_version()
        return structure

    def _run(self, options) -> None:
        now = timezone.now()
        structure = self._structure(options, now)
        runs = options["runs"]
        start, end = now, clock.after(now, dt.timedelta(weeks=settings.BOOKING_HORIZON_WEEKS))
        weeks = settings.BOOKING_HORIZON_WEEKS
        client = Client()
        one_structure = "≤ 10× plancher"
        region = "≤ 100 ms"

        def get(url: str) -> Callable[[], HttpResponse]:
            def call():
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                return response
            return call

        # (label, function, reads the offers cache, target)
        measures: list[tuple[str, Callable[[], Any], bool, str]] = [
            ("Vue Django nue (plancher)", get("/__bench__/bare/"), False, ""),
            ("Référence : une requête ORM triviale (structure par slug)",
             lambda: Structure.objects.get(slug=structure.slug), False, ""),
            (f"Créneaux d'une structure sur {weeks} semaines (sélecteur)",
             lambda: free_slots_for_structure(structure=structure, start=start, end=end,
                                              now=timezone.now()), True, ""),
        ]
        pages = [
            ("Créneaux d'une structure (page)", "bookings:structure_slots", [structure.slug], "",
             one_structure),
            (f"Créneaux d'une structure (JSON, {weeks} semaines)",
             "api:structure_slots", [structure.slug],
             f"?from={start.astimezone(PARIS).date()}&to={end.astimezone(PARIS).date()}",
             one_structure),
        ]
        region_pages: list[tuple[str, str, list[str], str, str]] = [
            ("Liste régionale (JSON /api/v1/structures/)", "api:structures", [], "", ""),
            ("Liste régionale (page de recherche)", "bookings:search", [], "", ""),
        ]
        with override_settings(ROOT_URLCONF=_bench_urlconf(),
                               ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            for label, name, args, query, target in pages:
                try:
                    measures.append((label, get(reverse(name, args=args) + query), True, target))
                except NoReverseMatch:
                    self.stdout.write(f"{label} : vue absente, non mesurée.")
            measures.append(("Prochain créneau libre, toute la région (sélecteur)",
                             lambda: next_free_slot_by_structure(now=timezone.now()), True,
                             region))
            measures.append(("Prochain créneau par modalité, toute la région (sélecteur)",
                             lambda: next_free_slot_by_structure_and_mode(now=timezone.now()),
                             True, region))
            for label, name, args, query, target in region_pages:
                try:
                    measures.append((label, get(reverse(name, args=args) + query), True, target))
                except NoReverseMatch:
                    self.stdout.write(f"{label} : vue absente, non mesurée.")

            lines = [(label, func, cold, target)
                     for label, func, cached, target in measures
                     for cold in ((True, False) if cached else (None,))]
            results = self._measure(runs, [(func, bool(cold)) for _l, func, cold, _t in lines])
            floor = results[0][0]
            self.stdout.write(f"\n{'Mesure':<68} {'cache':<6} {'médiane':>9} {'× plancher':>11} "
                              f"{'requêtes':>9}  {'cible':<16}")
            for (label, _func, cold, target), (median, queries, result) in zip(
                lines, results, strict=True
            ):
                ratio = median / floor
                verdict = ""
                if target and cold is False:
                    met = ratio <= 10 if target == one_structure else median <= 100
                    verdict = f"{target} {'OK' if met else 'NON'}"
                extra = (f"  ({len(result)} résultats)" if isinstance(result, list | dict)
                         else "")
                state = {True: "froid", False: "chaud", None: "-"}[cold]
                self.stdout.write(f"{label:<68} {state:<6} {median:>7.2f} ms {ratio:>10.1f} "
                                  f"{queries:>9}  {verdict:<16}{extra}")
        self.stdout.write(f"\nBase : {connection.vendor}, cache : "
                          f"{settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}, "
                          f"{runs} tours, mesures entrelacées (médiane). Froid : cache des "
                          "créneaux offerts invalidé avant chaque mesure ; chaud : déjà rempli.")
