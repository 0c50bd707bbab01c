"""The production stack on loopback for the fault scenarios: a PostgreSQL cluster and a Redis of
their own, a mail server (aiosmtpd) that accepts, refuses or is slow on demand, gunicorn with
the production settings, and Celery workers, each started, stopped, restarted or killed by the
scenario. Ports come from 21800–21899 (``tests.loopback.free_port``); every wait is bounded.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.loopback import MailServer, RedisServer, free_port, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
PG_BIN = Path("/usr/lib/postgresql")


def wait_until(condition: Callable[[], bool], *, timeout: float, every: float = 0.1,
               what: str = "condition") -> None:
    """Poll ``condition`` until true; TimeoutError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not reached after {timeout} s")
        time.sleep(every)


def _pg_bin(name: str) -> str:
    versions = sorted((p for p in PG_BIN.iterdir() if (p / "bin" / name).exists()),
                      key=lambda p: int(p.name))
    if not versions:
        raise RuntimeError(f"{name} not found under {PG_BIN} (apt-get install postgresql)")
    return str(versions[-1] / "bin" / name)


class Postgres:
    """A throwaway PostgreSQL cluster (fsync off) owned by the ``postgres`` system user when
    run as root, listening on loopback only."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.directory = Path(tempfile.mkdtemp(prefix="somobilite-pg-"))
        self.data = self.directory / "data"
        self.log = self.directory / "postgres.log"
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.directory, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgres://somobilite:somobilite@127.0.0.1:{self.port}/somobilite"

    def _run(self, *command: str, timeout: float = 60) -> None:
        subprocess.run([*self.as_user, *command], check=True, timeout=timeout,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def create(self) -> Postgres:
        self._run(_pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--locale=C.UTF-8")
        self.start()
        self._run(_pg_bin("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                  "-qc", "CREATE ROLE somobilite LOGIN CREATEDB PASSWORD 'somobilite'")
        self._run(_pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                  "postgres", "-O", "somobilite", "somobilite")
        return self

    def start(self) -> None:
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t",
                  "30", "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off "
                  f"-c unix_socket_directories={self.directory} -c max_connections=200",
                  "start")
        wait_for_port(self.port, up=True, timeout=30)

    def stop(self) -> None:
        """Fast shutdown: open sessions are cut, as when the server restarts."""
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "30",
                  "stop")

    def close(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


class Process:
    """A server process of the stack (gunicorn, a Celery worker), its output in a log file."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], logs: Path) -> None:
        self.name, self.command, self.env = name, command, env
        self.log_path = logs / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> Process:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        return self

    def kill(self) -> None:
        """SIGKILL to the whole process group (a worker and its pool children): no cleanup."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class Stack:
    """Everything a scenario needs, started once per scenario session."""

    def __init__(self, *, pg_port: int, redis_port: int) -> None:
        self.logs = Path(tempfile.mkdtemp(prefix="somobilite-scenarios-"))
        self.postgres = Postgres(pg_port)
        self.redis = RedisServer(redis_port)
        self.mail = MailServer(port=free_port(skip={pg_port, redis_port}))
        self.web_port = 0
        self.web: Process | None = None
        self.workers: list[Process] = []

    # --- Environment of the app's processes ----------------------------------------------

    def env(self, **overrides: str) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("DJANGO_", "PYTEST", "DATABASE_URL", "REDIS_URL"))}
        env.update({
            "DJANGO_SETTINGS_MODULE": "somobilite.settings.production",
            "SECRET_KEY": "scenario-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": f"http://127.0.0.1:{self.web_port}",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": self.postgres.url,
            "REDIS_URL": self.redis.url,
            "EMAIL_URL": f"smtp://127.0.0.1:{self.mail.port}",
            "EMAIL_TIMEOUT_SECONDS": "10",
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "WARNING",
            "CACHE_RETRY_AFTER_SECONDS": "1",
            "OUTBOX_SWEEP_DELAY_SECONDS": "1",
            # Retries after 1, 2, 4, 4… seconds (production: 1 min doubling up to 1 h).
            "OUTBOX_RETRY_BASE_SECONDS": "1",
            "OUTBOX_RETRY_MAX_SECONDS": "4",
            # One address per simulated young person (X-Forwarded-For behind one proxy); the
            # per-address booking limit would otherwise refuse a rush from one machine.
            "TRUSTED_PROXY_COUNT": "1",
            "RATE_LIMIT_BOOKING_HOLD": "100000/h/ip,5/h/key",
            "PYTHONDONTWRITEBYTECODE": "",
        })
        env.update(overrides)
        return env

    def manage(self, *args: str, timeout: float = 300) -> str:
        done = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=self.env(),
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    # --- Lifecycle ----------------------------------------------------------------------------

    def start(self) -> Stack:
        self.postgres.create()
        self.redis.start()
        self.mail.start()
        self.web_port = free_port(skip={self.mail.port})
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput", "-v", "0")
        return self

    def start_web(self, workers: int = 3) -> Process:
        self.web = Process("gunicorn", [
            str(BIN / "gunicorn"), "somobilite.wsgi:application", "--bind",
            f"127.0.0.1:{self.web_port}", "--workers", str(workers), "--timeout", "60",
            "--graceful-timeout", "5"], self.env(), self.logs).start()
        wait_for_port(self.web_port, up=True, timeout=60)
        return self.web

    def start_worker(self, name: str = "worker", concurrency: int = 1) -> Process:
        worker = Process(name, [
            str(BIN / "celery"), "-A", "somobilite", "worker", "--loglevel=WARNING",
            "--pool=prefork", f"--concurrency={concurrency}", "--without-gossip",
            "--without-mingle", "-n", f"{name}@%h"], self.env(), self.logs).start()
        self.workers.append(worker)
        return worker

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        if self.web is not None:
            self.web.stop()
        with contextlib.suppress(Exception):
            self.mail.stop()
        self.redis.close()
        self.postgres.close()

    def outputs(self) -> str:
        """The logs of every process, for a failure report."""
        parts = [f"--- {p.name} ---\n{p.output()[-4000:]}" for p in [self.web, *self.workers]
                 if p is not None]
        return "\n".join(parts)

