#!/usr/bin/env bash
# Installs what the tests need (Chromium, poppler, WeasyPrint libraries, the locked Python
# packages) and runs the whole suite. Uses DATABASE_URL / REDIS_URL when set, SQLite otherwise.
# Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh"
bootstrap_project test
cd "$PROJECT_ROOT"
echo ">> database: ${DATABASE_URL:-sqlite (default)}  redis: ${REDIS_URL:-none (eager tasks)}"
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "!! pytest collected no tests: treated as a failure" >&2
  exit 1
fi
exit "$status"
