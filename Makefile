# Bygdebas: `make demo` sets everything up and serves the demo; `make test` runs the whole suite.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# The PostgreSQL the suite also runs on. Locally it is skipped with a warning when unreachable;
# with CI=true (or REQUIRE_POSTGRES=1) an unreachable server fails the run.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bygdebas
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help install install-runtime lock check-production bench-load demo serve test test-sqlite test-postgres lint format messages worker bench bench-transit clean

help:
	@echo "make demo    create the environment, migrate, load the Örebro demo and serve it on http://$(HOST):$(PORT)"
	@echo "make test    run the whole suite (SQLite, then PostgreSQL)"
	@echo "make lint    ruff, mypy, djhtml, import-linter, migrations and translations checks"
	@echo "make worker  run the background task worker (RQ's when BYGDEBAS_TASKS_BACKEND=rq)"
	@echo "make check-production  collectstatic, gunicorn and the pages' headers with production settings"
	@echo "make bench   run the benchmarks in bench/"
	@echo "make bench-transit  the transit engine's benchmark alone (QUICK=1 for a short run)"
	@echo "make bench-load     gunicorn on PostgreSQL under 20 concurrent clients (DURATION=60)"

# Two locks, both with hashes: requirements.lock is what runs the site (make demo, serve, worker,
# production); requirements-dev.lock has the same pins plus the test and lint tools. A stamp per
# lock keeps a second `make` fast; the development install satisfies the runtime lock too.
$(VENV)/bin/python:
	@python=$$(scripts/find-python) && echo "Using $$python" && "$$python" -m venv $(VENV)

$(VENV)/.installed-runtime: requirements.lock | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

$(VENV)/.installed-dev: requirements-dev.lock requirements.lock | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	@touch $@ $(VENV)/.installed-runtime

install: $(VENV)/.installed-dev

install-runtime: $(VENV)/.installed-runtime

# Regenerate both locks from pyproject.toml (the development lock within the runtime lock's pins).
lock: $(VENV)/.installed-dev
	$(VENV)/bin/uv pip compile pyproject.toml --generate-hashes --python-version 3.12 -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.12 -c requirements.lock -o requirements-dev.lock

locale/sv/LC_MESSAGES/django.mo: locale/sv/LC_MESSAGES/django.po | $(VENV)/.installed-runtime
	$(MANAGE) compilemessages --ignore=.venv --verbosity 0

# HOST and PORT also make the site's address in what the demo prints and in mail sent without
# a request (BYGDEBAS_BASE_URL, unless that is set): `make demo HOST=0.0.0.0 PORT=8001`.
demo: install-runtime locale/sv/LC_MESSAGES/django.mo
	$(MANAGE) migrate --no-input --verbosity 0
	HOST=$(HOST) PORT=$(PORT) $(MANAGE) load_demo
	HOST=$(HOST) PORT=$(PORT) $(MANAGE) runserver $(HOST):$(PORT)

serve: install-runtime locale/sv/LC_MESSAGES/django.mo
	HOST=$(HOST) PORT=$(PORT) $(MANAGE) runserver $(HOST):$(PORT)

# The worker of the configured task backend: RQ's (with its scheduler, for retries that wait) when
# BYGDEBAS_TASKS_BACKEND is rq, else the database queue's.
worker: install-runtime
	@if [[ "$$BYGDEBAS_TASKS_BACKEND" == rq || "$$BYGDEBAS_TASKS_BACKEND" == django_tasks_rq.RQBackend ]]; then \
	  set -x; $(MANAGE) rqworker --job-class django_tasks_rq.Job --with-scheduler default; \
	else \
	  set -x; $(MANAGE) db_worker; \
	fi

test: test-sqlite test-postgres

test-sqlite: install locale/sv/LC_MESSAGES/django.mo
	@echo "== Test suite on SQLite =="
	env -u DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS)

# The transit engine uses no database, so its tests run once, in the SQLite pass.
test-postgres: install locale/sv/LC_MESSAGES/django.mo
	@echo "== Test suite on PostgreSQL ($(TEST_DATABASE_URL)) =="
	@if ! $(PY) scripts/check_database.py "$(TEST_DATABASE_URL)"; then \
	  if [ -n "$$CI" ] || [ -n "$$REQUIRE_POSTGRES" ]; then \
	    echo "PostgreSQL is required here but cannot be reached at $(TEST_DATABASE_URL)." >&2; exit 1; \
	  else \
	    echo "WARNING: PostgreSQL not reachable at $(TEST_DATABASE_URL); the PostgreSQL run is skipped." >&2; exit 0; \
	  fi; \
	fi; \
	DATABASE_URL="$(TEST_DATABASE_URL)" $(PY) -m pytest bygdebas $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djhtml --check bygdebas/templates
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy bygdebas transit
	$(MANAGE) makemigrations --check --dry-run --verbosity 1
	$(MANAGE) compilemessages --ignore=.venv --verbosity 0
	BYGDEBAS_PRODUCTION=1 DJANGO_SECRET_KEY=$$($(PY) -c "import secrets; print(secrets.token_urlsafe(50))") DJANGO_ALLOWED_HOSTS=bygdebas.example $(MANAGE) check --deploy --fail-level WARNING

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djhtml bygdebas/templates

messages: install
	$(MANAGE) makemessages --locale sv --ignore=.venv --ignore=bench --no-obsolete
	$(MANAGE) compilemessages --ignore=.venv

# The production path as CI runs it: production settings on a fresh PostgreSQL database, migrate,
# collectstatic, the demo data, gunicorn, and the pages and headers checked over HTTP.
check-production: install-runtime
	TEST_DATABASE_URL="$(TEST_DATABASE_URL)" $(PY) scripts/ci-production-check

bench: install
	$(PY) bench/dashboard.py
	$(PY) bench/events.py
	$(PY) bench/members.py
	$(PY) bench/members_import.py
	$(PY) bench/plan_import.py
	$(PY) bench/search.py
	$(PY) bench/projects.py
	$(PY) bench/transit.py
	$(PY) bench/load.py
	$(PY) bench/api.py

# gunicorn on PostgreSQL with national-scale data under 20 concurrent clients (DURATION seconds).
bench-load: install
	$(PY) bench/load.py $(if $(DURATION),--duration $(DURATION))

bench-transit: install
	$(PY) bench/transit.py $(if $(QUICK),--quick)

clean:
	rm -rf $(VENV) var
