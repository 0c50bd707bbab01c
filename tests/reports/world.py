"""A small hand-built year (2025, seen on 15 January 2026) whose figures are known by hand.

Structures: A (Gironde, 33) and B (Pyrénées-Atlantiques, 64), conventions signed in 2024; C
(Charente, 16) signed on 1 February 2025 and ended by its letter of 1 June 2025 (last day
1 August 2025), no advisor.

Availability: A's advisor publishes Fridays 9:00–12:00 (3 h); the ISO weeks from Monday
30 December 2024 to Monday 29 December 2025 are 53, and one Friday is a public holiday
(15 August): 52 weeks × 3 h = 156 h, 1 week below the minimum. B's advisor publishes Mondays
14:00–16:00 (2 h), below the minimum every week; Mondays off: Easter Monday 21 April, Whit
Monday 9 June, 14 July: 50 × 2 h = 100 h, 53 weeks below. C: 0 h, below the minimum only
in the 24 weeks its convention binds it (services from Saturday 15 February: from the week of
17 February to that of 28 July; bookings.compliance.week_minimum).

Interviews of 2025: A: 7 March and 14 March done (the same young person Y1), 6 June done (Y2),
13 June no-show, 5 September cancelled by the young person; B: 10 March done (Y5),
6 October late cancellation. Hence 7 interviews, 6 requests, 4 held, 1 no-show (rate 1/5 =
20 %), 3 young people received. 2024: 2 interviews at A, both held by Y1 (rate 0 %, 1 young
person). One interview in January 2026 is outside the year.

Destinations wished (mobility profiles): Y1 Germany, Portugal and Europe, Y2 Germany; of the 5
young people with a request (Y4 cancelled beforehand), 2 have a profile.

Programmes: one selection sent in 2025 with two sheets (« Semestre à Berlin », « Volontariat
à Lisbonne »), one in 2024 with one.

Evaluation questionnaires (by the interview's date): A 7 March answered 5, A 14 March answered
4, A 6 June sent and not answered, B 10 March answered 2; 2024: A 3 May answered 3. Hence 2025:
4 sent, 3 answered (75 %), average (5 + 4 + 2) / 3 = 3.67 (printed 3,7), satisfied (4 or 5)
2 of 3 = 66.7 %; 2024: 1 sent, 1 answered, average 3.00, satisfied 0 %; gap +0.67 (+0,7).
A: 3 sent, 2 answered (66.7 %), average 4.50, satisfied 100 %; B: 1 sent, 1 answered, 2.00,
0 %; C: none sent (0, 0, empty).

Training in 2025: an initial training on 10 April (3 registered, 2 present) and a network
event on 20 June (2 registered, 1 present); in 2024 each advisor's initial training
(2 sessions, 2 present).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from evaluations.models import Evaluation
from matching.models import MobilityProfile, ProgrammeRecommendation
from tests.factories import (
    AdvisorUserFactory,
    AppointmentFactory,
    BookableAdvisorFactory,
    ConventionFactory,
    ProgrammeSheetFactory,
    RecurringAvailabilityFactory,
    StructureFactory,
    TrainingAttendanceFactory,
    TrainingSessionFactory,
    YouthFactory,
)

PARIS = ZoneInfo("Europe/Paris")
YEAR = 2025
#: Thursday 15 January 2026, 10:00 in Paris: the year 2025 is over.
NOW = dt.datetime(2026, 1, 15, 10, 0, tzinfo=PARIS)


def paris(year, month, day, hour=0):
    return dt.datetime(year, month, day, hour, tzinfo=PARIS)


class Year:
    def __init__(self):
        self.a = StructureFactory(public_name="Info Jeunes Bordeaux Test", departement="33",
                                  postal_code="33000", status="active")
        self.b = StructureFactory(public_name="Info Jeunes Pau Test", departement="64",
                                  postal_code="64000", status="active")
        self.c = StructureFactory(public_name="Info Jeunes Cognac Test", departement="16",
                                  postal_code="16100", status="active")
        ConventionFactory(structure=self.c, signed_on=dt.date(2025, 2, 1),
                          services_start_on=dt.date(2025, 2, 15),
                          termination_letter_received_on=dt.date(2025, 6, 1))
        self.advisor_a = BookableAdvisorFactory(structure=self.a)
        self.advisor_b = BookableAdvisorFactory(structure=self.b)
        RecurringAvailabilityFactory(advisor=self.advisor_a, weekday=4, start_time=dt.time(9),
                                     end_time=dt.time(12))
        RecurringAvailabilityFactory(advisor=self.advisor_b, weekday=0, start_time=dt.time(14),
                                     end_time=dt.time(16))
        y1, y2, y3, y4, y5, y6 = (YouthFactory() for _ in range(6))

        def interview(advisor, when, status, youth, **extra):
            return AppointmentFactory(advisor=advisor, starts_at=when, status=status,
                                      youth=youth, **extra)

        def evaluated(appointment, score=None):
            invited = appointment.starts_at + dt.timedelta(days=1)
            Evaluation.objects.create(
                appointment=appointment, invited_at=invited,
                expires_at=invited + dt.timedelta(days=30), satisfaction=score,
                answered_at=invited + dt.timedelta(hours=2) if score else None)

        evaluated(interview(self.advisor_a, paris(2025, 3, 7, 9), "done", y1,
                            age_at_interview=19, departement="33",
                            domains=["studies", "internship"]), 5)
        evaluated(interview(self.advisor_a, paris(2025, 3, 14, 9), "done", y1,
                            age_at_interview=19, departement="33", domains=["studies"]), 4)
        evaluated(interview(self.advisor_a, paris(2025, 6, 6, 10), "done", y2, age_at_interview=27,
                  departement="24", youth_status="job_seeker", mode="phone",
                  domains=["volunteering"]))
        interview(self.advisor_a, paris(2025, 6, 13, 9), "no_show", y3, age_at_interview=16,
                  departement="33", youth_status="pupil", domains=["language_stay"])
        interview(self.advisor_a, paris(2025, 9, 5, 9), "cancelled_by_youth", y4,
                  age_at_interview=22, departement="33", domains=["job"],
                  cancelled_at=paris(2025, 9, 1, 12))
        evaluated(interview(self.advisor_b, paris(2025, 3, 10, 14), "done", y5,
                            age_at_interview=24, departement="64", mode="in_person",
                            domains=["studies"]), 2)
        interview(self.advisor_b, paris(2025, 10, 6, 14), "late_cancelled", y6,
                  age_at_interview=33, departement="64", domains=["job"],
                  cancelled_at=paris(2025, 10, 6, 15))
        evaluated(interview(self.advisor_a, paris(2024, 5, 3, 9), "done", y1,
                            age_at_interview=18), 3)
        interview(self.advisor_a, paris(2024, 5, 10, 9), "done", y1, age_at_interview=18)
        interview(self.advisor_a, paris(2026, 1, 9, 9), "done", y2, age_at_interview=28)

        MobilityProfile.objects.create(user=y1, wish_countries=["DE", "PT"],
                                       wish_zones=["europe"])
        MobilityProfile.objects.create(user=y2, wish_countries=["DE"])
        berlin = ProgrammeSheetFactory(title="Semestre à Berlin")
        lisbon = ProgrammeSheetFactory(title="Volontariat à Lisbonne")
        sent = ProgrammeRecommendation.objects.create(
            youth=y1, advisor=self.advisor_a.user, structure=self.a,
            created_at=paris(2025, 3, 14, 10))
        sent.sheets.set([berlin, lisbon])
        before = ProgrammeRecommendation.objects.create(
            youth=y1, advisor=self.advisor_a.user, structure=self.a,
            created_at=paris(2024, 5, 10, 10))
        before.sheets.set([berlin])

        initial = TrainingSessionFactory(date=dt.date(2025, 4, 10), title="Formation avril")
        for attended in (True, True, False):
            TrainingAttendanceFactory(session=initial, user=AdvisorUserFactory(),
                                      attended=attended)
        event = TrainingSessionFactory(kind="network_event", date=dt.date(2025, 6, 20),
                                       title="Rencontre du réseau")
        for attended in (True, False):
            TrainingAttendanceFactory(session=event, user=AdvisorUserFactory(),
                                      attended=attended)
