"""Profiling the benchmark's gunicorn workers (``benchmarks/gunicorn_profile.py``,
``benchmarks.profiling``)."""

import runpy
from pathlib import Path
from types import SimpleNamespace

from benchmarks.profiling import main, normalised_path, page_costs

ROOT = Path(__file__).resolve().parents[2]


def test_ids_are_replaced_so_that_a_page_s_requests_group_together():
    assert normalised_path("/rendez-vous/confirmation/4c0cd005-83cf-49d3-8aff-9177b0000000/") \
        == "/rendez-vous/confirmation/<id>/"
    assert normalised_path("/rendez-vous/bench-12/reserver/") == "/rendez-vous/bench-12/reserver/"
    assert normalised_path("/api/v1/structures/17") == "/api/v1/structures/<id>"


def test_the_profiling_settings_are_the_project_s_plus_hooks_that_time_each_request(
        tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BENCH_PROFILE_DIR", str(tmp_path))
    monkeypatch.setenv("BENCH_PROFILE_CPROFILE", "1")
    project = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    profiling = runpy.run_path(str(ROOT / "benchmarks" / "gunicorn_profile.py"))
    for name in ("bind", "workers", "worker_class", "threads", "keepalive", "timeout"):
        assert profiling[name] == project[name], name

    profiling["post_worker_init"](None)
    for path in ("/rendez-vous/confirmation/4c0cd005-83cf-49d3-8aff-9177b0000000/",
                 "/rendez-vous/confirmation/9d0cd005-83cf-49d3-8aff-9177b0000001/"):
        request = SimpleNamespace(method="GET", path=path)
        profiling["pre_request"](None, request)
        sum(range(200_000))  # some CPU inside the application
        profiling["post_request"](None, request, {}, None)
    profiling["worker_exit"](None, None)

    [cost] = page_costs(tmp_path)
    assert (cost.page, cost.requests) == ("GET /rendez-vous/confirmation/<id>/", 2)
    assert cost.django_ms > 0 and cost.gunicorn_ms >= 0
    assert len(list(tmp_path.glob("worker-*.prof"))) == 1
    assert main([str(tmp_path)]) == 0
    assert "GET /rendez-vous/confirmation/<id>/" in capsys.readouterr().out
