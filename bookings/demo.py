"""Fictional booking demo data on top of ``advisors.demo``: weekly and one-off availability for
the demo advisors, a long and a short absence, one structure below the weekly minimum, past
and future appointments of fictional young people, and a day to play for the demo advisor
(``advisors.demo.ADVISOR_EMAIL``): an interview two hours ago still to fill in, one later
today and one tomorrow at 10:00 (tester t-adv 14: the demo advisor had nothing to do).

Idempotent: each part is skipped when already there. Deterministic: a fixed random seed, dates
relative to today (future appointments are taken among the free slots the selector lists).
"""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from advisors.models import Advisor
from somobilite import clock
from vocabulary.ages import age_on

from .models import (
    Absence,
    AbsenceKind,
    Appointment,
    AppointmentStatus,
    Mode,
    OneOffAvailability,
    RecurringAvailability,
    new_video_room,
)
from .services import appointment_profile_prefill
from .slots import PARIS, free_slots

SEED = 2026
YOUTH_EMAIL_DOMAIN = "jeunes.somobilite.test"
FIRST_NAMES = ["Inès", "Lucas", "Maëlys", "Noah", "Chloé", "Hugo", "Jade", "Nathan", "Lina",
               "Théo", "Manon", "Rayan", "Zoé", "Enzo", "Louise", "Sacha"]
LAST_NAMES = ["Fictif", "Imaginaire", "Exemple", "Modèle", "Démo", "Essai"]
PROJECTS = [
    ("studies", "Un semestre d'études en Espagne dans le cadre de ma licence."),
    ("internship", "Trouver un stage de six mois en Irlande."),
    ("volunteering", "Partir en corps européen de solidarité."),
    ("working_holiday", "Un PVT au Canada après mon BTS."),
    ("au_pair", "Être au pair en Allemagne pour apprendre la langue."),
    ("job", "Travailler une saison à l'étranger."),
]
POSTAL_CODES = ["33000", "87000", "86000", "64100", "17000", "16000", "24000", "40000"]
STATUSES = ["student", "pupil", "job_seeker", "vet_apprentice", "employee"]
# The structure whose advisors publish only two hours a week (below the three-hour minimum).
BELOW_MINIMUM_SLUG = "info-jeunes-agen"


def _demo_advisors() -> list[Advisor]:
    from advisors.demo import STRUCTURES

    slugs = [s.slug for s in STRUCTURES]
    return list(
        Advisor.objects.filter(structure__slug__in=slugs, withdrawn_on__isnull=True)
        .select_related("structure", "user").order_by("structure__slug", "user__email")
    )


def _paris(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=PARIS)


def _seed_availability(advisors: list[Advisor], today: dt.date) -> None:
    below = next((a.structure for a in advisors if a.structure.slug == BELOW_MINIMUM_SLUG),
                 advisors[-1].structure)
    below_published = False
    for index, advisor in enumerate(advisors):
        weekday = index % 5
        short = advisor.structure_id == below.pk
        if short and below_published:
            continue  # one advisor, two hours a week: the whole structure stays below
        below_published = below_published or short
        RecurringAvailability.objects.create(
            advisor=advisor, weekday=weekday, start_time=dt.time(9),
            end_time=dt.time(11 if short else 12), valid_from=today - dt.timedelta(days=90),
            offers_in_person=True, offers_video=True, offers_phone=index % 2 == 0,
        )
        if index % 3 == 0 and not short:
            RecurringAvailability.objects.create(
                advisor=advisor, weekday=(weekday + 2) % 5, start_time=dt.time(14),
                end_time=dt.time(16), valid_from=today - dt.timedelta(days=30),
                valid_until=today + dt.timedelta(weeks=6),
                offers_in_person=False, offers_video=True, offers_phone=True,
            )
        if index % 4 == 1 and not short:
            day = today + dt.timedelta(days=10)
            while day.weekday() in (weekday, (weekday + 2) % 5) or day.weekday() >= 5:
                day += dt.timedelta(days=1)
            OneOffAvailability.objects.create(
                advisor=advisor, date=day, start_time=dt.time(17), end_time=dt.time(19),
                offers_in_person=False, offers_video=True, offers_phone=False,
            )
    if len(advisors) > 2:
        first, second = advisors[1], advisors[2]
        Absence.objects.create(
            advisor=first, starts_at=_paris(today + dt.timedelta(days=21), 0),
            ends_at=_paris(today + dt.timedelta(days=42), 0), kind=AbsenceKind.LONG,
            reason="Congé (démo)")
        Absence.objects.create(
            advisor=second, starts_at=_paris(today + dt.timedelta(days=7), 9),
            ends_at=_paris(today + dt.timedelta(days=7), 12), kind=AbsenceKind.SHORT,
            reason="Réunion d'équipe (démo)")


def _youth(number: int) -> User:
    first_name = FIRST_NAMES[number % len(FIRST_NAMES)]
    last_name = LAST_NAMES[number % len(LAST_NAMES)]
    email = f"jeune{number:02d}@{YOUTH_EMAIL_DOMAIN}"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, first_name=first_name, last_name=last_name,
                                        role=Role.YOUTH)
    return user


def _birth_date(number: int) -> dt.date:
    """The demo young person ``number``'s birth date: one per person, the same in each of
    their bookings (tester t9c #3: Rayan had two, and the profile kept the older one)."""
    own = random.Random(SEED * 1000 + number)
    return dt.date(1992 + own.randrange(14), own.randrange(1, 13), own.randrange(1, 28))


def _appointment(rng: random.Random, number: int, advisor: Advisor, starts_at: dt.datetime,
                 mode: str, status: str, place: str, now: dt.datetime) -> Appointment:
    youth = _youth(number)
    domain, project = PROJECTS[number % len(PROJECTS)]
    birth = _birth_date(number)
    reminder_due = clock.before(starts_at, dt.timedelta(hours=settings.REMINDER_HOURS_BEFORE))
    booked_at = min(now, clock.before(starts_at, dt.timedelta(days=rng.randrange(3, 20))))
    appointment = Appointment.objects.create(
        advisor=advisor, structure=advisor.structure, youth=youth, starts_at=starts_at,
        ends_at=clock.after(starts_at, dt.timedelta(minutes=settings.INTERVIEW_DURATION_MINUTES)),
        mode=mode, place=place if mode == Mode.IN_PERSON else "",
        video_room=new_video_room() if mode == Mode.VIDEO else "", status=status,
        confirmed_at=booked_at, reminder_due_at=reminder_due,
        reminder_sent_at=reminder_due if starts_at < now else None,
        first_name=youth.first_name, last_name=youth.last_name,
        phone=f"+3360000{number:04d}", birth_date=birth,
        age_at_interview=age_on(birth, starts_at.astimezone(PARIS).date()),
        postal_code=POSTAL_CODES[number % len(POSTAL_CODES)],
        youth_status=STATUSES[number % len(STATUSES)], domains=[domain], project=project,
        consent_at=booked_at, consent_text_version="2025-1",
    )
    # As a real confirmation does: the interview screen opens on what the booking gathered.
    appointment_profile_prefill(appointment=appointment, now=booked_at)
    return appointment


def _seed_appointments(advisors: list[Advisor], now: dt.datetime) -> int:
    rng = random.Random(SEED)
    number = 0
    upcoming = free_slots(advisors=Advisor.objects.filter(pk__in=[a.pk for a in advisors]),
                          start=now, end=clock.after(now, dt.timedelta(weeks=4)), now=now)
    by_advisor = {a.pk: a for a in advisors}
    bookable = sorted({s.advisor_id for s in upcoming})
    for slot in upcoming[::4][:12]:
        mode = slot.modes[number % len(slot.modes)]
        _appointment(rng, number, by_advisor[slot.advisor_id], slot.starts_at, mode,
                     AppointmentStatus.CONFIRMED, slot.place, now)
        number += 1
    # Past interviews of advisors who are bookable today, on their weekly morning.
    today = now.astimezone(PARIS).date()
    for advisor_id in bookable:
        advisor = by_advisor[advisor_id]
        rule = advisor.recurring_availabilities.order_by("valid_from").first()
        if rule is None:
            continue
        for weeks_ago in range(1, 7):
            day = today - dt.timedelta(weeks=weeks_ago)
            day -= dt.timedelta(days=(day.weekday() - rule.weekday) % 7)
            if day < rule.valid_from:
                continue
            status = (AppointmentStatus.NO_SHOW if rng.random() < 0.15
                      else AppointmentStatus.DONE)
            place = f"{advisor.structure.address}, {advisor.structure.postal_code} " \
                    f"{advisor.structure.commune}"
            _appointment(rng, number, advisor, _paris(day, 9 + weeks_ago % 2),
                         rng.choice(rule.modes), status, place, now)
            number += 1
    return number


#: The young people of the demo advisor's day (numbers far from the other demo appointments').
PLAYABLE_DAY_FIRST_NUMBER = 90


def _playable_day(now: dt.datetime) -> list[dt.datetime]:
    """Starts of the demo advisor's day: two hours before the current hour (to fill in), two
    hours after it, and tomorrow at 10:00 (Paris)."""
    hour = now.astimezone(PARIS).replace(minute=0, second=0, microsecond=0)
    tomorrow = hour.date() + dt.timedelta(days=1)
    return [clock.before(hour, dt.timedelta(hours=2)), clock.after(hour, dt.timedelta(hours=2)),
            _paris(tomorrow, 10)]


def _seed_playable_day(now: dt.datetime) -> int:
    """Give the demo advisor her day to play, relative to ``now``; a start already covered by
    one of her appointments is skipped, so running the seed again the same day adds nothing
    and a later day gets its own. Returns how many appointments were added."""
    from advisors.demo import ADVISOR_EMAIL

    advisor = (Advisor.objects.filter(user__email=ADVISOR_EMAIL, withdrawn_on__isnull=True)
               .select_related("structure", "user").first())
    if advisor is None:
        return 0
    rng = random.Random(SEED + now.toordinal())
    structure = advisor.structure
    place = f"{structure.address}, {structure.postal_code} {structure.commune}"
    duration = dt.timedelta(minutes=settings.INTERVIEW_DURATION_MINUTES)
    added = 0
    for offset, starts_at in enumerate(_playable_day(now)):
        if Appointment.objects.filter(advisor=advisor, starts_at__lt=clock.after(starts_at,
                                                                                 duration),
                                      ends_at__gt=starts_at).exists():
            continue
        mode = (Mode.IN_PERSON, Mode.VIDEO, Mode.PHONE)[offset]
        _appointment(rng, PLAYABLE_DAY_FIRST_NUMBER + offset, advisor, starts_at, mode,
                     AppointmentStatus.CONFIRMED, place, now)
        added += 1
    return added


def seed(stdout) -> None:
    advisors = _demo_advisors()
    if not advisors:
        stdout.write("bookings.demo : aucun·e conseiller·ère de démonstration, rien à ajouter.")
        return
    now = timezone.now()
    today = now.astimezone(PARIS).date()
    with transaction.atomic():
        if not RecurringAvailability.objects.filter(advisor__in=advisors).exists():
            _seed_availability(advisors, today)
            stdout.write(f"bookings.demo : disponibilités de {len(advisors)} conseiller·ères.")
        if not Appointment.objects.filter(youth__email__endswith=YOUTH_EMAIL_DOMAIN).exists():
            count = _seed_appointments(advisors, now)
            stdout.write(f"bookings.demo : {count} rendez-vous fictifs (passés et à venir).")
        if added := _seed_playable_day(now):
            stdout.write(f"bookings.demo : {added} rendez-vous pour la journée de la "
                         "conseillère de démonstration (à remplir, aujourd'hui, demain).")
