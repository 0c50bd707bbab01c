#!/usr/bin/env bash
# The fault scenarios (issue 18): each starts the production stack on loopback (its own
# PostgreSQL cluster, Redis, mail server, gunicorn, Celery workers; ports 21800–21899), injects
# a fault and checks what users and the data went through; the figures are printed at the end
# and written to SCENARIO_REPORT (scenario-figures.json). Needs the Debian packages postgresql
# and redis-server (.ci/run installs them). Extra arguments go to pytest (-k, -x…).
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh"
bootstrap_project test
apt_install postgresql redis-server
cd "$PROJECT_ROOT"
exec .venv/bin/python -m pytest -c scenarios/pytest.ini scenarios -q "$@"
