#!/usr/bin/env bash
# Everything CI checks besides the test suite (`make check` runs this, and so does .ci/run):
# lint, the apps' layers, migrations in step with the models, the production deployment checks.
# Needs the virtualenv of the test group (./scripts/run-tests.sh --co -q creates it).
set -euo pipefail
cd "$(dirname "$0")/.."

echo ">> ruff"
.venv/bin/ruff check .
echo ">> import-linter (the layers of the README's Layout table)"
.venv/bin/lint-imports --no-cache
echo ">> migrations in step with the models"
.venv/bin/python manage.py makemigrations --check --dry-run
echo ">> check --deploy with the production settings"
DJANGO_SETTINGS_MODULE=somobilite.settings.production \
SECRET_KEY="$(head -c 48 /dev/urandom | base64 | tr -d '\n')" \
ALLOWED_HOSTS=somobilite.example.org SITE_URL=https://somobilite.example.org \
  .venv/bin/python manage.py check --deploy --fail-level WARNING
