"""Benchmark of the annual report on a year of a large network (not a timed test; ``make bench``
runs it).

Builds, with bulk inserts, in a throwaway database (``bench_report_<name>`` on PostgreSQL,
dropped at the end): 150 structures in the 12 départements, 400 advisors with weekly
availability, 20,000 young people, 100,000 interviews over last year (outcomes, modes, ages,
situations and domains mixed), 8,000 selections of programmes, training sessions, a
questionnaire for one held interview in three (half answered). ``--keep-db`` keeps that
database for the next run, which reuses it. Then measures, against the issue's goals:

- the figures (``annual_figures``): median of three runs, goal ≤ 5 s;
- the whole report (figures, PDF, CSV files), as ``manage.py annual_report`` in a fresh
  process: wall time, goal ≤ 60 s, and the memory of that process with its worker processes
  laying out the PDF's parts: the peak of their summed proportional set sizes (PSS, from
  ``/proc/PID/smaps_rollup`` every 0.1 s: pages the forked workers share with their parent
  count once), goal ≤ 500 MB. Also printed: the largest single process's peak RSS
  (``wait4``) and each process's peak RSS as the command prints them.

Each line ends with OK or NON.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
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
from evaluations.models import Evaluation
from matching.models import ProgrammeRecommendation
from programmes.models import ProgrammeSheet
from reports.figures import annual_figures
from somobilite import clock

DEPARTEMENTS = ["16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"]
PARIS = clock.PARIS
FIGURES_GOAL_S, PDF_GOAL_S, MEMORY_GOAL_MB = 5.0, 60.0, 500.0
#: (weekday offset, hour) of an advisor's five weekly slots (as bench_booking).
HOURS = [(0, 9), (0, 10), (0, 11), (2, 14), (2, 15)]
STATUSES = ([AppointmentStatus.DONE] * 70 + [AppointmentStatus.NO_SHOW] * 10
            + [AppointmentStatus.LATE_CANCELLED] * 5 + [AppointmentStatus.CANCELLED_BY_YOUTH] * 10
            + [AppointmentStatus.CANCELLED_BY_STRUCTURE] * 5)
CONFIRMED = {AppointmentStatus.DONE, AppointmentStatus.NO_SHOW, AppointmentStatus.LATE_CANCELLED}
DOMAINS = ["studies", "internship", "job", "volunteering", "exchange", "working_holiday",
           "au_pair", "language_stay"]
YOUTH_STATUSES = ["student", "pupil", "job_seeker", "employee", "vet_apprentice", "inactive"]


def verdict(ok: bool) -> str:
    return "OK" if ok else "NON"


class _MemorySampler(threading.Thread):
    """Reads, every 0.1 s until stopped, the summed PSS (kilobytes) of a process and its
    descendants, keeping the peak in ``peak_kb``."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self._stop_event = pid, 0, threading.Event()

    def _tree(self, pid: int) -> list[int]:
        pids = [pid]
        for children in Path(f"/proc/{pid}/task").glob("*/children"):
            try:
                pids += [p for child in children.read_text().split()
                         for p in self._tree(int(child))]
            except OSError:
                continue
        return pids

    def _pss_kb(self, pid: int) -> int:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:  # the process has ended
            return 0
        match = re.search(r"^Pss:\s+(\d+) kB", text, re.MULTILINE)
        return int(match.group(1)) if match else 0

    def run(self) -> None:
        while not self._stop_event.wait(0.1):
            self.peak_kb = max(self.peak_kb, sum(self._pss_kb(p) for p in self._tree(self.pid)))

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


class Command(BaseCommand):
    help = "Mesure le bilan annuel sur une année d'un grand réseau (voir le code)."

    def add_arguments(self, parser):
        parser.add_argument("--structures", type=int, default=150)
        parser.add_argument("--advisors", type=int, default=400)
        parser.add_argument("--interviews", type=int, default=100_000)
        parser.add_argument("--keep-pdf", type=Path,
                            help="copier le PDF produit à cet endroit (pour le regarder)")
        parser.add_argument("--keep-db", action="store_true",
                            help="garder la base jetable à la fin et la réutiliser si elle "
                                 "existe déjà (mesurer avant/après sans tout reconstruire)")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Ce banc mesure le rendu dans un processus neuf : il lui faut "
                               "PostgreSQL (DATABASE_URL).")
        settings_dict = connection.settings_dict
        old_name = settings_dict["NAME"]
        settings_dict.setdefault("TEST", {})["NAME"] = f"bench_report_{old_name}"
        keep = options["keep_db"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False,
                                           keepdb=keep)
        try:
            self._run(options)
        finally:
            if keep:
                self.stdout.write(f"Base jetable gardée : {settings_dict['NAME']}.")
            else:
                connection.creation.destroy_test_db(old_name, verbosity=0)
                self.stdout.write("Base jetable supprimée.")

    # --- data ---------------------------------------------------------------------------

    def _build(self, options, year: int) -> None:
        started = time.perf_counter()
        rng = random.Random(2026)
        n_structures, n_advisors = options["structures"], options["advisors"]
        structures = Structure.objects.bulk_create([
            Structure(legal_name=f"Association bilan {i}", public_name=f"Info Jeunes Banc {i}",
                      slug=f"bilan-{i}", siret="73282932000074", address="1 rue du Test",
                      postal_code=f"{DEPARTEMENTS[i % 12]}000", commune="Testville",
                      departement=DEPARTEMENTS[i % 12], phone="+33500000000",
                      email=f"s{i}@bilan.test", status=StructureStatus.ACTIVE)
            for i in range(n_structures)])
        conventions = []
        for i, s in enumerate(structures):
            signed = dt.date(year - 2, 3, 1) if i % 10 else dt.date(year, 2, 1)
            conventions.append(Convention(
                structure=s, crij_signatory_name="X", crij_signatory_title="X",
                partner_signatory_name="Y", partner_signatory_title="Y", signed_on=signed,
                services_start_on=signed + dt.timedelta(days=14),
                termination_letter_received_on=dt.date(year, 9, 1) if i % 25 == 7 else None))
        Convention.objects.bulk_create(conventions)
        users = User.objects.bulk_create([
            User(email=f"conseil{i}@bilan.test", role=Role.ADVISOR, password="!")
            for i in range(n_advisors)])
        sessions = TrainingSession.objects.bulk_create(
            [TrainingSession(kind=TrainingKind.INITIAL, title=f"Formation initiale {m}",
                             date=dt.date(year - 1 if m < 6 else year, m % 12 + 1, 10),
                             place="CRIJ, Bordeaux") for m in range(12)]
            + [TrainingSession(kind=TrainingKind.NETWORK_EVENT, title=f"Temps collectif {m}",
                               date=dt.date(year, m, 20), place="À distance")
               for m in (3, 6, 10)])
        initial = [s for s in sessions if s.kind == TrainingKind.INITIAL]
        events = [s for s in sessions if s.kind == TrainingKind.NETWORK_EVENT]
        TrainingAttendance.objects.bulk_create(
            [TrainingAttendance(session=initial[i % 6], user=u, attended=True)
             for i, u in enumerate(users)]
            + [TrainingAttendance(session=e, user=u, attended=bool(i % 3))
               for e in events for i, u in enumerate(users[:120])])
        advisors = Advisor.objects.bulk_create([
            Advisor(user=u, structure=structures[i % n_structures],
                    designated_on=dt.date(year - 2, 3, 1)) for i, u in enumerate(users)])
        rules = []
        for i, advisor in enumerate(advisors):
            rules.append(RecurringAvailability(
                advisor=advisor, weekday=i % 5, start_time=dt.time(9), end_time=dt.time(12),
                valid_from=dt.date(year - 1, 1, 1), offers_in_person=True, offers_video=True,
                offers_phone=True))
            rules.append(RecurringAvailability(
                advisor=advisor, weekday=(i + 2) % 5, start_time=dt.time(14),
                end_time=dt.time(16), valid_from=dt.date(year - 1, 1, 1),
                offers_in_person=False, offers_video=True, offers_phone=True))
        RecurringAvailability.objects.bulk_create(rules)
        youths = User.objects.bulk_create([
            User(email=f"jeune{i}@bilan.test", role=Role.YOUTH, password="!")
            for i in range(20_000)])
        self._interviews(advisors, youths, year, options["interviews"], rng)
        sheets = ProgrammeSheet.objects.bulk_create([
            ProgrammeSheet(slug=f"fiche-{i}", title=f"Programme de mobilité n° {i}",
                           summary="Fiche du banc.", url="https://example.org/",
                           organiser="Banc", publication="published",
                           last_reviewed=dt.date(year, 1, 1)) for i in range(60)])
        recommendations = ProgrammeRecommendation.objects.bulk_create([
            ProgrammeRecommendation(
                youth=youths[i % len(youths)], advisor=users[i % n_advisors],
                structure=structures[i % n_structures],
                created_at=dt.datetime(year, 1 + i % 12, 1 + i % 28, 15, tzinfo=PARIS))
            for i in range(8_000)])
        through = ProgrammeRecommendation.sheets.through
        through.objects.bulk_create([
            through(programmerecommendation=r, programmesheet=sheets[(i * 7 + k) % 60
                                                                    if k else i % 9])
            for i, r in enumerate(recommendations) for k in range(3)], batch_size=5_000)
        with connection.cursor() as cursor:
            for table in ("bookings_appointment", "accounts_user", "advisors_advisor",
                          "matching_programmerecommendation"):
                cursor.execute(f'VACUUM ANALYZE "{table}"')
        self.stdout.write(
            f"Données : {n_structures} structures, {n_advisors} conseiller·ères, "
            f"{options['interviews']} entretiens en {year}, 8 000 sélections de programmes "
            f"({time.perf_counter() - started:.0f} s)")

    def _interviews(self, advisors, youths, year: int, count: int, rng: random.Random) -> None:
        """``count`` interviews on the advisors' weekly slots of ``year`` (never two on one
        slot), in batches."""
        first = dt.date(year, 1, 1)
        monday = first - dt.timedelta(days=first.weekday()) + dt.timedelta(weeks=1)
        per_advisor = -(-count // len(advisors))
        batch, made = [], 0
        for index, advisor in enumerate(advisors):
            for n in range(per_advisor):
                if made == count:
                    break
                week, (offset, hour) = divmod(n, len(HOURS))[0], HOURS[n % len(HOURS)]
                day = monday + dt.timedelta(weeks=week, days=(index + offset) % 5)
                if day.year != year:
                    continue
                starts_at = dt.datetime.combine(day, dt.time(hour), tzinfo=PARIS)
                status = rng.choice(STATUSES)
                mode = rng.choice(("video", "in_person", "in_person", "phone"))
                batch.append(Appointment(
                    advisor=advisor, structure_id=advisor.structure_id,
                    youth=youths[made % len(youths)], starts_at=starts_at,
                    ends_at=clock.after(starts_at, dt.timedelta(hours=1)), mode=mode,
                    status=status, phone="+33600000000",
                    # Cancelled ones were confirmed first (the database checks it).
                    confirmed_at=starts_at - dt.timedelta(days=5),
                    cancelled_at=starts_at - dt.timedelta(days=2)
                    if status not in CONFIRMED else None,
                    first_name="Jeune", last_name="Banc", birth_date=dt.date(2004, 1, 1),
                    postal_code="33000", youth_status=rng.choice(YOUTH_STATUSES),
                    age_at_interview=rng.randint(14, 35),
                    departement=rng.choice(DEPARTEMENTS),
                    domains=rng.sample(DOMAINS, rng.randint(1, 3)),
                    consent_at=starts_at - dt.timedelta(days=6), consent_text_version="bench"))
                made += 1
                if len(batch) == 5_000:
                    Appointment.objects.bulk_create(batch)
                    batch = []
        if batch:
            Appointment.objects.bulk_create(batch)
        if made < count:
            raise CommandError(f"seulement {made} entretiens placés sur {count}")

    def _evaluations(self) -> None:
        """A questionnaire for one held interview in three, answered half the time (scores 1
        to 5 spread evenly)."""
        held = (Appointment.objects.filter(status=AppointmentStatus.DONE).order_by("pk")
                .values_list("pk", "ends_at"))
        Evaluation.objects.bulk_create([
            Evaluation(appointment_id=pk, invited_at=ends_at + dt.timedelta(hours=2),
                       expires_at=ends_at + dt.timedelta(days=30),
                       answered_at=ends_at + dt.timedelta(days=1) if n % 2 else None,
                       satisfaction=1 + n % 5 if n % 2 else None)
            for n, (pk, ends_at) in enumerate(held) if n % 3 == 0], batch_size=5_000)
        with connection.cursor() as cursor:
            cursor.execute('VACUUM ANALYZE "evaluations_evaluation"')
        self.stdout.write(f"Questionnaires : {Evaluation.objects.count()}")

    # --- measures -----------------------------------------------------------------------

    def _database_url(self) -> str:
        s = connection.settings_dict
        return (f"postgres://{quote(s['USER'])}:{quote(s['PASSWORD'])}@{s['HOST'] or 'localhost'}"
                f":{s['PORT'] or 5432}/{quote(s['NAME'])}")

    def _run(self, options) -> None:
        now = timezone.now()
        year = now.astimezone(PARIS).year - 1
        if options["keep_db"] and Structure.objects.exists():
            self.stdout.write("Données reprises de la base gardée.")
        else:
            self._build(options, year)
        if not Evaluation.objects.exists():
            self._evaluations()

        timings = []
        for _run in range(3):
            started = time.perf_counter()
            figures = annual_figures(year=year, now=now)
            timings.append(time.perf_counter() - started)
        figures_s = statistics.median(timings)
        self.stdout.write(f"{figures.current.interviews} entretiens comptés, "
                          f"{len(figures.structures)} structures.")

        with tempfile.TemporaryDirectory(prefix="bench-bilan-") as directory:
            pdf = Path(directory) / "bilan.pdf"
            env = {**os.environ, "DATABASE_URL": self._database_url()}
            started = time.perf_counter()
            process = subprocess.Popen(
                [sys.executable, "manage.py", "annual_report", "--year", str(year), "--output",
                 str(pdf), "--csv-dir", str(Path(directory) / "csv")],
                cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, text=True)
            sampler = _MemorySampler(process.pid)
            sampler.start()
            _pid, status, usage = os.wait4(process.pid, 0)
            sampler.stop()
            whole_s = time.perf_counter() - started
            assert process.stdout is not None
            output = process.stdout.read().strip()
            process.stdout.close()
            if os.waitstatus_to_exitcode(status) != 0:
                raise CommandError(f"manage.py annual_report a échoué ({status}) : {output}")
            largest_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
            peak_mb = sampler.peak_kb / 1024
            cpu_s = usage.ru_utime + usage.ru_stime
            self.stdout.write(output)
            self.stdout.write(f"Plus grand processus du rendu : {largest_mb:.0f} Mo de RSS "
                              f"(wait4) ; somme des PSS au plus haut : {peak_mb:.0f} Mo.")
            one, five, _fifteen = os.getloadavg()
            self.stdout.write(
                f"Processus du rendu : {cpu_s:.1f} s de CPU pour {whole_s:.1f} s écoulées "
                f"(charge moyenne de la machine {one:.1f} sur 1 min, {five:.1f} sur 5 min, "
                f"{os.cpu_count()} cœurs : les autres processus comptent dans le temps "
                "écoulé, pas dans le CPU).")
            if options["keep_pdf"]:
                options["keep_pdf"].write_bytes(pdf.read_bytes())
        lines = [
            ("Bilan : chiffres de l'année (médiane de 3)", f"{figures_s:.2f} s",
             f"≤ {FIGURES_GOAL_S:.0f} s", figures_s <= FIGURES_GOAL_S),
            ("Bilan : PDF et CSV complets (processus neuf)", f"{whole_s:.1f} s",
             f"≤ {PDF_GOAL_S:.0f} s", whole_s <= PDF_GOAL_S),
            ("Bilan : mémoire maximale du rendu (PSS)", f"{peak_mb:.0f} Mo",
             f"≤ {MEMORY_GOAL_MB:.0f} Mo", peak_mb <= MEMORY_GOAL_MB),
        ]
        for label, value, goal, ok in lines:
            self.stdout.write(f"{label:<48} {value:>10}  {goal:<8} {verdict(ok)}")
