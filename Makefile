# Shortcuts; the README's two scripts are the reference.
.PHONY: demo test check bench scenarios

demo:
	./scripts/run-demo.sh

test:
	./scripts/run-tests.sh

# Fault scenarios on the production stack (issue 18), with their figures.
scenarios:
	./scripts/run-scenarios.sh

# Exactly what CI runs besides the suite (scripts/check.sh): ruff, djLint, django-upgrade,
# import-linter, mypy, migrations in step, deployment checks.
check:
	./scripts/check.sh

# Every benchmark (each bench_* command, then the HTTP benchmark) on throwaway services.
bench:
	./scripts/run-bench.sh
