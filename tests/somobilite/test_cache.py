"""The cache is an optimisation, never a point of failure (somobilite.cache): against a real
Redis that is stopped and started again, a port where nothing listens, and one that hangs up."""

import logging

import pytest

from somobilite.cache import FailSoftRedisCache, cache_recovered
from tests.loopback import HangingUpServer, fail_soft_caches, free_port


def fail_soft(url: str, *, retry_after: float = 0) -> FailSoftRedisCache:
    params = fail_soft_caches(url, retry_after=retry_after)["default"]
    return FailSoftRedisCache(url, params)


@pytest.fixture(autouse=True)
def _no_outage_remembered():
    """Tests reuse ports: forget what an earlier test's cache saw of its server."""
    from somobilite import cache

    cache._down_until.clear()
    cache._outage.clear()


def test_with_redis_down_reads_miss_writes_are_dropped_and_a_warning_says_so(caplog):
    cache = fail_soft(f"redis://127.0.0.1:{free_port()}/0")
    with caplog.at_level(logging.WARNING, logger="somobilite.cache"):
        assert cache.get("k", "default") == "default"
        assert cache.set("k", 1) is None
        assert cache.add("lock", 1) is True  # a lock taken with add goes ahead: fail open
        assert cache.get_many(["a", "b"]) == {}
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]  # reported as not stored
        assert cache.has_key("k") is False
        assert cache.incr("counter", 3) == 3  # counters restart: limits fail open
        assert cache.touch("k") is False
        assert cache.delete("k") is False
        assert cache.get_or_set("k", lambda: "computed") == "computed"
    warnings = [r for r in caplog.records if r.name == "somobilite.cache"]
    assert warnings and all(r.levelno == logging.WARNING for r in warnings)
    assert "rate limits are not enforced" in warnings[0].getMessage()


def test_after_a_failure_redis_is_left_alone_for_the_retry_period(caplog):
    server = HangingUpServer()
    try:
        cache = fail_soft(server.url, retry_after=60)
        with caplog.at_level(logging.WARNING, logger="somobilite.cache"):
            for _ in range(20):
                assert cache.get("k") is None
                cache.set("k", "v")
        assert server.accepted == 1  # one connection attempt, then none for 60 s
        assert len([r for r in caplog.records if r.name == "somobilite.cache"]) == 1
    finally:
        server.close()


def test_redis_back_is_used_again_and_announced_once(redis_server):
    received = []

    def receiver(sender, location, **kwargs):
        received.append(location)

    cache_recovered.connect(receiver)
    try:
        cache = fail_soft(redis_server.url)
        cache.set("k", "kept")
        redis_server.stop()
        assert cache.get("k") is None
        cache.set("k", "lost")  # dropped
        assert received == []
        redis_server.start()
        # The append-only file kept the value; the write made while Redis was away is lost.
        assert [cache.get("k") for _ in range(3)] == ["kept"] * 3
        assert received == [redis_server.url]
    finally:
        cache_recovered.disconnect(receiver)


def test_a_working_redis_is_used_normally(redis_server):
    cache = fail_soft(redis_server.url)
    assert cache.add("k", 1) is True
    assert cache.add("k", 2) is False
    assert cache.incr("k") == 2
    assert cache.get_many(["k", "x"]) == {"k": 2}


def test_one_redis_client_is_kept_across_operations_and_a_restart(redis_server):
    """Django builds a redis-py client per operation; ours keeps one per pool (its CPU cost
    was most of a cache read), and it still works after Redis restarts."""
    cache = fail_soft(redis_server.url)
    client = cache._cache.get_client(write=True)
    cache.set("k", "v")
    assert cache.get("k") == "v"
    assert cache._cache.get_client(write=True) is client
    assert cache._cache.get_client() is client  # one server: reads use the same pool
    redis_server.stop()
    assert cache.get("k") is None
    redis_server.start()
    assert cache.get("k") == "v"
    assert cache._cache.get_client() is client
