"""The first look of "Mon espace": the engine's top results on the young person's profile,
what was shown and opened kept for the advisor."""

import datetime as dt

import pytest

from matching.first_look import (
    FIRST_LOOK_SIZE,
    first_look_for_youth,
    first_look_record_opened,
    first_look_record_shown,
    first_look_views_for_youth,
)
from matching.models import FirstLookView, MobilityProfile
from programmes.selectors import sheet_data_cache
from tests.factories import ProgrammeSheetFactory, YouthFactory

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fresh_sheet_cache():
    sheet_data_cache.clear()
    yield
    sheet_data_cache.clear()


@pytest.fixture
def sheets():
    return {
        "volontariat-europe": ProgrammeSheetFactory(
            slug="volontariat-europe", title="Volontariat en Europe", domains=["volunteering"],
            destination_zones=["eu"], destination_countries=[], age_min=18, age_max=30),
        "volontariat-monde": ProgrammeSheetFactory(
            slug="volontariat-monde", title="Volontariat dans le monde",
            domains=["volunteering"], destination_zones=["worldwide"],
            destination_countries=[], age_min=18, budget_min_eur=2000),
        "etudes-allemagne": ProgrammeSheetFactory(
            slug="etudes-allemagne", title="Études en Allemagne", domains=["studies"],
            destination_countries=["DE"]),
        "lycee": ProgrammeSheetFactory(slug="lycee", title="Échange de lycéens",
                                       domains=["exchange"], age_max=17),
        "brouillon": ProgrammeSheetFactory(slug="brouillon", title="Volontariat brouillon",
                                           domains=["volunteering"], publication="draft"),
    }


def _profile(**fields):
    youth = YouthFactory()
    values = {"birth_date": dt.date(2003, 4, 2), "wish_domains": ["volunteering"],
              "wish_zones": ["eu"], "budget_eur": 500, **fields}
    return MobilityProfile.objects.create(user=youth, **values)


def test_not_ready_without_a_birth_date_or_a_wish(sheets):
    assert not first_look_for_youth(profile=None, on=ON).ready
    assert not first_look_for_youth(profile=_profile(birth_date=None), on=ON).ready
    assert not first_look_for_youth(profile=_profile(wish_domains=[], wish_zones=[]),
                                    on=ON).ready
    assert first_look_for_youth(profile=_profile(wish_zones=[], wish_countries=["DE"]),
                                on=ON).ready


def test_the_engine_top_results_with_their_lines_published_sheets_only(sheets):
    look = first_look_for_youth(profile=_profile(), on=ON)
    assert look.ready
    assert [item.slug for item in look.items] == [
        "volontariat-europe", "volontariat-monde", "etudes-allemagne"][:FIRST_LOOK_SIZE]
    first = look.items[0]
    assert first.title == "Volontariat en Europe"
    assert "Domaine : volontariat, comme souhaité" in first.met
    assert any(line.startswith("Âge : 23 ans") for line in first.met)
    second = look.items[1]
    assert "Budget conseillé 2 000 € : vous indiquez 500 €" in second.missing
    assert "lycee" not in [item.slug for item in look.items]  # too old: a hard condition
    assert "brouillon" not in [item.slug for item in look.items]


def test_constant_queries_whatever_the_number_of_sheets(sheets, django_assert_max_num_queries):
    profile = _profile()
    first_look_for_youth(profile=profile, on=ON)  # converted sheets cached in the process
    with django_assert_max_num_queries(2):
        first_look_for_youth(profile=profile, on=ON)
    for n in range(30):
        ProgrammeSheetFactory(slug=f"en-plus-{n}", domains=["volunteering"])
    first_look_for_youth(profile=profile, on=ON)
    with django_assert_max_num_queries(2):
        first_look_for_youth(profile=profile, on=ON)


def test_what_was_shown_and_opened_is_kept_for_the_advisor(sheets):
    profile = _profile()
    look = first_look_for_youth(profile=profile, on=ON)
    first_look_record_shown(youth=profile.user, items=look.items, now=NOW)
    later = NOW + dt.timedelta(days=2)
    first_look_record_shown(youth=profile.user, items=look.items[::-1], now=later)
    assert first_look_record_opened(youth=profile.user, slug="volontariat-monde", now=later)
    assert first_look_record_opened(youth=profile.user, slug="volontariat-monde", now=later)
    assert not first_look_record_opened(youth=profile.user, slug="lycee", now=later)
    views = first_look_views_for_youth(youth=profile.user)
    assert [(v.sheet.slug, v.rank) for v in views] == [
        ("etudes-allemagne", 1), ("volontariat-monde", 2), ("volontariat-europe", 3)]
    monde = views[1]
    assert (monde.first_shown_at, monde.last_shown_at) == (NOW, later)
    assert (monde.opened_at, monde.times_opened) == (later, 2)
    assert views[0].opened_at is None and views[0].times_opened == 0
    assert FirstLookView.objects.count() == 3  # one row per sheet, not per display


def test_recording_is_one_query(sheets, django_assert_num_queries):
    profile = _profile()
    look = first_look_for_youth(profile=profile, on=ON)
    with django_assert_num_queries(1):
        first_look_record_shown(youth=profile.user, items=look.items, now=NOW)
    with django_assert_num_queries(1):
        first_look_record_shown(youth=profile.user, items=look.items, now=NOW)


def test_in_the_personal_data_export_and_erased_with_the_account(sheets):
    from privacy.services import user_data_export, user_erase

    profile = _profile()
    look = first_look_for_youth(profile=profile, on=ON)
    first_look_record_shown(youth=profile.user, items=look.items, now=NOW)
    exported = user_data_export(user=profile.user, now=NOW)["first_look"]
    assert [row["programme"] for row in exported] == [item.title for item in look.items]
    user_erase(user=profile.user, now=NOW)
    assert not FirstLookView.objects.exists()
