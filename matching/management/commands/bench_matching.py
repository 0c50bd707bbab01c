"""Benchmark of the matching engine: one profile against 5,000 synthetic sheets.

Prints the median time of ``match`` (target ≤ 50 ms), the time to load and convert the published
sheets from the database, and the SQL queries that load uses for 100 and for 5,000 sheets (it
must not grow). The sheets written to the database are rolled back at the end.
"""

import random
import statistics
import time
from datetime import date
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from matching import vocabulary as voc
from matching.engine import Profile, SheetData, Wishes, match
from programmes.models import ProgrammeSheet, Publication
from programmes.selectors import published_sheet_data

ON = date(2026, 11, 23)
PROFILE = Profile(
    birth_date=date(1996, 4, 12), nationality="FR", status="employee", education_level="bac+3",
    languages={"en": "B2", "es": "A2"}, budget_eur=3000,
    wishes=Wishes(domains=("working_holiday", "job"), zones=("oceania",), countries=("CA",),
                  duration_min_weeks=Decimal(26), duration_max_weeks=Decimal(52),
                  departure=date(2027, 9, 1)),
)


class _Rollback(Exception):
    pass


def synthetic_fields(count: int, seed: int = 42) -> list[dict]:
    """Deterministic, varied sheets (ProgrammeSheet field values)."""
    rng = random.Random(seed)
    countries = sorted(voc.all_country_codes())
    zones = [zone for zone in voc.Zone.values if zone != voc.Zone.WORLDWIDE]
    result = []
    for n in range(count):
        age_min = rng.choice([None, 16, 17, 18])
        low = Decimal(rng.choice([1, 2, 4, 8, 13, 26]))
        result.append({
            "slug": f"bench-{n:05d}",
            "title": f"Programme {n}",
            "summary": "Programme synthétique.",
            "domains": rng.sample(voc.Domain.values, rng.randint(1, 3)),
            "destination_zones": rng.sample(zones, rng.choice([0, 0, 1, 2])),
            "destination_countries": rng.sample(countries, rng.choice([1, 1, 3, 10])),
            "age_min": age_min,
            "age_max": rng.choice([None, 25, 30, 35]),
            "age_reference": rng.choice(voc.AgeReference.values),
            "disability_age_max": rng.choice([None, None, 35]),
            "statuses": rng.choice([["any"], ["student"], ["employee", "job_seeker"]]),
            "nationalities": rng.choice([None, ["FR"], ["EU"], ["EEA", "CH"]]),
            "education_min": rng.choice([None, None, "bac", "bac+2"]),
            "languages": [{"language": code, "level": rng.choice(voc.CefrLevel.values),
                           "required": rng.random() < 0.3}
                          for code in rng.sample(["en", "de", "es", "it", "ja"],
                                                 rng.randint(0, 2))],
            "duration_min_weeks": low,
            "duration_max_weeks": low + rng.choice([0, 4, 26, 52]),
            "budget_min_eur": rng.choice([None, 0, 500, 1700, 4000]),
            "application_deadline": rng.choice([None, date(2026, 10, 1), date(2027, 3, 1),
                                                date(2027, 12, 1)]),
            "url": f"https://example.org/bench-{n}",
            "publication": Publication.PUBLISHED,
        })
    return result


def _median_ms(func, runs: int, clock=time.perf_counter) -> float:
    timings = []
    for _ in range(runs):
        start = clock()
        func()
        timings.append((clock() - start) * 1000)
    return statistics.median(timings)


class Command(BaseCommand):
    help = "Mesure le temps du matching sur 5 000 fiches synthétiques et les requêtes SQL."

    def add_arguments(self, parser):
        parser.add_argument("--sheets", type=int, default=5000)
        parser.add_argument("--runs", type=int, default=21)

    def handle(self, *args, sheets, runs, **options):
        fields = synthetic_fields(sheets)
        data = [SheetData.from_fields(row) for row in fields]
        result = match(PROFILE, data, on=ON)
        engine_ms = _median_ms(lambda: match(PROFILE, data, on=ON), runs)
        # CPU time too: on a shared machine the wall clock also counts waiting for a core.
        engine_cpu_ms = _median_ms(lambda: match(PROFILE, data, on=ON), runs, time.process_time)
        self.stdout.write(f"match : 1 profil × {sheets} fiches : médiane {engine_ms:.1f} ms "
                          f"(temps CPU {engine_cpu_ms:.1f} ms) sur {runs} essais (objectif ≤ "
                          f"50 ms) — {len(result.results)} résultats, "
                          f"{len(result.near_misses)} quasi-résultats")
        explained_ms = _median_ms(lambda: match(PROFILE, data, on=ON).to_json(), runs)
        self.stdout.write(f"match + lignes d'explication de tous les résultats (JSON complet) : "
                          f"médiane {explained_ms:.1f} ms")
        convert_ms = _median_ms(lambda: [SheetData.from_fields(row) for row in fields], 5)
        self.stdout.write(f"conversion en SheetData (sans base) : médiane {convert_ms:.1f} ms")
        try:
            with transaction.atomic():
                self._database(fields, runs=5)
                raise _Rollback
        except _Rollback:
            pass

    def _database(self, fields: list[dict], *, runs: int) -> None:
        if ProgrammeSheet.objects.filter(slug__startswith="bench-").exists():
            raise CommandError("Des fiches « bench-… » existent déjà en base.")
        counts = {}
        for size in (100, len(fields)):
            ProgrammeSheet.objects.filter(slug__startswith="bench-").delete()
            ProgrammeSheet.objects.bulk_create(
                [ProgrammeSheet(**row) for row in fields[:size]], batch_size=1000)
            with CaptureQueriesContext(connection) as queries:
                published_sheet_data()
            counts[size] = len(queries)
        load_ms = _median_ms(published_sheet_data, runs)
        total = ProgrammeSheet.objects.published().count()
        self.stdout.write(f"chargement + conversion des {total} fiches publiées depuis la base "
                          f"({connection.vendor}) : médiane {load_ms:.1f} ms")
        self.stdout.write("requêtes SQL pour charger les fiches : "
                          + ", ".join(f"{n} fiches → {c}" for n, c in counts.items()))
        if len(set(counts.values())) != 1:
            raise CommandError("Le nombre de requêtes dépend du nombre de fiches.")
