# Shortcuts; the README's two scripts are the reference.
.PHONY: demo test check bench

demo:
	./scripts/run-demo.sh

test:
	./scripts/run-tests.sh

# What CI runs besides the suite: lint, migrations in step, deployment checks.
check:
	.venv/bin/ruff check .
	.venv/bin/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=somobilite.settings.production SECRET_KEY=check-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz \
	ALLOWED_HOSTS=somobilite.example.org SITE_URL=https://somobilite.example.org .venv/bin/python manage.py check --deploy --fail-level WARNING

bench:
	.venv/bin/python manage.py bench_booking
	.venv/bin/python manage.py bench_matching
	.venv/bin/python manage.py bench_matching_panel
