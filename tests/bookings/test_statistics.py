"""Each statistic on a small hand-built data set whose answers are counted by hand (issue 13),
including the no-show rate's denominator, the period's edges in Paris time and the structure
filter."""

import datetime as dt
from decimal import Decimal

import pytest

from bookings.models import AppointmentStatus as S
from bookings.statistics import (
    AGE_UNKNOWN,
    Filters,
    Outcome,
    attendance,
    csv_rows,
    domains_requested,
    interview_counts,
    programmes_sent,
    structure_statistics,
)
from matching.models import ProgrammeRecommendation
from tests.factories import (
    AppointmentFactory,
    BookableAdvisorFactory,
    ProgrammeSheetFactory,
    StructureFactory,
)
from tests.staff_world import paris

pytestmark = pytest.mark.django_db

# Thursday 19 March 2026, 10:30 in Paris.
NOW = paris(2026, 3, 19, 10, 30)
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


@pytest.fixture
def network():
    x = BookableAdvisorFactory(structure=StructureFactory(departement="33"))
    y = BookableAdvisorFactory(structure=StructureFactory(departement="64"))

    def add(advisor, when, status, mode="video", domains=("studies",), age=21, **extra):
        if status == S.PENDING:
            extra["hold_expires_at"] = NOW + dt.timedelta(hours=1)
            extra["confirmed_at"] = None
        return AppointmentFactory(advisor=advisor, starts_at=when, status=status, mode=mode,
                                  domains=list(domains), age_at_interview=age, **extra)

    # Structure X, March 2026 (the answers below are counted from these lines).
    add(x, paris(2026, 3, 1, 0, 30), S.DONE, "in_person", ("studies", "internship"), age=17)
    add(x, paris(2026, 3, 2, 9), S.DONE, "in_person", ("studies",), age=19)
    add(x, paris(2026, 3, 3, 9), S.DONE, "video", ("job",), age=30)
    add(x, paris(2026, 3, 4, 9), S.NO_SHOW, "video", ("job", "studies"), age=None)
    add(x, paris(2026, 3, 5, 9), S.LATE_CANCELLED, "video", ("volunteering",))
    add(x, paris(2026, 3, 18, 14), S.CONFIRMED, "phone", ("au_pair",))  # to record
    add(x, paris(2026, 3, 19, 10, 30), S.CONFIRMED, "phone", ())  # starts now: to record
    add(x, paris(2026, 3, 25, 9), S.CONFIRMED, "video", ("studies",))  # upcoming
    add(x, paris(2026, 3, 6, 9), S.CANCELLED_BY_YOUTH, "in_person", ("exchange",))
    add(x, paris(2026, 3, 26, 9), S.CANCELLED_BY_STRUCTURE, "video", ("exchange",))
    add(x, paris(2026, 3, 27, 9), S.PENDING, "video", ("exchange",))  # never an interview
    add(x, paris(2026, 3, 10, 9), S.EXPIRED, "video", ("exchange",))  # never an interview
    # Out of the period, by a few minutes in Paris time (UTC dates would say otherwise).
    add(x, paris(2026, 2, 28, 23, 30), S.NO_SHOW, "video", ("exchange",))
    add(x, paris(2026, 4, 1, 0, 0), S.CONFIRMED, "video", ("exchange",))
    # Structure Y, same month.
    add(y, paris(2026, 3, 2, 9), S.NO_SHOW, "video", ("exchange",))
    add(y, paris(2026, 3, 3, 9), S.NO_SHOW, "in_person", ("exchange",))
    return x.structure, y.structure


def filters_for(structure, **extra):
    return Filters(start=MARCH[0], end=MARCH[1], structure_ids=(structure.pk,), **extra)


def test_interviews_by_mode_and_outcome(network):
    x, _y = network
    table = structure_statistics(filters_for(x), now=NOW).by_mode_and_outcome
    assert table.counts == {
        ("in_person", Outcome.DONE): 2,
        ("video", Outcome.DONE): 1,
        ("video", Outcome.NO_SHOW): 1,
        ("video", Outcome.LATE_CANCELLED): 1,
        ("phone", Outcome.TO_RECORD): 2,
        ("video", Outcome.UPCOMING): 1,
        ("in_person", Outcome.CANCELLED_BY_YOUTH): 1,
        ("video", Outcome.CANCELLED_BY_STRUCTURE): 1,
    }
    assert table.modes == ["in_person", "video", "phone"]
    assert table.row("video") == [1, 1, 1, 0, 1, 0, 1]
    assert table.by_outcome() == [3, 1, 1, 2, 1, 1, 1]
    assert table.total == 10


def test_no_show_rate_counts_only_held_and_no_shows_whose_time_has_passed(network):
    x, y = network
    figures = attendance(filters_for(x), now=NOW)
    assert (figures.held, figures.no_show, figures.late_cancelled, figures.to_record) == (
        3, 1, 1, 2)
    # Not in the denominator: the late cancellation, the two interviews to record, the
    # upcoming one, the cancellations, holds, and the no-show of 28 February.
    assert figures.denominator == 4
    assert figures.no_show_rate == pytest.approx(0.25)
    assert attendance(filters_for(y), now=NOW).no_show_rate == 1
    # Earlier in the month, fewer interviews had taken place.
    early = attendance(filters_for(x), now=paris(2026, 3, 3, 12))
    assert (early.held, early.no_show, early.denominator) == (3, 0, 3)
    assert early.no_show_rate == 0


def test_no_show_rate_is_none_without_denominator(network):
    x, _y = network
    figures = attendance(Filters(start=dt.date(2026, 3, 25), end=dt.date(2026, 3, 31),
                                 structure_ids=(x.pk,)), now=NOW)
    assert figures.denominator == 0 and figures.no_show_rate is None


def test_domains_requested_count_each_domain_once_per_request(network):
    x, _y = network
    domains = {row.code: row.count for row in domains_requested(filters_for(x))}
    # Cancelled interviews (exchange ×2) and holds are not requests.
    assert domains == {"studies": 4, "internship": 1, "job": 2, "volunteering": 1,
                       "au_pair": 1}
    ranked = domains_requested(filters_for(x))
    assert (ranked[0].code, ranked[0].label) == ("studies", "études")


def test_filters_by_departement_and_mode(network):
    _x, _y = network
    everybody = Filters(start=MARCH[0], end=MARCH[1])
    assert sum(interview_counts(everybody, "mode").values()) == 12
    in_64 = Filters(start=MARCH[0], end=MARCH[1], departements=("64",))
    assert interview_counts(in_64, "mode") == {("video",): 1, ("in_person",): 1}
    video = Filters(start=MARCH[0], end=MARCH[1], modes=("video",))
    assert attendance(video, now=NOW).no_show == 2


def test_counts_by_age_band_and_month(network):
    x, _y = network
    bands = interview_counts(Filters(start=dt.date(2026, 2, 1), end=dt.date(2026, 4, 30),
                                     structure_ids=(x.pk,)), "age_band")
    assert bands == {("15-17 ans",): 1, ("18-25 ans",): 9, ("26-30 ans",): 1,
                     (AGE_UNKNOWN,): 1}
    months = interview_counts(Filters(start=dt.date(2026, 2, 1), end=dt.date(2026, 4, 30),
                                      structure_ids=(x.pk,)), "month")
    assert months == {(dt.date(2026, 2, 1),): 1, (dt.date(2026, 3, 1),): 10,
                      (dt.date(2026, 4, 1),): 1}
    with pytest.raises(ValueError, match="unknown dimension"):
        interview_counts(filters_for(x), "colour")
    with pytest.raises(ValueError):
        Filters(start=MARCH[1], end=MARCH[0])


def test_programmes_sent_by_the_structure_in_the_period(network):
    x, y = network
    sheet_a, sheet_b = ProgrammeSheetFactory(title="Volontariat A"), ProgrammeSheetFactory(
        title="Stage B")

    def send(structure, when, *sheets):
        recommendation = ProgrammeRecommendation.objects.create(
            youth=AppointmentFactory().youth, structure=structure, created_at=when)
        recommendation.sheets.set(sheets)

    send(x, paris(2026, 3, 2, 11), sheet_a, sheet_b)
    send(x, paris(2026, 3, 31, 23, 59), sheet_a)
    send(x, paris(2026, 4, 1, 0, 1), sheet_b)  # next month
    send(y, paris(2026, 3, 3, 11), sheet_b)  # other structure
    sent = programmes_sent(filters_for(x))
    assert (sent.selections, sent.programmes) == (2, 3)
    assert [(row.label, row.count) for row in sent.by_sheet] == [("Volontariat A", 2),
                                                                 ("Stage B", 1)]


def test_structure_statistics_queries_and_csv(network, django_assert_num_queries):
    x, _y = network
    with django_assert_num_queries(5):
        figures = structure_statistics(filters_for(x), now=NOW)
    assert figures.requests == 8
    rows = csv_rows(figures)
    assert ("présence", "taux d'absence", "absences / (réalisés + absences)",
            Decimal("0.2500")) in rows
    assert ("entretiens", "en visio", "réalisé", 1) in rows
    assert ("entretiens", "total", "tous", 10) in rows
    assert ("domaines demandés", "études", "studies", 4) in rows
