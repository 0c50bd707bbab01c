#!/usr/bin/env bash
# `make bench`: installs what the benchmarks need (PostgreSQL, Redis and wrk from Debian, locust
# from the lock file) and runs every benchmark of the project (python -m benchmarks), on its own
# throwaway PostgreSQL cluster, Redis and gunicorn on loopback (ports BENCH_PORT..+19, default
# 21700). Extra arguments go to python -m benchmarks (--help lists them). Exit status 1 when a
# goal is not met.
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh"
bootstrap_project bench
cd "$PROJECT_ROOT"
exec .venv/bin/python -m benchmarks "$@"
