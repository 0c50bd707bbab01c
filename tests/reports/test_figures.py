"""The report's figures on the hand-built year (tests/reports/world.py), known by hand."""

import datetime as dt

import pytest

from reports.figures import annual_figures
from reports.tables import Gap, Rate, csv_value, pdf_value, report_tables
from tests.reports.world import NOW, YEAR, Year

pytestmark = pytest.mark.django_db


def test_figures_of_the_year_and_the_year_before():
    world = Year()
    steps = []
    figures = annual_figures(year=YEAR, now=NOW, progress=lambda s, p: steps.append(p))
    assert steps[0] == 0 and steps[-1] == 100 and steps == sorted(steps)
    current, previous = figures.current, figures.previous
    assert (current.interviews, current.requests, current.young_people) == (7, 6, 3)
    assert (current.attendance.held, current.attendance.no_show) == (4, 1)
    assert current.attendance.no_show_rate == 0.2
    assert (current.selections, current.programmes) == (1, 2)
    assert (previous.interviews, previous.attendance.held, previous.young_people) == (2, 2, 1)
    months = {month.month: sum(counts.values()) for month, counts in figures.by_month}
    assert months == {1: 0, 2: 0, 3: 3, 4: 0, 5: 0, 6: 2, 7: 0, 8: 0, 9: 1, 10: 1, 11: 0,
                      12: 0}
    departements = {code: sum(c.values()) for code, _name, c in figures.by_departement}
    assert (departements["33"], departements["64"], departements["16"]) == (5, 2, 0)

    by_id = {s.id: s for s in figures.structures}
    a, b, c = by_id[world.a.pk], by_id[world.b.pk], by_id[world.c.pk]
    # 53 ISO weeks (30/12/2024 – 4/1/2026); A: Fridays 3 h but 15 August; B: Mondays 2 h but
    # Easter Monday, Whit Monday and 14 July; C: nobody.
    assert figures.weeks_from == dt.date(2024, 12, 30)
    assert figures.weeks_to == dt.date(2026, 1, 4)
    assert (len(a.weeks), a.hours_offered, a.weeks_below) == (53, 156, 1)
    (below,) = [w for w in a.weeks if w.below_minimum]
    assert (below.week_start, below.hours, below.reason) == (
        dt.date(2025, 8, 11), 0, "jour férié dans la semaine")
    assert (b.hours_offered, b.weeks_below) == (100, 53)
    # C owes the minimum only while its convention is in force (tester t9b F17).
    assert (c.hours_offered, c.weeks_below, c.interviews) == (0, 24, 0)
    assert {w.reason for w in c.weeks if not w.below_minimum} == {
        "convention pas en vigueur",
        "convention en vigueur à partir du 15/02 : pas de minimum cette semaine"}
    assert (a.interviews, a.attendance.no_show_rate, b.interviews) == (5, 0.25, 2)
    assert [s.departement for s in figures.structures] == ["16", "33", "64"]


def test_tables_carry_the_figures_for_csv_and_pdf():
    Year()
    tables = {t.slug: t for t in report_tables(annual_figures(year=YEAR, now=NOW))}
    synthese = {row[0]: row[1:] for row in tables["synthese"].rows}
    booked = synthese["Entretiens réservés"]
    assert [csv_value(v) for v in booked] == ["2", "7", "5"]
    assert [pdf_value(v) for v in booked] == ["2", "7", "+5"]
    rate = synthese["Taux d'absence (absences / (réalisés + absences))"]
    assert [csv_value(v) for v in rate] == ["0,0000", "0,2000", "0,2000"]
    assert [pdf_value(v) for v in rate] == ["0,0 %", "20,0 %", "+20,0 pt"]
    assert pdf_value(Rate(None)) == "—" and csv_value(Rate(None)) == ""
    assert pdf_value(Gap(-1234)) == "-1 234" and csv_value(Gap(-1234)) == "-1234"
    assert len(tables["heures_par_semaine"].rows) == 3 * 53
