"""Load generators: wrk (Debian) for the throughput of one URL, locust (PyPI) for scenarios
with state (booking with the email code, cancelling), and plain timed requests for the cold
list. Each returns plain numbers; ``benchmarks.__main__`` compares them.
"""

from __future__ import annotations

import csv
import http.client
import json
import os
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .services import VENV_BIN, cpu_seconds

WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "errors": %d, "status_errors": %d, '
    .. '"p50": %d, "p95": %d, "p99": %d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    e.status, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


@dataclass
class Run:
    """One load run of one URL: throughput, latency percentiles (ms), errors, and the CPU the
    servers spent per request (ms), which stays meaningful on a busy machine."""

    requests: int
    seconds: float
    errors: int
    p50: float
    p95: float
    p99: float
    server_cpu_ms: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk(url: str, *, seconds: float, connections: int, workdir: Path,
        server_pids) -> Run:
    """``wrk`` on one URL (one thread: the load generator shares the machine's cores)."""
    script = workdir / "wrk-report.lua"
    if not script.exists():
        script.write_text(WRK_REPORT)
    pids = server_pids()
    cpu_before = cpu_seconds(pids)
    result = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{int(seconds)}s", "--timeout", "10s", "-s",
         str(script), url],
        check=True, capture_output=True, text=True)
    cpu = cpu_seconds(pids) - cpu_before
    data = json.loads(result.stdout.strip().splitlines()[-1])
    requests = data["requests"]
    return Run(requests=requests, seconds=data["duration_us"] / 1e6, errors=data["errors"],
               p50=data["p50"] / 1000, p95=data["p95"] / 1000, p99=data["p99"] / 1000,
               server_cpu_ms=cpu * 1000 / requests if requests else 0.0)


def get(port: int, path: str, timeout: float = 30.0) -> tuple[int, float, bytes]:
    """One GET on a new connection: status, milliseconds, body."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        body = response.read()
        return response.status, (time.perf_counter() - started) * 1000, body
    finally:
        conn.close()


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


@dataclass
class LocustPage:
    name: str
    requests: int
    failures: int
    p50: float
    p95: float
    p99: float


@dataclass
class LocustResult:
    """Per-page statistics of a locust run, with the CPU seconds spent meanwhile by locust
    itself and by the servers (``server_pids``)."""

    seconds: float
    pages: list[LocustPage] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    locust_cpu_s: float = 0.0
    server_cpu_s: dict[str, float] = field(default_factory=dict)

    def page(self, name: str) -> LocustPage | None:
        return next((p for p in self.pages if p.name == name), None)

    @property
    def errors(self) -> int:
        return sum(p.failures for p in self.pages if p.name != "Aggregated")


def locust(user_classes: list[str], *, host: str, users: int, seconds: int, workdir: Path,
           env: dict[str, str], tag: str,
           server_pids: dict[str, Callable[[], list[int]]] | None = None,
           spawn_rate: float | None = None) -> LocustResult:
    """A headless locust run of ``benchmarks/locustfile.py``: per-page statistics from its final
    JSON report (``locust_pages``), and the CPU seconds spent during the run by locust (one
    process) and by each group of ``server_pids`` (name → the ids of its processes).
    ``spawn_rate``: users started per second (default: all at once).

    When the run time is over, locust lets each user finish the booking it is in
    (``--stop-timeout``); the CPU read after it exits is that of every request made. Its CSV
    files are written by a timer and are not written again at exit: they missed the last
    second, i.e. every booking finished while stopping (132 made, 120 in the CSV, session 8),
    so the CPU per booking came out 10 % too high. The JSON report is written at exit."""
    prefix = workdir / f"locust-{tag}"
    report = Path(f"{prefix}.json")  # locust adds the suffix to --json-file
    report.unlink(missing_ok=True)
    # Per process, so that a process started during the run (a database connection opened by
    # a worker's first request) counts from zero instead of being missed.
    groups = server_pids or {}
    before = {name: {pid: cpu_seconds([pid]) for pid in pids()} for name, pids in groups.items()}
    process = subprocess.Popen(
        [str(VENV_BIN / "locust"), "-f", str(Path(__file__).with_name("locustfile.py")),
         "--headless", "--users", str(users), "--spawn-rate", str(spawn_rate or users),
         "--run-time", f"{seconds}s", "--host", host, "--csv", str(prefix),
         "--json-file", str(prefix), "--only-summary",
         "--loglevel", "WARNING", "--stop-timeout", "10", "--exit-code-on-error", "0",
         *user_classes],
        env={**os.environ, **env}, cwd=workdir,
        stdout=(workdir / f"locust-{tag}.log").open("w"), stderr=subprocess.STDOUT)
    locust_cpu = 0.0
    while process.poll() is None:  # read its CPU time while /proc still has it
        locust_cpu = cpu_seconds([process.pid]) or locust_cpu
        time.sleep(0.2)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, "locust")
    pages, span = locust_pages(json.loads(report.read_text()))
    result = LocustResult(seconds=span or float(seconds), pages=pages,
                          locust_cpu_s=locust_cpu,
                          server_cpu_s={name: sum(cpu_seconds([pid]) - before[name].get(pid, 0.0)
                                                  for pid in pids())
                                        for name, pids in groups.items()})
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        with failures.open(newline="") as file:
            result.failures = [f"{row['Name']} : {row['Error']} ({row['Occurrences']}×)"
                               for row in csv.DictReader(file)]
    return result


def locust_pages(report: list[dict]) -> tuple[list[LocustPage], float]:
    """Per-page statistics from locust's JSON report (``--json-file``: one entry per request
    name, with its count, failures, start time, last response time (epoch seconds) and its
    response times in ms as ``{rounded ms: count}``), in the report's order, and the seconds
    from the first entry's start to the last response (0.0 for an empty report). Percentiles
    are locust's own (the smallest rounded time that many requests finished within), so they
    read as its CSV's did."""
    pages = [LocustPage(name=entry["name"], requests=entry["num_requests"],
                        failures=entry["num_failures"],
                        p50=_percentile_of_counts(entry["response_times"], 50),
                        p95=_percentile_of_counts(entry["response_times"], 95),
                        p99=_percentile_of_counts(entry["response_times"], 99))
             for entry in report]
    starts = [entry["start_time"] for entry in report]
    ends = [entry["last_request_timestamp"] for entry in report
            if entry["last_request_timestamp"] is not None]
    return pages, (max(ends) - min(starts) if starts and ends else 0.0)


def _percentile_of_counts(times: dict[str, int], pct: float) -> float:
    """The ``pct`` percentile of response times given as ``{ms: count}`` (JSON keys are
    strings): locust's ``calculate_response_time_percentile``."""
    counted = sorted(((float(ms), count) for ms, count in times.items()), reverse=True)
    total = sum(count for _ms, count in counted)
    within = int(total * pct / 100)
    seen = 0
    for ms, count in counted:
        seen += count
        if total - seen <= within:
            return ms
    return 0.0


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0
