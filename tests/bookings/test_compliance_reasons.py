"""The reasons of a week under the weekly minimum (tester t9b F17): the convention first (no
minimum outside it, its share in a week it covers in part), then the advisors, absences,
public holidays and what was published, in one fixed order; each cause alone and together."""

import datetime as dt

import pytest

from advisors.models import Convention
from bookings.compliance import REASON_PRECEDENCE, network_watch, week_minimum, weekly_compliance
from tests.factories import (
    AdvisorFactory,
    BookableAdvisorFactory,
    ConventionFactory,
    OneOffAvailabilityFactory,
    RecurringAvailabilityFactory,
    StructureFactory,
    TrainingAttendanceFactory,
    TrainingSessionFactory,
)
from tests.staff_world import paris

pytestmark = pytest.mark.django_db

MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY = range(5)


def week_of(structure, monday, now):
    """The structure's row for the week of ``monday``."""
    rows = weekly_compliance(start_week=monday, weeks=1, now=now)
    return next(row for row in rows if row.structure_id == structure.pk)


def publishes(advisor, weekday, start, end):
    RecurringAvailabilityFactory(advisor=advisor, weekday=weekday, start_time=dt.time(start),
                                 end_time=dt.time(end))


@pytest.mark.parametrize(("days", "hours"), [(0, 0), (1, 1), (2, 2), (3, 2), (4, 3), (5, 3)])
def test_the_minimum_of_a_week_is_its_share_of_working_days_in_force(days, hours):
    assert week_minimum(days) == hours


def test_week_minimum_refuses_more_than_five_working_days():
    with pytest.raises(ValueError):
        week_minimum(6)


def test_weeks_after_the_convention_ends_owe_nothing_and_say_why():
    """Tester t9b F17: on 1 December 2026 a convention ends on Monday 21 December (formal
    notice of 21 November unanswered); the week of 28 December (1 January is a public
    holiday) was blamed on the holiday. It is outside the convention: no minimum is owed and
    the convention is the reason; the week of 21 December owes 1 h (one working day)."""
    now = paris(2026, 12, 1, 10)
    gueret = StructureFactory(public_name="Info Jeunes Guéret", departement="23")
    ConventionFactory(structure=gueret, formal_notice_received_on=dt.date(2026, 11, 21))
    advisor = BookableAdvisorFactory(structure=gueret)
    publishes(advisor, MONDAY, 9, 10)
    publishes(advisor, FRIDAY, 9, 12)
    rows = {row.week_start: row for row in
            weekly_compliance(start_week=dt.date(2026, 11, 30), weeks=6, now=now)}
    table = [(row.hours_offered, row.minimum_hours, row.below_minimum, row.days_in_force,
              row.reasons) for row in rows.values()]
    assert table == [
        (4, 3, False, 7, ()),
        (4, 3, False, 7, ()),
        (4, 3, False, 7, ()),
        # Monday 21 only: its hour meets the share owed; Christmas is outside the convention.
        (1, 1, False, 1, ("convention en vigueur jusqu'au 21/12 : minimum dû 1 h",)),
        (0, 0, False, 0, ("convention pas en vigueur",)),
        (0, 0, False, 0, ("convention pas en vigueur",)),
    ]
    assert rows[dt.date(2026, 12, 28)].reason == "convention pas en vigueur"
    # Without the Monday hour, the last week in force is under its share.
    advisor.recurring_availabilities.filter(weekday=MONDAY).delete()
    last = week_of(gueret, dt.date(2026, 12, 21), now)
    assert last.below_minimum and last.reasons == (
        "convention en vigueur jusqu'au 21/12 : minimum dû 1 h", "rien de publié")
    assert last.reason == "convention en vigueur jusqu'au 21/12 : minimum dû 1 h ; rien de publié"


def test_a_structure_outside_its_convention_is_not_under_the_minimum():
    """Coverage and the list of structures under the minimum count only weeks owed."""
    now = paris(2026, 12, 1, 10)
    ended = StructureFactory(departement="23")
    ConventionFactory(structure=ended, termination_letter_received_on=dt.date(2026, 9, 1))
    publishes(BookableAdvisorFactory(structure=ended), FRIDAY, 9, 12)
    watch = network_watch(today=dt.date(2026, 12, 1), weeks=3, now=now)
    assert [row.reasons for row in watch.structures[0].weeks] == [
        ("convention pas en vigueur",)] * 3
    assert watch.structures_below == []
    assert next(row.structures_below for row in watch.coverage if row.code == "23") == 0


def test_services_starting_in_the_week_say_from_when():
    """Services start on Wednesday 13 May 2026: three working days owe 2 h."""
    now = paris(2026, 5, 1, 10)
    late = StructureFactory()
    ConventionFactory(structure=late, signed_on=dt.date(2026, 4, 20),
                      services_start_on=dt.date(2026, 5, 13))
    advisor = BookableAdvisorFactory(structure=late)
    publishes(advisor, MONDAY, 9, 12)  # before the services: not offered, not owed
    publishes(advisor, FRIDAY, 9, 10)
    row = week_of(late, dt.date(2026, 5, 11), now)
    assert (row.hours_offered, row.minimum_hours, row.days_in_force) == (1, 2, 5)
    # Ascension Thursday 14 May is not published on: it explains nothing.
    assert row.reasons == ("convention en vigueur à partir du 13/05 : minimum dû 2 h",
                           "moins de 2 h publiées")


def test_a_gap_between_two_conventions_counts_the_days_in_force():
    """The old convention ends on Tuesday 17 November 2026 (formal notice of 18 October), the
    new one starts its services on Thursday 19: six days of seven, four working days."""
    now = paris(2026, 11, 1, 10)
    renewed = StructureFactory()
    ConventionFactory(structure=renewed, formal_notice_received_on=dt.date(2026, 10, 18))
    ConventionFactory(structure=renewed, signed_on=dt.date(2026, 11, 19),
                      services_start_on=dt.date(2026, 11, 19))
    publishes(BookableAdvisorFactory(structure=renewed), WEDNESDAY, 9, 12)
    row = week_of(renewed, dt.date(2026, 11, 16), now)
    assert (row.hours_offered, row.minimum_hours, row.days_in_force) == (0, 3, 6)
    # Only Wednesday is published on, the day outside both conventions.
    assert row.reasons == ("convention en vigueur 6 jours sur 7 : minimum dû 3 h",
                           "rien de publié")
    assert Convention.objects.filter(structure=renewed).count() == 2


def test_an_advisor_trained_during_the_week():
    """Trained on Wednesday 18 March 2026: Monday's hours could not be booked; the week
    before, nobody could."""
    now = paris(2026, 3, 1, 10)
    structure = StructureFactory()
    ConventionFactory(structure=structure)
    advisor = AdvisorFactory(structure=structure)
    TrainingAttendanceFactory(user=advisor.user,
                              session=TrainingSessionFactory(date=dt.date(2026, 3, 18)))
    publishes(advisor, MONDAY, 9, 12)
    publishes(advisor, THURSDAY, 9, 10)
    row = week_of(structure, dt.date(2026, 3, 16), now)
    assert (row.hours_offered, row.reasons) == (1, ("conseiller·ère pas encore formé·e",))
    rows = weekly_compliance(start_week=dt.date(2026, 3, 9), weeks=2, now=now)
    assert [r.reasons for r in rows] == [("aucun·e conseiller·ère formé·e et désigné·e",),
                                         ("conseiller·ère pas encore formé·e",)]


def test_an_advisor_withdrawn_or_designated_during_the_week():
    now = paris(2026, 3, 1, 10)
    structure = StructureFactory()
    leaving = BookableAdvisorFactory(structure=structure, withdrawn_on=dt.date(2026, 3, 18))
    publishes(leaving, MONDAY, 9, 10)
    publishes(leaving, THURSDAY, 9, 12)
    row = week_of(structure, dt.date(2026, 3, 16), now)
    assert (row.hours_offered, row.reasons) == (1, ("conseiller·ère retiré·e",))
    arriving = BookableAdvisorFactory(structure=structure, designated_on=dt.date(2026, 3, 19))
    publishes(arriving, WEDNESDAY, 14, 17)
    row = week_of(structure, dt.date(2026, 3, 16), now)
    assert (row.hours_offered, row.reasons) == (
        1, ("conseiller·ère pas encore désigné·e", "conseiller·ère retiré·e"))


def test_every_cause_of_a_week_in_their_order():
    """Week of 11 May 2026, services from Tuesday 12, Ascension Thursday 14: one advisor's
    Tuesday hour is taken by a short absence and his Thursday by the holiday, the other's
    Wednesday by a long absence. Each cost hours: all are given, in the fixed order, after
    the convention; with so much published, « moins de 3 h » is not one of them."""
    now = paris(2026, 5, 1, 10)
    structure = StructureFactory()
    ConventionFactory(structure=structure, signed_on=dt.date(2026, 4, 20),
                      services_start_on=dt.date(2026, 5, 12))
    first = BookableAdvisorFactory(structure=structure)
    publishes(first, TUESDAY, 9, 10)
    publishes(first, THURSDAY, 9, 12)
    first.absences.create(starts_at=paris(2026, 5, 12, 9), ends_at=paris(2026, 5, 12, 10),
                          kind="short", reason="Rendez-vous")
    second = BookableAdvisorFactory(structure=structure)
    publishes(second, WEDNESDAY, 9, 10)
    second.absences.create(starts_at=paris(2026, 5, 1), ends_at=paris(2026, 6, 1),
                           kind="long", reason="Congé")
    row = week_of(structure, dt.date(2026, 5, 11), now)
    assert (row.hours_offered, row.minimum_hours) == (0, 3)
    assert row.reasons == (
        "convention en vigueur à partir du 12/05 : minimum dû 3 h",
        "absence longue déclarée",
        "absence déclarée",
        "jour férié dans la semaine",
    )
    # Had nothing been taken off, the week would still be short: that is said too, last.
    first.recurring_availabilities.filter(weekday=THURSDAY).delete()
    row = week_of(structure, dt.date(2026, 5, 11), now)
    assert row.reasons[1:] == ("absence longue déclarée", "absence déclarée",
                               "moins de 3 h publiées")


def test_a_holiday_alone_and_a_holiday_with_too_little_published():
    now = paris(2026, 4, 1, 10)
    advisor = BookableAdvisorFactory()
    publishes(advisor, FRIDAY, 9, 12)  # Friday 1 May 2026 is a public holiday
    row = week_of(advisor.structure, dt.date(2026, 4, 27), now)
    assert (row.hours_offered, row.reasons) == (0, ("jour férié dans la semaine",))
    advisor.recurring_availabilities.update(end_time=dt.time(10))
    OneOffAvailabilityFactory(advisor=advisor, date=dt.date(2026, 4, 28),
                              start_time=dt.time(9), end_time=dt.time(10))
    row = week_of(advisor.structure, dt.date(2026, 4, 27), now)
    assert (row.hours_offered, row.reasons) == (
        1, ("jour férié dans la semaine", "moins de 3 h publiées"))


def test_a_long_absence_explains_a_week_with_nothing_published():
    """The advisor away for long took their periods off: the absence is the reason, not
    « rien de publié »; a short absence does not explain an empty week."""
    now = paris(2026, 3, 1, 10)
    advisor = BookableAdvisorFactory()
    advisor.absences.create(starts_at=paris(2026, 3, 16), ends_at=paris(2026, 3, 18),
                            kind="long", reason="Congé")
    row = week_of(advisor.structure, dt.date(2026, 3, 16), now)
    assert row.reasons == ("absence longue déclarée",)
    advisor.absences.update(kind="short")
    row = week_of(advisor.structure, dt.date(2026, 3, 16), now)
    assert row.reasons == ("rien de publié",)


def test_the_order_of_precedence_is_the_documented_one():
    assert REASON_PRECEDENCE == (
        "convention", "no_advisor", "not_designated", "not_trained", "withdrawn",
        "long_absence", "absence", "holiday", "published")
