"""Benchmark of the first look of "Mon espace" with 5,000 published sheets.

Prints, side by side for 100 and 5,000 sheets, the median time and the SQL queries of:
the first look alone (engine on the young person's profile, titles, record of what was
shown), and the whole "Mon espace" page through Django's test client (the young person
logged in). Target: ≤ 150 ms median for the page with 5,000 sheets, queries not growing with
the number of sheets. Everything written is rolled back at the end. Run it with DEBUG off
(``make bench`` does): debug templates and console logs are not what production pays. The
process CPU time is printed too: on a shared machine the wall clock also counts waiting for a
core.
"""

import time
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from matching.first_look import first_look_for_youth, first_look_record_shown
from matching.management.commands.bench_matching import synthetic_fields
from matching.models import MobilityProfile
from programmes.models import ProgrammeSheet
from programmes.selectors import sheet_data_cache
from somobilite.benchtools import count_queries, median_ms, rolled_back

TARGET_MS = 150
ON = date(2026, 11, 23)


class Command(BaseCommand):
    help = "Mesure le « premier regard » de « Mon espace » avec 5 000 fiches (annulé ensuite)."

    def add_arguments(self, parser):
        parser.add_argument("--sheets", type=int, default=5000)
        parser.add_argument("--runs", type=int, default=21)

    def handle(self, *args, sheets, runs, **options):
        if ProgrammeSheet.objects.filter(slug__startswith="bench-").exists():
            raise CommandError("Des fiches « bench-… » existent déjà en base.")
        try:
            with rolled_back():
                self._run(synthetic_fields(sheets), runs=runs)
        finally:
            sheet_data_cache.clear()  # the rolled-back sheets must not stay in memory

    def _run(self, fields: list[dict], *, runs: int) -> None:
        youth = User.objects.create_user(email="bench.premier-regard@exemple.invalid",
                                         first_name="Banc", role=Role.YOUTH)
        profile = MobilityProfile.objects.create(
            user=youth, birth_date=date(2001, 6, 10), status="job_seeker", budget_eur=800,
            languages=[{"language": "en", "level": "B1"}], wish_domains=["volunteering"],
            wish_zones=["europe"])
        client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0])
        client.force_login(youth)
        url = reverse("youth:space")

        def first_look():
            look = first_look_for_youth(profile=profile, on=ON)
            first_look_record_shown(youth=youth, items=look.items, now=timezone.now())

        def page():
            response = client.get(url)
            if response.status_code != 200 or "premier-regard-titre" not in (
                    response.content.decode()):
                raise CommandError(f"« Mon espace » : réponse {response.status_code} "
                                   "sans le premier regard.")

        rows: dict[int, dict[str, float]] = {}
        for size in (100, len(fields)):
            ProgrammeSheet.objects.filter(slug__startswith="bench-").delete()
            ProgrammeSheet.objects.bulk_create(
                [ProgrammeSheet(**row) for row in fields[:size]], batch_size=1000)
            page()  # warm: the converted sheets are cached in the process
            rows[size] = {"look_ms": median_ms(first_look, runs),
                          "page_ms": median_ms(page, runs),
                          "page_cpu_ms": median_ms(page, runs, time.process_time),
                          "look_queries": count_queries(first_look),
                          "page_queries": count_queries(page)}
        self.stdout.write(f"Base {connection.vendor}, médianes sur {runs} essais, "
                          f"processus chaud (fiches converties en mémoire) :")
        self.stdout.write(f"{'':44}" + "".join(f"{f'{size} fiches':>16}" for size in rows))
        for key, label, unit in (("look_ms", "premier regard (moteur, titres, trace)", "ms"),
                                 ("page_ms", "page « Mon espace » complète", "ms"),
                                 ("page_cpu_ms", "  la même, en temps CPU du processus", "ms"),
                                 ("look_queries", "requêtes SQL du premier regard", ""),
                                 ("page_queries", "requêtes SQL de la page", "")):
            values = "".join(
                f"{rows[size][key]:>13.1f} ms" if unit else f"{rows[size][key]:>16}"
                for size in rows)
            self.stdout.write(f"{label:44}{values}")
        largest = rows[len(fields)]
        verdict = "atteint" if largest["page_ms"] <= TARGET_MS else "MANQUÉ"
        self.stdout.write(f"Objectif ≤ {TARGET_MS} ms pour la page avec {len(fields)} fiches : "
                          f"{verdict}")
        if len({row["page_queries"] for row in rows.values()}) != 1:
            raise CommandError("Le nombre de requêtes de la page dépend du nombre de fiches.")
