"""The cached published sheets of the matching, and the selections shown to a young person."""

import datetime as dt

import pytest

from matching.models import ProgrammeRecommendation
from matching.selectors import recommendations_for_youth
from programmes.models import ProgrammeSheet
from programmes.selectors import published_sheet_data, sheet_data_cache
from programmes.services import programme_sheet_save
from tests.factories import AdvisorFactory, ProgrammeSheetFactory, YouthFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    sheet_data_cache.clear()
    yield
    sheet_data_cache.clear()


def _slugs():
    return [sheet.slug for sheet in published_sheet_data()]


def test_second_call_costs_one_small_query(django_assert_num_queries):
    ProgrammeSheetFactory(slug="a")
    ProgrammeSheetFactory(slug="b")
    with django_assert_num_queries(2):  # version + load
        first = published_sheet_data()
    with django_assert_num_queries(1):  # version only
        second = published_sheet_data()
    assert second is first
    assert [sheet.slug for sheet in second] == ["a", "b"]


def test_a_save_through_the_service_is_seen_at_once():
    sheet = ProgrammeSheetFactory(slug="a", domains=["studies"])
    assert published_sheet_data()[0].domains == ("studies",)
    sheet.domains = ["job"]
    programme_sheet_save(sheet=sheet)
    assert published_sheet_data()[0].domains == ("job",)
    sheet.publication = "draft"
    programme_sheet_save(sheet=sheet)
    assert _slugs() == []


def test_changes_made_elsewhere_are_seen_through_the_version():
    """Another process saved (its cache was cleared, not ours): the version tells."""
    ProgrammeSheetFactory(slug="a")
    ProgrammeSheetFactory(slug="b")
    assert _slugs() == ["a", "b"]
    ProgrammeSheet.objects.filter(slug="b").delete()  # count changes
    assert _slugs() == ["a"]
    ProgrammeSheet.objects.bulk_create([ProgrammeSheet(  # newer updated_at and id
        slug="c", title="C", summary="C", domains=["job"], destination_countries=["DE"],
        url="https://example.org/c", publication="published")])
    assert _slugs() == ["a", "c"]


def test_recommendations_for_youth_newest_first_in_constant_queries(django_assert_num_queries):
    youth = YouthFactory()
    advisor = AdvisorFactory().user
    sheets = [ProgrammeSheetFactory() for _ in range(3)]
    for day in (1, 3, 2):
        recommendation = ProgrammeRecommendation.objects.create(
            youth=youth, advisor=advisor, message=f"jour {day}",
            created_at=dt.datetime(2026, 11, day, 10, tzinfo=dt.UTC))
        recommendation.sheets.set(sheets[:day])
    ProgrammeRecommendation.objects.create(youth=YouthFactory(), advisor=advisor,
                                           created_at=dt.datetime(2026, 11, 4, tzinfo=dt.UTC))
    with django_assert_num_queries(2):
        rows = [(r.message, r.advisor.email, [s.slug for s in r.sheets.all()])
                for r in recommendations_for_youth(youth=youth)]
    assert [message for message, _, _ in rows] == ["jour 3", "jour 2", "jour 1"]
    assert [len(slugs) for _, _, slugs in rows] == [3, 2, 1]
