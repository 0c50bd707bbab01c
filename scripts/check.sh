#!/usr/bin/env bash
# Everything CI checks besides the test suite (`make check` runs this, and so does .ci/run):
# lint (ruff, djLint), code up to date with Django 5.2 (django-upgrade), the apps' layers
# (import-linter), types (mypy), migrations in step with the models, the production
# deployment checks.
# The pre-commit hooks (.pre-commit-config.yaml) run the same tools on the files of a commit.
# Needs the virtualenv of the test group (./scripts/run-tests.sh --co -q creates it).
set -euo pipefail
cd "$(dirname "$0")/.."

echo ">> ruff"
.venv/bin/ruff check .
echo ">> djLint (templates, lint only)"
.venv/bin/djlint templates --lint
echo ">> django-upgrade --target-version 5.2 (fails when it rewrites a file)"
git ls-files -z '*.py' | xargs -0 .venv/bin/django-upgrade --target-version 5.2
echo ">> import-linter (the layers of the README's Layout table)"
.venv/bin/lint-imports --no-cache
echo ">> mypy with django-stubs (strict on services, selectors and engines; pyproject.toml)"
.venv/bin/mypy
echo ">> migrations in step with the models"
.venv/bin/python manage.py makemigrations --check --dry-run
echo ">> check --deploy with the production settings"
DJANGO_SETTINGS_MODULE=somobilite.settings.production \
SECRET_KEY="$(head -c 48 /dev/urandom | base64 | tr -d '\n')" \
ALLOWED_HOSTS=somobilite.example.org SITE_URL=https://somobilite.example.org \
  .venv/bin/python manage.py check --deploy --fail-level WARNING
