"""Benchmark of the matching panel of the interview screen, as an advisor's browser asks for
it: the whole request (access checks, profile read and access log, engine over the published
sheets, the shown sheets loaded, the page rendered) with 5,000 published sheets.

Target (issue 12): ≤ 150 ms median. Prints the median and the 90th percentile of the warm
request (sheets cached in process memory, as in production after the first request), the
first (cold) request, and the SQL queries for 100 and for 5,000 sheets (they must not grow).
Everything written is rolled back at the end.
"""

import datetime as dt
import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from advisors.models import Advisor, Structure, StructureStatus
from bookings.models import Appointment, AppointmentStatus, Mode
from matching.management.commands.bench_matching import synthetic_fields
from matching.models import MobilityProfile
from programmes.models import ProgrammeSheet
from programmes.selectors import sheet_data_cache
from somobilite.benchtools import rolled_back

TARGET_MS = 150


class Command(BaseCommand):
    help = "Mesure le temps du panneau de matching (page complète) avec 5 000 fiches publiées."

    def add_arguments(self, parser):
        parser.add_argument("--sheets", type=int, default=5000)
        parser.add_argument("--runs", type=int, default=21)

    def handle(self, *args, sheets, runs, **options):
        if ProgrammeSheet.objects.filter(slug__startswith="bench-").exists():
            raise CommandError("Des fiches « bench-… » existent déjà en base.")
        try:
            with rolled_back():
                self._run(sheets, runs)
        finally:
            sheet_data_cache.clear()  # the rolled-back sheets must not stay in memory

    def _world(self) -> tuple[User, str]:
        now = timezone.now()
        structure = Structure.objects.create(
            legal_name="Banc d'essai", public_name="Banc d'essai", slug="bench-panel",
            siret="73282932000074", address="1 place de la Mairie", postal_code="33000",
            commune="Bordeaux", departement="33", phone="+33556000000",
            email="bench@exemple.fr", status=StructureStatus.ACTIVE)
        advisor_user = User.objects.create_user(email="bench-conseil@exemple.fr",
                                                role=Role.ADVISOR, first_name="Banc")
        advisor = Advisor.objects.create(user=advisor_user, structure=structure,
                                         designated_on=now.date() - dt.timedelta(days=30))
        youth = User.objects.create_user(email="bench-jeune@exemple.fr", role=Role.YOUTH,
                                         first_name="Essai")
        MobilityProfile.objects.create(
            user=youth, birth_date=dt.date(1999, 4, 12), nationality="FR", status="employee",
            education_level="bac+3", languages=[{"language": "en", "level": "B2"}],
            budget_eur=3000, wish_domains=["working_holiday", "job"], wish_zones=["oceania"],
            wish_countries=["CA"], wish_departure=now.date() + dt.timedelta(days=200))
        starts_at = now - dt.timedelta(minutes=20)
        appointment = Appointment.objects.create(
            advisor=advisor, structure=structure, youth=youth, starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=1), mode=Mode.IN_PERSON,
            status=AppointmentStatus.CONFIRMED, confirmed_at=now - dt.timedelta(days=3),
            first_name="Essai", last_name="Banc", youth_status="employee",
            consent_at=now - dt.timedelta(days=3), consent_text_version="bench")
        return advisor_user, reverse("backoffice:matching", args=[appointment.public_id])

    def _run(self, sheets: int, runs: int) -> None:
        advisor_user, url = self._world()
        client = Client(HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0].lstrip("."))
        client.force_login(advisor_user)
        fields = synthetic_fields(sheets)
        queries: dict[int, int] = {}
        for size in (100, sheets):
            ProgrammeSheet.objects.filter(slug__startswith="bench-").delete()
            ProgrammeSheet.objects.bulk_create(
                [ProgrammeSheet(**row) for row in fields[:size]], batch_size=1000)
            sheet_data_cache.clear()
            start = time.perf_counter()
            response = client.get(url)
            cold_ms = (time.perf_counter() - start) * 1000
            if response.status_code != 200:
                raise CommandError(f"Le panneau répond {response.status_code}.")
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            queries[size] = len(captured)
        timings, cpu = [], []
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        median = statistics.median(timings)
        p90 = statistics.quantiles(timings, n=10)[-1] if len(timings) > 1 else timings[0]
        verdict = "OK" if median <= TARGET_MS else "NON"  # the convention of `make bench`
        self.stdout.write(
            f"panneau de matching (page complète), base {connection.vendor}, {sheets} fiches "
            f"publiées : médiane {median:.1f} ms, 90e centile {p90:.1f} ms sur {runs} "
            f"requêtes (temps CPU du processus : médiane {statistics.median(cpu):.1f} ms ; sur "
            f"une machine partagée l'horloge compte aussi l'attente d'un cœur) ; première "
            f"requête (fiches chargées de la base) {cold_ms:.1f} ms ; objectif ≤ {TARGET_MS} ms "
            f"{verdict}")
        for size, count in queries.items():
            self.stdout.write(f"requêtes SQL pour {size} fiches : {count}")
        if len(set(queries.values())) != 1:
            raise CommandError("Le nombre de requêtes dépend du nombre de fiches.")
