"""Benchmark of the matching engine: one profile against 5,000 synthetic sheets.

Prints the median time of ``match`` (target ≤ 50 ms), of ``match`` plus the explanation lines
of the results shown (``--limit``, 20 by default), and, side by side, a request's cold path
(the sheets loaded and converted from the database) and warm path (the sheets cached in
process memory, only a version query), with the SQL queries each uses for 100 and for 5,000
sheets (they must not grow). The sheets written to the database are rolled back at the end.
"""

import random
import time
from datetime import date
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matching.engine import Profile, Wishes, match
from programmes.models import ProgrammeSheet, Publication
from programmes.selectors import published_sheet_data, sheet_data_cache
from programmes.sheet_data import SheetData
from somobilite.benchtools import median_ms, rolled_back
from vocabulary import codes as voc

ON = date(2026, 11, 23)
PROFILE = Profile(
    birth_date=date(1996, 4, 12), nationality="FR", status="employee", education_level="bac+3",
    languages={"en": "B2", "es": "A2"}, budget_eur=3000, postal_code="33000",
    wishes=Wishes(domains=("working_holiday", "job"), zones=("oceania",), countries=("CA",),
                  duration_min_weeks=Decimal(26), duration_max_weeks=Decimal(52),
                  departure=date(2027, 9, 1)),
)


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
            "residence_departements": rng.choice([None] * 8 + [["33"], ["87", "86"]]),
            **rng.choice([{"verification": "verified", "verification_note": ""},
                          {"verification": "to_verify",
                           "verification_note": "les conditions de l'année."}]),
            "last_reviewed": rng.choice([None, date(2026, 1, 15), date(2026, 10, 1)]),
            "url": f"https://example.org/bench-{n}",
            "publication": Publication.PUBLISHED,
        })
    return result


class Command(BaseCommand):
    help = "Mesure le temps du matching sur 5 000 fiches synthétiques et les requêtes SQL."

    def add_arguments(self, parser):
        parser.add_argument("--sheets", type=int, default=5000)
        parser.add_argument("--runs", type=int, default=21)
        parser.add_argument("--limit", type=int, default=20,
                            help="résultats affichés, donc expliqués")

    def handle(self, *args, sheets, runs, limit, **options):
        self.limit = limit
        fields = synthetic_fields(sheets)
        data = [SheetData.from_fields(row) for row in fields]
        result = match(PROFILE, data, on=ON)
        engine_ms = median_ms(lambda: match(PROFILE, data, on=ON), runs)
        # CPU time too: on a shared machine the wall clock also counts waiting for a core.
        engine_cpu_ms = median_ms(lambda: match(PROFILE, data, on=ON), runs, time.process_time)
        self.stdout.write(f"match : 1 profil × {sheets} fiches : médiane {engine_ms:.1f} ms "
                          f"(temps CPU {engine_cpu_ms:.1f} ms) sur {runs} essais — "
                          f"{len(result.results)} résultats, "
                          f"{len(result.near_misses)} quasi-résultats ; objectif ≤ 50 ms "
                          f"{'OK' if engine_ms <= 50 else 'NON'}")
        shown_ms = median_ms(lambda: match(PROFILE, data, on=ON).to_json(limit=limit), runs)
        self.stdout.write(f"match + explications des {limit} premiers résultats et "
                          f"quasi-résultats (ce qui est affiché) : médiane {shown_ms:.1f} ms")
        explained_ms = median_ms(lambda: match(PROFILE, data, on=ON).to_json(), runs)
        self.stdout.write(f"match + explications de tous les résultats (JSON complet) : "
                          f"médiane {explained_ms:.1f} ms")
        convert_ms = median_ms(lambda: [SheetData.from_fields(row) for row in fields], 5)
        self.stdout.write(f"conversion en SheetData (sans base) : médiane {convert_ms:.1f} ms")
        with rolled_back():
            self._database(fields, runs=runs)

    def _database(self, fields: list[dict], *, runs: int) -> None:
        if ProgrammeSheet.objects.filter(slug__startswith="bench-").exists():
            raise CommandError("Des fiches « bench-… » existent déjà en base.")

        def cold():
            sheet_data_cache.clear()
            return published_sheet_data()

        def request(load):
            return lambda: match(PROFILE, load(), on=ON).to_json(limit=self.limit)

        counts: dict[str, dict[int, int]] = {"cold": {}, "warm": {}}
        for size in (100, len(fields)):
            ProgrammeSheet.objects.filter(slug__startswith="bench-").delete()
            ProgrammeSheet.objects.bulk_create(
                [ProgrammeSheet(**row) for row in fields[:size]], batch_size=1000)
            for name, load in (("cold", cold), ("warm", published_sheet_data)):
                with CaptureQueriesContext(connection) as queries:
                    load()
                counts[name][size] = len(queries)
        total = ProgrammeSheet.objects.published().count()
        load_ms = {"cold": median_ms(cold, runs), "warm": median_ms(published_sheet_data, runs)}
        full = {"cold": median_ms(request(cold), runs),
                "warm": median_ms(request(published_sheet_data), runs)}
        self.stdout.write(f"Base {connection.vendor}, {total} fiches publiées, médianes sur "
                          f"{runs} essais :")
        self.stdout.write(f"{'':58}{'à froid':>12}{'à chaud':>12}")
        self.stdout.write(f"{'chargement des fiches (base → SheetData)':58}"
                          f"{load_ms['cold']:>9.1f} ms{load_ms['warm']:>9.1f} ms")
        self.stdout.write(f"{f'requête complète (chargement + match + {self.limit} expliqués)':58}"
                          f"{full['cold']:>9.1f} ms{full['warm']:>9.1f} ms")
        for size in counts["cold"]:
            self.stdout.write(f"{f'requêtes SQL pour {size} fiches':58}"
                              f"{counts['cold'][size]:>12}{counts['warm'][size]:>12}")
        sheet_data_cache.clear()  # the rolled-back sheets must not stay in memory
        if any(len(set(by_size.values())) != 1 for by_size in counts.values()):
            raise CommandError("Le nombre de requêtes dépend du nombre de fiches.")
