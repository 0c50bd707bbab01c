"""gunicorn settings for profiling the real workers of the HTTP benchmark: the project's
``gunicorn.conf.py`` unchanged, plus hooks that write, in ``BENCH_PROFILE_DIR``, for each worker:

- ``requests-<pid>.tsv``: one line per request: method, path (ids replaced), the worker's CPU
  (ms, ``time.process_time``) inside the WSGI application (from gunicorn's ``pre_request`` to
  its ``post_request``, the response written), and the CPU since the previous request's end
  (accepting the connection, reading and parsing the request: what gunicorn costs outside
  Django);
- ``worker-<pid>.prof``: a cProfile of everything the worker did after loading the application
  (when ``BENCH_PROFILE_CPROFILE`` is set; it slows each request about four times), written
  when the worker exits.

``python -m benchmarks --profil DIR`` uses this file; ``python -m benchmarks.profiling DIR``
prints the medians per page.
"""

import cProfile
import os
import runpy
import time
from pathlib import Path

from benchmarks.profiling import normalised_path

globals().update({name: value for name, value in runpy.run_path(
    str(Path(__file__).resolve().parents[1] / "gunicorn.conf.py")).items()
    if not name.startswith("_")})

_OUT = Path(os.environ.get("BENCH_PROFILE_DIR", "."))
_state: dict = {}


def post_worker_init(worker) -> None:
    _OUT.mkdir(parents=True, exist_ok=True)
    _state["log"] = (_OUT / f"requests-{os.getpid()}.tsv").open("w", buffering=1)
    _state["end"] = time.process_time()
    if os.environ.get("BENCH_PROFILE_CPROFILE"):
        _state["profile"] = cProfile.Profile(time.process_time)
        _state["profile"].enable()


def pre_request(worker, req) -> None:
    _state["start"] = time.process_time()


def post_request(worker, req, environ, resp) -> None:
    end = time.process_time()
    _state["log"].write(f"{req.method}\t{normalised_path(req.path)}\t"
                        f"{(end - _state['start']) * 1000:.3f}\t"
                        f"{(_state['start'] - _state['end']) * 1000:.3f}\n")
    _state["end"] = end


def worker_exit(server, worker) -> None:
    if "log" in _state:
        _state.pop("log").close()
    profile = _state.get("profile")
    if profile is not None:
        profile.disable()
        profile.dump_stats(_OUT / f"worker-{os.getpid()}.prof")
