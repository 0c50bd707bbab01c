"""The offers cache (bookings.slots.cache): a warm read costs one query, and no change of an
input is ever served stale."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from advisors.models import StructureStatus
from bookings.models import Absence, Appointment, AppointmentStatus
from bookings.slots import (
    active_appointment_rows,
    active_appointments,
    free_slots_for_structure,
    next_free_slot_by_structure,
    next_free_slot_by_structure_and_mode,
    next_free_slots_for_structure,
    structure_get_active,
)
from bookings.slots import cache as slot_cache
from tests.factories import (
    AppointmentFactory,
    BookableAdvisorFactory,
    OneOffAvailabilityFactory,
    RecurringAvailabilityFactory,
    StructureFactory,
    YouthFactory,
)
from tests.loopback import fail_soft_caches

from .conftest import NOW, paris

pytestmark = pytest.mark.django_db

FRIDAY = [paris(2026, 3, 27, 9), paris(2026, 3, 27, 10), paris(2026, 3, 27, 11)]


def week(advisor, mode=None):
    """Starts of the free slots of the advisor's structure, week of Monday 23 March."""
    return [s.starts_at for s in free_slots_for_structure(
        structure=advisor.structure, start=paris(2026, 3, 23), end=paris(2026, 3, 30), now=NOW,
        mode=mode)]


def test_a_second_read_costs_one_query_and_gives_the_same_slots(
    advisor, django_assert_num_queries,
):
    with django_assert_num_queries(4):
        cold = week(advisor)
    with django_assert_num_queries(1):
        assert week(advisor) == cold == FRIDAY
    with django_assert_num_queries(1):  # same offers, other questions
        assert [s.starts_at for s in next_free_slots_for_structure(
            structure=advisor.structure, now=NOW, limit=2)] == FRIDAY[:2]
    # The region-wide list: its offers, then the index of every active appointment, which
    # the process keeps until an appointment changes.
    with django_assert_num_queries(5):
        by_mode = next_free_slot_by_structure_and_mode(now=NOW)
    with django_assert_num_queries(0):
        first = next_free_slot_by_structure(now=NOW)
        assert week(advisor) == FRIDAY  # the index serves every page of the process
    assert first[advisor.structure_id] == by_mode[advisor.structure_id]["video"]
    assert first[advisor.structure_id].starts_at == FRIDAY[0]


def test_an_appointment_is_never_listed_even_from_a_warm_cache(
    advisor, django_assert_num_queries,
):
    youth = YouthFactory()
    assert week(advisor) == FRIDAY
    assert next_free_slot_by_structure(now=NOW)[advisor.structure_id].starts_at == FRIDAY[0]
    appointment = AppointmentFactory(advisor=advisor, youth=youth, starts_at=FRIDAY[0])
    with django_assert_num_queries(1):  # still warm: appointments are read live
        assert week(advisor) == FRIDAY[1:]
    with django_assert_num_queries(1):
        assert next_free_slot_by_structure(now=NOW)[advisor.structure_id].starts_at == FRIDAY[1]
    # A pending hold counts until it expires.
    appointment.status = AppointmentStatus.PENDING
    appointment.confirmed_at = None  # a hold was never confirmed (the database checks it)
    appointment.hold_expires_at = NOW + dt.timedelta(minutes=10)
    appointment.save()
    assert week(advisor) == FRIDAY[1:]
    appointment.hold_expires_at = NOW - dt.timedelta(minutes=1)
    appointment.save()
    assert week(advisor) == FRIDAY


def test_a_new_absence_is_seen_at_once(advisor):
    assert week(advisor) == FRIDAY
    absence = Absence.objects.create(advisor=advisor, starts_at=paris(2026, 3, 27, 10),
                                     ends_at=paris(2026, 3, 27, 11), kind="short",
                                     reason="Rendez-vous médical")
    assert week(advisor) == [FRIDAY[0], FRIDAY[2]]
    absence.delete()
    assert week(advisor) == FRIDAY


def test_new_availability_is_seen_at_once(advisor):
    assert week(advisor) == FRIDAY
    assert week(advisor, mode="phone") == FRIDAY
    OneOffAvailabilityFactory(advisor=advisor, date=dt.date(2026, 3, 25),
                              start_time=dt.time(14), end_time=dt.time(15))
    assert week(advisor) == [paris(2026, 3, 25, 14), *FRIDAY]
    assert week(advisor, mode="phone") == FRIDAY  # that one is not by phone
    RecurringAvailabilityFactory(advisor=advisor, weekday=3, start_time=dt.time(16),
                                 end_time=dt.time(17))
    assert week(advisor) == [paris(2026, 3, 25, 14), paris(2026, 3, 26, 16), *FRIDAY]


def test_convention_structure_advisor_and_account_changes_are_seen_at_once(advisor):
    convention = advisor.structure.conventions.get()
    assert week(advisor) == FRIDAY
    convention.services_start_on = dt.date(2026, 4, 1)
    convention.save()
    assert week(advisor) == []
    convention.services_start_on = dt.date(2024, 3, 21)
    convention.save()
    assert week(advisor) == FRIDAY

    advisor.user.is_active = False
    advisor.user.save()
    assert week(advisor) == []
    advisor.user.is_active = True
    advisor.user.save()
    assert week(advisor) == FRIDAY

    advisor.structure.status = StructureStatus.ENDED
    advisor.structure.save()
    assert week(advisor) == []
    advisor.structure.status = StructureStatus.ACTIVE
    advisor.structure.save()
    assert week(advisor) == FRIDAY

    advisor.user.training_attendances.get().delete()
    assert week(advisor) == []


def test_a_login_does_not_empty_the_cache(advisor, django_assert_num_queries):
    youth = YouthFactory()
    assert week(advisor) == FRIDAY
    youth.last_login = NOW
    youth.save(update_fields=["last_login"])
    youth.first_name = "Léa"
    youth.save()
    with django_assert_num_queries(1):
        assert week(advisor) == FRIDAY


def test_a_rolled_back_change_leaves_nothing_behind(advisor):
    assert week(advisor) == FRIDAY
    with pytest.raises(RuntimeError), transaction.atomic():
        Absence.objects.create(advisor=advisor, starts_at=paris(2026, 3, 27),
                               ends_at=paris(2026, 3, 28), kind="short", reason="Formation")
        assert week(advisor) == []  # the writing transaction sees its own change
        raise RuntimeError
    assert week(advisor) == FRIDAY


def test_other_processes_get_a_new_token_when_the_change_commits(
    advisor, django_capture_on_commit_callbacks,
):
    shared = slot_cache._version_key()
    assert week(advisor) == FRIDAY
    before = cache.get(shared)
    with django_capture_on_commit_callbacks(execute=True):
        Absence.objects.create(advisor=advisor, starts_at=paris(2026, 3, 27),
                               ends_at=paris(2026, 3, 28), kind="short", reason="Formation")
        # Until the commit, the shared token (what other processes read) is unchanged.
        assert cache.get(shared) == before
        assert slot_cache.availability_version() != before
    assert cache.get(shared) not in (None, before)


@pytest.mark.django_db(transaction=True)
def test_committed_changes_are_seen_at_once_outside_a_transaction():
    advisor = BookableAdvisorFactory()
    RecurringAvailabilityFactory(advisor=advisor, weekday=4, start_time=dt.time(9),
                                 end_time=dt.time(12))
    assert week(advisor) == FRIDAY
    with transaction.atomic():
        Absence.objects.create(advisor=advisor, starts_at=paris(2026, 3, 27),
                               ends_at=paris(2026, 3, 28), kind="short", reason="Formation")
    assert week(advisor) == []
    cache.clear()  # e.g. Redis restarted: nothing stale either
    assert week(advisor) == []


def test_hand_written_appointment_query_matches_the_orm(advisor):
    other = BookableAdvisorFactory()
    youth = YouthFactory()
    for starts_at, status, hold in [
        (paris(2026, 3, 27, 9), "confirmed", None),
        (paris(2026, 3, 27, 10), "pending", NOW + dt.timedelta(minutes=5)),
        (paris(2026, 3, 27, 11), "pending", NOW - dt.timedelta(minutes=5)),
        (paris(2026, 4, 3, 9), "cancelled_by_youth", None),
        (paris(2026, 4, 3, 10), "confirmed", None),
        (paris(2026, 5, 29, 9), "confirmed", None),  # after the last day
    ]:
        AppointmentFactory(advisor=advisor, youth=youth, starts_at=starts_at, status=status,
                           hold_expires_at=hold)
    AppointmentFactory(advisor=other, youth=youth, starts_at=paris(2026, 3, 27, 9))
    days = {"first_day": dt.date(2026, 3, 27), "last_day": dt.date(2026, 5, 13), "now": NOW}
    for ids in ([advisor.pk], [advisor.pk, other.pk], None):
        orm = active_appointments(advisor_ids=ids, **days).values_list(
            "advisor_id", "start_s", "end_s")
        rows = active_appointment_rows(advisor_ids=ids, **days)
        assert sorted(rows) == sorted(orm)
        assert len(rows) == (3 if ids == [advisor.pk] else 4)


def test_the_active_structure_of_a_page_is_cached_and_never_stale(
    advisor, django_assert_num_queries,
):
    structure = advisor.structure
    with django_assert_num_queries(1):
        assert structure_get_active(slug=structure.slug) == structure
    with django_assert_num_queries(0):
        assert structure_get_active(slug=structure.slug) == structure
        assert structure_get_active(slug="x" * 200) is None
    assert structure_get_active(slug="inconnue") is None
    structure.status = StructureStatus.ENDED
    structure.save()
    assert structure_get_active(slug=structure.slug) is None
    StructureFactory(slug="inconnue")
    assert structure_get_active(slug="inconnue") is not None


def test_a_warm_free_slot_page_runs_one_query(
    advisor, client, frozen_now, django_assert_num_queries,
):
    url = reverse("bookings:structure_slots", args=[advisor.structure.slug])
    assert client.get(url).status_code == 200
    with django_assert_num_queries(1):  # the appointments
        response = client.get(url)
    assert "Vendredi 27 mars" in response.content.decode()
    AppointmentFactory(advisor=advisor, youth=YouthFactory(), starts_at=FRIDAY[0])
    assert "09:00" not in client.get(url).content.decode()


def test_a_request_reads_the_shared_token_once(db):
    shared = slot_cache._version_key()
    slot_cache._request_started()
    try:
        first = slot_cache.availability_version()
        cache.set(shared, "changed-by-another-process")
        assert slot_cache.availability_version() == first
        slot_cache.bump_availability_version()  # a change made by the request itself
        assert slot_cache.availability_version() not in (first, "changed-by-another-process")
    finally:
        slot_cache._request_finished()
    cache.set(shared, "changed-by-another-process")
    assert slot_cache.availability_version() == "changed-by-another-process"


@pytest.mark.django_db(transaction=True)
def test_during_a_cache_outage_offers_are_live_and_none_is_stale_after_it(
    settings, redis_server, django_assert_num_queries, caplog,
):
    settings.CACHES = fail_soft_caches(redis_server.url)
    advisor = BookableAdvisorFactory()
    RecurringAvailabilityFactory(advisor=advisor, weekday=4, start_time=dt.time(9),
                                 end_time=dt.time(12))
    assert week(advisor) == FRIDAY
    with django_assert_num_queries(1):
        assert week(advisor) == FRIDAY  # from the cache
    redis_server.stop()
    absence = Absence.objects.create(advisor=advisor, starts_at=paris(2026, 3, 27, 10),
                                     ends_at=paris(2026, 3, 27, 11), kind="short",
                                     reason="Formation")  # its invalidation cannot reach Redis
    with django_assert_num_queries(4):  # computed live
        assert week(advisor) == [FRIDAY[0], FRIDAY[2]]
    assert "Cache unavailable" in caplog.text
    # Back with the old token and its entries (the append-only file kept them): the process
    # that saw the outage replaces the token before reading again.
    redis_server.start()
    assert week(advisor) == [FRIDAY[0], FRIDAY[2]]
    with django_assert_num_queries(1):
        assert week(advisor) == [FRIDAY[0], FRIDAY[2]]
    absence.delete()
    assert week(advisor) == FRIDAY


def region_first(advisor):
    found = next_free_slot_by_structure(now=NOW).get(advisor.structure_id)
    return found.starts_at if found else None


@pytest.mark.django_db(transaction=True)
def test_the_appointments_index_follows_every_committed_change(django_assert_num_queries):
    advisor = BookableAdvisorFactory()
    RecurringAvailabilityFactory(advisor=advisor, weekday=4, start_time=dt.time(9),
                                 end_time=dt.time(12))
    assert region_first(advisor) == FRIDAY[0]
    assert week(advisor) == FRIDAY
    with django_assert_num_queries(0):  # offers and appointments index at hand
        assert region_first(advisor) == FRIDAY[0]
        assert week(advisor) == FRIDAY
    appointment = AppointmentFactory(advisor=advisor, starts_at=FRIDAY[0])  # committed
    assert region_first(advisor) == FRIDAY[1]
    assert week(advisor) == FRIDAY[1:]
    # A hold counts until its expiry, with no write when it passes.
    appointment.status = AppointmentStatus.PENDING
    appointment.confirmed_at = None  # a hold is not confirmed (database constraint)
    appointment.hold_expires_at = NOW + dt.timedelta(minutes=10)
    appointment.save()
    assert region_first(advisor) == FRIDAY[1]
    later = NOW + dt.timedelta(minutes=11)
    assert next_free_slot_by_structure(now=later)[advisor.structure_id].starts_at == FRIDAY[0]
    # Bulk writes (releasing holds) send no signal of Django's own: still seen.
    appointment.hold_expires_at = NOW + dt.timedelta(hours=1)
    appointment.save()
    assert region_first(advisor) == FRIDAY[1]
    Appointment.objects.filter(pk=appointment.pk).update(status=AppointmentStatus.EXPIRED)
    assert region_first(advisor) == FRIDAY[0]
    Appointment.objects.filter(pk=appointment.pk).update(
        status=AppointmentStatus.CONFIRMED, confirmed_at=NOW, starts_at=FRIDAY[2],
        ends_at=FRIDAY[2] + dt.timedelta(hours=1))
    assert week(advisor) == FRIDAY[:2]


@pytest.mark.django_db(transaction=True)
def test_writes_that_do_not_move_an_appointment_keep_the_index():
    advisor = BookableAdvisorFactory()
    RecurringAvailabilityFactory(advisor=advisor, weekday=4, start_time=dt.time(9),
                                 end_time=dt.time(12))
    appointment = AppointmentFactory(advisor=advisor, starts_at=FRIDAY[0])
    assert region_first(advisor) == FRIDAY[1]
    version = slot_cache.appointments_version()
    appointment.reminder_sent_at = NOW
    appointment.save(update_fields=["reminder_sent_at"])
    Appointment.objects.filter(pk=appointment.pk).update(project="")
    assert slot_cache.appointments_version() == version
    appointment.save()  # a whole row: it may have moved
    assert slot_cache.appointments_version() != version


def test_a_transaction_that_wrote_an_appointment_reads_them_live(
    advisor, django_assert_num_queries,
):
    assert region_first(advisor) == FRIDAY[0]
    assert week(advisor) == FRIDAY
    with transaction.atomic():
        AppointmentFactory(advisor=advisor, starts_at=FRIDAY[0])
        assert slot_cache.appointments_version() is None
        assert region_first(advisor) == FRIDAY[1]
        with django_assert_num_queries(1):
            assert week(advisor) == FRIDAY[1:]


def test_the_process_keeps_one_generation_of_entries():
    memo = slot_cache._Generation()
    memo.put("v1", "a", 1)
    memo.put("v1", "b", 2)
    assert memo.get("v1", "a") == 1
    memo.put("v2", "a", 3)  # a new token: the previous generation is dropped
    assert memo.entries == {"a": 3}
    assert memo.get("v1", "b") is None
    for n in range(slot_cache.PRIVATE_MEMO_SIZE + 5):
        memo.put(f"{slot_cache.PRIVATE_PREFIX}{n}", f"key-{n}", n)
    assert len(memo.private) == slot_cache.PRIVATE_MEMO_SIZE
    assert memo.get("v2", "a") == 3
