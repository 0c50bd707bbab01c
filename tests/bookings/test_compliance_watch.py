"""The coordinators' compliance watch (issue 14) on a hand-built network: the weeks under the
3-hour minimum with their reasons, advisors to train, structures without a trained advisor,
conventions in notice or under formal notice, coverage by département."""

import datetime as dt

import pytest
from django.conf import settings

from advisors.models import Advisor, StructureStatus
from bookings.compliance import network_watch, weekly_compliance
from bookings.slots.calendar import Calendar, days_between
from tests.factories import (
    AdvisorFactory,
    BookableAdvisorFactory,
    ConventionFactory,
    OneOffAvailabilityFactory,
    RecurringAvailabilityFactory,
    StructureFactory,
)
from tests.staff_world import paris

pytestmark = pytest.mark.django_db

# Thursday 19 March 2026, 10:30 in Paris: the weeks of 16 and 23 March are watched.
NOW = paris(2026, 3, 19, 10, 30)
TODAY = dt.date(2026, 3, 19)


def structure(name, departement, **convention):
    built = StructureFactory(public_name=name, departement=departement)
    ConventionFactory(structure=built, **convention)
    return built


@pytest.fixture
def network():
    """A (33): Fridays 9-12, and an untrained newcomer. B (64): Fridays 9-11 only, notice
    running. C (87): an untrained advisor only, formal notice unanswered. E (24): Fridays
    9-12 but a long absence over both weeks. D (33): left the network."""
    a = structure("A Bordeaux", "33")
    RecurringAvailabilityFactory(advisor=BookableAdvisorFactory(structure=a), weekday=4)
    AdvisorFactory(structure=a, user__first_name="Zoé", user__last_name="Novice",
                   user__email="zoe.novice@exemple.fr", designated_on=dt.date(2025, 9, 1))
    b = structure("B Pau", "64", termination_letter_received_on=dt.date(2026, 2, 10))
    RecurringAvailabilityFactory(advisor=BookableAdvisorFactory(structure=b), weekday=4,
                                 end_time=dt.time(11))
    c = structure("C Limoges", "87", formal_notice_received_on=dt.date(2026, 3, 1))
    AdvisorFactory(structure=c, user__first_name="Paul", user__last_name="Débutant",
                   designated_on=dt.date(2026, 1, 5))
    e = structure("E Périgueux", "24")
    away = BookableAdvisorFactory(structure=e)
    RecurringAvailabilityFactory(advisor=away, weekday=4)
    away.absences.create(starts_at=paris(2026, 3, 16), ends_at=paris(2026, 4, 20),
                         kind="long", reason="Congé")
    d = structure("D Ancienne", "33", termination_letter_received_on=dt.date(2025, 1, 10))
    d.status = StructureStatus.ENDED
    d.save()
    AdvisorFactory(structure=d)  # untrained, but the structure has left: not listed
    return a, b, c, e


def test_weeks_under_the_minimum_with_their_reasons(network, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        watch = network_watch(today=TODAY, weeks=2, now=NOW)
    assert watch.week_starts == [dt.date(2026, 3, 16), dt.date(2026, 3, 23)]
    assert watch.minimum_hours == 3
    rows = {s.structure_name: [(w.hours_offered, w.reason) for w in s.weeks]
            for s in watch.structures}
    assert rows == {
        "E Périgueux": [(0, "absence longue déclarée")] * 2,
        "A Bordeaux": [(3, "")] * 2,
        "B Pau": [(2, "moins de 3 h publiées")] * 2,
        "C Limoges": [(0, "aucun·e conseiller·ère formé·e et désigné·e")] * 2,
    }
    assert [s.structure_name for s in watch.structures_below] == [
        "E Périgueux", "B Pau", "C Limoges"]


def test_training_and_conventions_to_watch(network):
    watch = network_watch(today=TODAY, weeks=2, now=NOW)
    assert [(a.name, a.email, a.structure_name, a.designated_on)
            for a in watch.advisors_to_train] == [
        ("Zoé Novice", "zoe.novice@exemple.fr", "A Bordeaux", dt.date(2025, 9, 1)),
        ("Paul Débutant", watch.advisors_to_train[1].email, "C Limoges", dt.date(2026, 1, 5)),
    ]
    assert [(s.structure_name, s.departement, s.advisors)
            for s in watch.structures_without_trained] == [("C Limoges", "87", 1)]
    assert [(c.structure_name, c.state, c.end_date) for c in watch.conventions] == [
        ("B Pau", "notice_running", dt.date(2026, 4, 10)),
        ("C Limoges", "formal_notice_pending", dt.date(2026, 3, 31)),
    ]
    assert watch.conventions[0].state_label == "En préavis de résiliation"
    assert "courrier reçu le 10/02/2026" in watch.conventions[0].reason
    assert "fin automatique le 31/03/2026" in watch.conventions[1].reason
    # Once the formal notice is answered, C is no longer watched.
    c = network[2]
    c.conventions.update(formal_notice_answered_on=dt.date(2026, 3, 10))
    assert [x.structure_name for x in network_watch(today=TODAY, weeks=1, now=NOW).conventions
            ] == ["B Pau"]


def test_coverage_by_departement(network):
    watch = network_watch(today=TODAY, weeks=2, now=NOW)
    coverage = {row.code: (row.structures_active, row.structures_open, row.structures_below,
                           row.slots_offered) for row in watch.coverage}
    assert len(coverage) == 12
    assert coverage["33"] == (1, 1, 0, 6)  # A: 3 slots a week; D has left the network
    assert coverage["64"] == (1, 1, 1, 4)
    assert coverage["87"] == (1, 1, 1, 0)  # in force under formal notice, nobody trained
    assert coverage["24"] == (1, 1, 1, 0)
    assert coverage["16"] == (0, 0, 0, 0)
    assert next(row.name for row in watch.coverage if row.code == "64") == (
        "Pyrénées-Atlantiques")


def test_weekly_hours_equal_the_slots_offered_day_by_day(network):
    """``weekly_compliance`` counts only the days an advisor has periods on (arithmetic per
    week): the same hours as counting every slot the calendar offers, day by day, with a
    one-off period, a short absence, a public holiday (Easter Monday 6 April 2026) and a
    daylight-saving change (29 March 2026) in the weeks."""
    _a, b, _c, _e = network
    bookable = BookableAdvisorFactory(structure=b)
    RecurringAvailabilityFactory(advisor=bookable, weekday=0, start_time=dt.time(9),
                                 end_time=dt.time(12))
    OneOffAvailabilityFactory(advisor=bookable, date=dt.date(2026, 3, 25),
                              start_time=dt.time(14), end_time=dt.time(17))
    bookable.absences.create(starts_at=paris(2026, 3, 30, 9), ends_at=paris(2026, 3, 30, 10),
                             kind="short", reason="Rendez-vous")
    monday, weeks = dt.date(2026, 3, 16), 4
    rows = weekly_compliance(start_week=monday, weeks=weeks, now=NOW)
    calendar = Calendar(advisors=Advisor.objects.all(), first_day=monday,
                        last_day=monday + dt.timedelta(weeks=weeks, days=-1), now=NOW,
                        mode=None, with_appointments=False)
    slot_hours = settings.INTERVIEW_DURATION_MINUTES / 60
    expected = {}
    for advisor in calendar.advisors:
        for day in days_between(monday, monday + dt.timedelta(weeks=weeks, days=-1)):
            week = day - dt.timedelta(days=day.weekday())
            key = (advisor.structure_id, week)
            expected[key] = expected.get(key, 0) + len(calendar.offered(advisor, day)) * slot_hours
    got = {(row.structure_id, row.week_start): row.hours_offered for row in rows}
    assert {key: hours for key, hours in got.items() if hours} == {
        key: hours for key, hours in expected.items() if hours}
    # B: Fridays 9-11 (2 h) + Mondays 9-12 (3 h) + the one-off 25 March (3 h), less the
    # absence (1 h on 30 March) and Easter Monday.
    assert [got[b.pk, monday + dt.timedelta(weeks=w)] for w in range(weeks)] == [5, 8, 4, 2]
