"""Real servers on loopback for the tests that need a service to fail: Redis started and stopped
by the test, a port where nothing listens, a port that accepts and hangs up at once, a mail
server (aiosmtpd) that accepts or refuses.

Ports come from the range 21800–21899 (kept for these tests on shared machines), the first
one free at the time of the call; under pytest-xdist each worker has its own hundred
(gw1: 21900–21999…), so two workers never probe the same port at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import os
import select
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import redis
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
PORTS = range(21800 + 100 * _WORKER, 21900 + 100 * _WORKER)


def free_port(skip: set[int] | frozenset[int] = frozenset()) -> int:
    """A loopback port of ``PORTS`` where nothing listens now (other than those of ``skip``,
    chosen for servers not started yet)."""
    for port in PORTS:
        if port in skip:
            continue
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free loopback port in {PORTS.start}–{PORTS.stop - 1}")


def pause(seconds: float) -> None:
    """Wait ``seconds``. Not ``time.sleep``: under libfaketime (CI's shifted-date run, monotonic
    clock left real) it fails with EINVAL; ``select`` waits on a relative timeout."""
    select.select([], [], [], seconds)


def real_clock_env() -> dict[str, str]:
    """The environment without libfaketime, for the servers a test starts: they keep the real
    clock (Redis cannot even start under libfaketime), only the code under test is shifted."""
    return {key: value for key, value in os.environ.items()
            if key != "LD_PRELOAD" and not key.startswith("FAKETIME")}


def exited(process: subprocess.Popen, *, timeout: float) -> int:
    """Wait for ``process`` to exit (``Popen.wait(timeout=)`` sleeps with ``time.sleep``, see
    ``pause``); SIGKILL after ``timeout`` seconds. Returns its exit code."""
    deadline = time.monotonic() + timeout
    while process.poll() is None:
        if time.monotonic() > deadline:
            process.kill()
            return process.wait()
        pause(0.02)
    return process.returncode


def fail_soft_caches(url: str, *, retry_after: float = 0) -> dict:
    """A ``CACHES`` setting with the production backend on ``url`` (no pause after a failure
    unless ``retry_after``)."""
    return {"default": {
        "BACKEND": "somobilite.cache.FailSoftRedisCache", "LOCATION": url,
        "KEY_PREFIX": "somobilite",
        "OPTIONS": {"RETRY_AFTER_SECONDS": retry_after, "socket_connect_timeout": 0.5,
                    "socket_timeout": 0.5},
    }}


def wait_for_port(port: int, *, up: bool, timeout: float = 10.0) -> None:
    """Wait until ``port`` accepts connections (``up``) or refuses them; TimeoutError after
    ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            probe.settimeout(0.2)
            if (probe.connect_ex(("127.0.0.1", port)) == 0) == up:
                return
        pause(0.02)
    raise TimeoutError(f"port {port} still {'closed' if up else 'open'} after {timeout} s")


class RedisServer:
    """A ``redis-server`` of its own on a free loopback port, with an append-only file in a
    temporary directory, so that ``stop`` then ``start`` keeps the data (as the production
    compose file does)."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="somobilite-redis-"))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "yes", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=real_clock_env())
        wait_for_port(self.port, up=True)
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 10
        while True:  # answers LOADING while it reads its append-only file
            try:
                client.get("-")
                break
            except redis.exceptions.BusyLoadingError:
                if time.monotonic() > deadline:
                    raise
                pause(0.02)
        client.close()
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: Redis writes the append-only file and exits
            exited(self.process, timeout=10)
        self.process = None
        wait_for_port(self.port, up=False)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


class HangingUpServer:
    """Accepts connections on a free loopback port and closes each at once, counting them: a
    broken server that shows how many connection attempts a client makes."""

    def __init__(self) -> None:
        self.port = free_port()
        self.accepted = 0
        self._socket = socket.socket()
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", self.port))
        self._socket.listen(64)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _serve(self) -> None:
        while True:
            try:
                connection, _address = self._socket.accept()
            except OSError:  # closed
                return
            self.accepted += 1
            connection.close()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._socket.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept (Linux)
        self._socket.close()
        self._thread.join(timeout=5)


@contextlib.contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Point the Celery app at ``url`` as a real broker (no eager tasks) for the block, with no
    pooled connection or producer kept from before or after it."""
    from kombu import pools

    from somobilite.celery import app

    def forget_pools() -> None:
        pools.reset()  # kombu's connection and producer pools, shared by broker URL
        app._pool = None
        app.amqp._producer_pool = None

    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    forget_pools()
    app.conf.update(broker_url=url, task_always_eager=False)
    try:
        yield
    finally:
        forget_pools()
        app.conf.update(saved)


@dataclass
class Received:
    """One message the mail server accepted."""

    to: list[str]
    message: EmailMessage
    #: The client's (address, port): one per SMTP connection.
    peer: tuple[str, int] | None = None

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"]).strip()  # a long one is folded

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""


@dataclass
class MailServer:
    """aiosmtpd on loopback. ``refuse`` set: every message is refused with that reply (e.g.
    ``"451 4.3.0 Try again later"``), or only those to an address of ``refuse_to`` when it is
    not empty; ``delay``: seconds spent on each recipient before the
    message is sent (to make a worker's kill land in the middle of a batch)."""

    port: int = field(default_factory=free_port)
    refuse: str | None = None
    refuse_to: frozenset[str] = frozenset()
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    refused: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        # The delay comes before the message is sent: a client killed meanwhile has sent
        # nothing, as with a real server (no message is accepted without its final reply).
        if self.delay:
            await asyncio.sleep(self.delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse and (not self.refuse_to or self.refuse_to & set(envelope.rcpt_tos)):
            with self._lock:
                self.refused += 1
            return self.refuse
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        with self._lock:
            self.received.append(Received(to=list(envelope.rcpt_tos), message=message,
                                          peer=tuple(session.peer[:2])))
        return "250 OK"

    def start(self) -> MailServer:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def to(self, address: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if address in r.to]

    def clear(self) -> None:
        with self._lock:
            self.received.clear()
            self.refused = 0
