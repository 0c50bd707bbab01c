#!/usr/bin/env bash
# Installs the project, loads the demo data and serves it on http://127.0.0.1:8000
# (SQLite file and in-process Celery tasks unless DATABASE_URL / REDIS_URL are set).
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh"
bootstrap_project
cd "$PROJECT_ROOT"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-somobilite.settings.local}"
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py seed_demo
echo ">> So Mobilité: http://127.0.0.1:8000  (Ctrl+C to stop)"
exec .venv/bin/python manage.py runserver 127.0.0.1:8000
