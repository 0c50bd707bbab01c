"""Public read-only JSON API: content, ISO 8601 datetimes with offsets, 400s with a reason."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.slots import cache as slot_cache
from tests.factories import StructureFactory

from .web_support import NOW, bookable_advisor

pytestmark = pytest.mark.django_db

SLOTS_URL = "/api/v1/structures/ij-bordeaux/slots/"


@pytest.fixture
def advisor():
    with time_machine.travel(NOW, tick=False):
        yield bookable_advisor(public_name="Info Jeunes Bordeaux Test", slug="ij-bordeaux",
                               latitude="44.837789", longitude="-0.579180")


def test_structures_lists_active_structures_with_next_free_slot(client, advisor):
    bookable_advisor(public_name="Info Jeunes Pau Test", slug="ij-pau", departement="64",
                     postal_code="64000", commune="Pau", modes=("phone",))
    StructureFactory(slug="candidate", status="candidate")
    response = client.get("/api/v1/structures/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["count"] == 2
    by_slug = {s["slug"]: s for s in data["structures"]}
    assert set(by_slug) == {"ij-bordeaux", "ij-pau"}
    bordeaux = by_slug["ij-bordeaux"]
    assert bordeaux["public_name"] == "Info Jeunes Bordeaux Test"
    assert bordeaux["departement"] == "33" and bordeaux["commune"] == "Bordeaux"
    assert bordeaux["latitude"] == pytest.approx(44.837789)
    assert bordeaux["modes"] == ["in_person", "video"]
    assert bordeaux["next_free_slot"] == "2026-03-04T09:00:00+01:00"
    assert bordeaux["next_free_slot_by_mode"]["phone"] is None
    assert by_slug["ij-pau"]["modes"] == ["phone"]
    assert bordeaux["slots_url"].endswith(SLOTS_URL)


def test_structure_without_free_slot_has_null(client, advisor):
    with time_machine.travel(NOW, tick=False):
        bookable_advisor(slug="closed", weekdays=[])
        data = client.get("/api/v1/structures/").json()
    closed = next(s for s in data["structures"] if s["slug"] == "closed")
    assert closed["next_free_slot"] is None and closed["modes"] == []


def test_structures_query_count_is_constant(client, advisor):
    def queries_of_a_fresh_worker():
        for memo in slot_cache._memo.values():
            memo.clear()
        with CaptureQueriesContext(connection) as queries:
            client.get("/api/v1/structures/")
        return len(queries)

    with time_machine.travel(NOW, tick=False):
        few = queries_of_a_fresh_worker()
        for _ in range(4):
            bookable_advisor()
        assert queries_of_a_fresh_worker() == few
        with CaptureQueriesContext(connection) as warm:
            client.get("/api/v1/structures/")
        assert len(warm) == 0  # offers, structures and appointments all at hand


def test_slots_default_range_is_a_week_from_today(client, advisor):
    with time_machine.travel(NOW, tick=False):
        data = client.get(SLOTS_URL).json()
    assert data["from"] == "2026-03-02" and data["to"] == "2026-03-09"
    assert data["mode"] is None
    starts = [s["starts_at"] for s in data["slots"]]
    # Wed–Fri and Monday 9 March: 4 days × 3 slots (Monday 2 and Tuesday 3 are inside 48 h).
    assert len(starts) == 12 and starts[0] == "2026-03-04T09:00:00+01:00"
    assert data["slots"][0]["ends_at"] == "2026-03-04T10:00:00+01:00"
    assert data["slots"][0]["modes"] == ["in_person", "video"]
    assert "/rendez-vous/ij-bordeaux/reserver/?" in data["slots"][0]["booking_url"]


def test_slots_after_the_clock_change_have_the_summer_offset(client, advisor):
    with time_machine.travel(NOW, tick=False):
        data = client.get(SLOTS_URL, {"from": "2026-03-30", "to": "2026-03-30",
                                      "mode": "video"}).json()
    assert [s["starts_at"] for s in data["slots"]] == [
        "2026-03-30T09:00:00+02:00", "2026-03-30T10:00:00+02:00", "2026-03-30T11:00:00+02:00"]
    assert data["mode"] == "video"


def test_slots_mode_filter(client, advisor):
    with time_machine.travel(NOW, tick=False):
        assert client.get(SLOTS_URL, {"mode": "phone"}).json()["slots"] == []


@pytest.mark.parametrize(("params", "reason"), [
    ({"from": "2026-13-01"}, "« from » invalide"),
    ({"from": "04/03/2026"}, "AAAA-MM-JJ"),
    ({"to": "demain"}, "« to » invalide"),
    ({"from": "2026-03-10", "to": "2026-03-09"}, "est avant"),
    ({"from": "2026-03-01", "to": "2026-05-03"}, "Période trop longue"),
    ({"mode": "pigeon"}, "Modalité inconnue"),
    ({"from": "9999-12-31"}, "hors limites"),
])
def test_slots_bad_parameters_are_400_with_the_reason(client, advisor, params, reason):
    with time_machine.travel(NOW, tick=False):
        response = client.get(SLOTS_URL, params)
    assert response.status_code == 400
    assert reason in response.json()["error"]


def test_slots_range_of_62_days_is_accepted(client, advisor):
    with time_machine.travel(NOW, tick=False):
        response = client.get(SLOTS_URL, {"from": "2026-03-01", "to": "2026-05-02"})
    assert response.status_code == 200


def test_unknown_structure_is_404_json(client, advisor):
    response = client.get("/api/v1/structures/inconnue/slots/")
    assert response.status_code == 404
    assert "Structure inconnue" in response.json()["error"]


def test_api_is_read_only(client, advisor):
    assert client.post("/api/v1/structures/").status_code == 405


def test_slots_query_count_is_constant(client, advisor):
    with time_machine.travel(NOW, tick=False):
        with CaptureQueriesContext(connection) as few:
            client.get(SLOTS_URL, {"from": "2026-03-02", "to": "2026-04-30"})
        for _ in range(3):
            bookable_advisor(structure=advisor.structure)
        with CaptureQueriesContext(connection) as many:
            client.get(SLOTS_URL, {"from": "2026-03-02", "to": "2026-04-30"})
    assert len(many) == len(few)
