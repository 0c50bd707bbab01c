"""The services the benchmark starts for itself on loopback, and stops: a throwaway PostgreSQL
cluster, Redis, gunicorn and a Celery worker. Every process is started in its own session and
stopped by its own id; nothing else on the machine is touched.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

PG_BIN = max(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name),
             default=Path("/usr/lib/postgresql/15/bin"))
PROJECT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def wait_for(check: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} : pas prêt après {timeout:.0f} s")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (gunicorn's workers, PostgreSQL's backends)."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time consumed so far by these processes."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Process:
    """A child process in its own session, logging to a file, stopped by its id."""

    def __init__(self, name: str, args: list[str], *, env: dict[str, str], log: Path,
                 cwd: Path = PROJECT) -> None:
        self.name = name
        self.log = log
        with log.open("ab") as out:
            self.popen = subprocess.Popen(args, env=env, cwd=cwd, stdout=out,
                                          stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> None:
        if not self.alive():
            return
        self.popen.send_signal(sig)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.pid, signal.SIGKILL)  # its own session: only what it started
            self.popen.wait()


class Postgres:
    """A throwaway cluster (``initdb``), with password authentication over TCP like a real
    deployment, so that opening a connection costs what it costs in production."""

    USER, PASSWORD, DATABASE = "bench", "bench", "bench"

    def __init__(self, workdir: Path, port: int) -> None:
        self.port = port
        self.data = workdir / "pgdata"
        self.sockets = workdir / "pgsock"
        self.log = workdir / "postgresql.log"
        self._as_postgres = os.geteuid() == 0
        self.existing = self.data.exists()
        if self.existing:  # a kept working directory: its data is measured again
            return
        for path in (self.data, self.sockets):
            path.mkdir()
        if self._as_postgres:
            shutil.chown(workdir, "postgres")
            for path in (self.data, self.sockets):
                shutil.chown(path, "postgres")
        pwfile = workdir / "pgpass"
        pwfile.write_text(self.PASSWORD)
        if self._as_postgres:
            shutil.chown(pwfile, "postgres")
        self._run(PG_BIN / "initdb", "-D", self.data, "-U", self.USER, "--pwfile", pwfile,
                  "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                  "--locale=C.UTF-8")
        pwfile.unlink()

    @property
    def url(self) -> str:
        return (f"postgres://{self.USER}:{self.PASSWORD}@127.0.0.1:{self.port}/"
                f"{self.DATABASE}")

    def _run(self, *args: object) -> None:
        command = [str(arg) for arg in args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.sockets} "
                   "-c max_connections=200")
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-w", "-o", options,
                  "start")

    def stop(self) -> None:
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-w", "-m", "fast", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def create_database(self) -> None:
        self._run(PG_BIN / "createdb", "-h", self.sockets, "-p", self.port, "-U", self.USER,
                  self.DATABASE)

    def pids(self) -> list[int]:
        """The postmaster and its backends (for CPU accounting)."""
        try:
            postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError):
            return []
        return [postmaster, *children(postmaster)]

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()


class Redis:
    def __init__(self, workdir: Path, port: int) -> None:
        self.port = port
        self.workdir = workdir
        self.process: Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = Process(
            "redis", ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                      "--save", "", "--appendonly", "no", "--dir", str(self.workdir)],
            env=dict(os.environ), log=self.workdir / "redis.log")
        wait_for(lambda: port_open(self.port), "Redis", 10)

    def pids(self) -> list[int]:
        return [self.process.pid] if self.process else []

    def stop(self) -> None:
        if self.process:
            self.process.stop()


class Gunicorn:
    """gunicorn with the project's ``gunicorn.conf.py``, bound to loopback; with
    ``BENCH_PROFILE_DIR`` in ``env``, the same settings plus the profiling hooks of
    ``benchmarks/gunicorn_profile.py``."""

    def __init__(self, name: str, workdir: Path, port: int, env: dict[str, str],
                 workers: int) -> None:
        self.name = name
        self.port = port
        self.workers = workers
        self.process = Process(
            f"gunicorn-{name}",
            [str(VENV_BIN / "gunicorn"), "somobilite.wsgi:application", "--config",
             str(PROJECT / ("benchmarks/gunicorn_profile.py" if env.get("BENCH_PROFILE_DIR")
                            else "gunicorn.conf.py")), "--bind", f"127.0.0.1:{port}", "--workers",
             str(workers)],
            env=env, log=workdir / f"gunicorn-{name}.log")
        wait_for(self._ready, f"gunicorn {name}", 300)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _ready(self) -> bool:
        if not self.alive():
            raise RuntimeError(f"gunicorn {self.name} s'est arrêté : voir {self.process.log}")
        if len(self.worker_pids()) < self.workers:
            return False
        try:
            with urllib.request.urlopen(f"{self.base_url}/__bench__/bare/", timeout=5) as r:
                status: int = r.status
            return status == 200
        except OSError:
            return False

    def alive(self) -> bool:
        return self.process.alive()

    def worker_pids(self) -> list[int]:
        return children(self.process.pid)

    def stop(self) -> None:
        self.process.stop()


class CeleryWorker:
    """The Celery worker as in docker-compose (prefork), on the benchmark's Redis."""

    def __init__(self, workdir: Path, env: dict[str, str], concurrency: int = 2) -> None:
        self.process = Process(
            "celery",
            [str(VENV_BIN / "celery"), "-A", "somobilite", "worker", "--loglevel=WARNING",
             f"--concurrency={concurrency}", "--without-heartbeat", "--without-gossip",
             "--without-mingle"],
            env=env, log=workdir / "celery.log")
        wait_for(lambda: len(children(self.process.pid)) >= concurrency, "Celery", 300)

    def pids(self) -> list[int]:
        return [self.process.pid, *children(self.process.pid)]

    def stop(self) -> None:
        self.process.stop(timeout=30)


def new_workdir(existing: str | None = None) -> Path:
    if existing:
        return Path(existing)
    return Path(tempfile.mkdtemp(prefix="somobilite-bench-"))
