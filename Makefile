# Waymark: the only commands a newcomer needs.
#   make run         set everything up, load the demo partnership and serve http://127.0.0.1:8000
#                    (with the task worker beside it)
#   make test        the whole test suite (SQLite; PostgreSQL too when DATABASE_URL points at one)
#   make lint        ruff (format and lint), mypy and the layer contract (import-linter)
#   make bench       benchmarks, reported as ratios against a baseline measured in the same run
#   make demo-reset  start the local demo database afresh
#   make totp USER=<email>   the current MFA code for a demo user

PYTHON_BIN ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
CHROMIUM ?= $(or $(CHROMIUM_PATH),/usr/bin/chromium)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test test-sqlite test-postgres lint format bench demo-reset totp assets migrate deps clean

$(VENV)/.installed: requirements/dev.txt
	@$(PYTHON_BIN) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and print("Waymark needs Python 3.11; found", sys.version.split()[0]))'
	test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

waymark/static/build/app.css: node_modules/.installed frontend/build.mjs $(wildcard frontend/*.scss)
	npm run --silent build

deps: $(VENV)/.installed node_modules/.installed
assets: waymark/static/build/app.css

migrate: deps
	@mkdir -p var/staticfiles
	$(MANAGE) migrate --no-input --verbosity 0
	$(MANAGE) createcachetable

# The task worker (emails, reminders, imports, exports) runs beside the web server; Ctrl-C stops both.
run: deps assets migrate
	$(MANAGE) seed_demo
	@echo "Serving Waymark at http://127.0.0.1:8000 with its task worker (Ctrl-C to stop both)"
	@$(MANAGE) db_worker --queue-name '*' --interval 2 & worker=$$!; \
	  trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(MANAGE) runserver 127.0.0.1:8000

demo-reset: deps
	rm -f var/waymark.sqlite3
	$(MAKE) migrate
	$(MANAGE) seed_demo

totp: deps
	@$(MANAGE) demo_totp "$(USER)"

test: deps assets
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo ""; \
	  echo "################################################################################"; \
	  echo "##  BROWSER TESTS WILL BE SKIPPED: no Chromium at $(CHROMIUM).                  "; \
	  echo "##  Install it with:  apt-get install chromium   (CI does this in .ci/run)       "; \
	  echo "################################################################################"; \
	  echo ""; \
	fi
	$(MAKE) --no-print-directory test-sqlite
	@case "$$DATABASE_URL" in \
	  postgres*://*) $(MAKE) --no-print-directory test-postgres ;; \
	  *) echo "DATABASE_URL does not point at PostgreSQL: ran the suite on SQLite only." ;; \
	esac

# The suite runs in parallel (pytest-xdist): one worker per CPU, each with its own test database
# (test_<name>_gw0, _gw1, ...) and its own browser; a test file stays on one worker.
# PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= auto
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist loadfile

test-sqlite:
	@echo "== Test suite on SQLite"
	env -u DATABASE_URL $(PY) -m pytest -rs $(PYTEST_PARALLEL)

test-postgres:
	@echo "== Test suite on PostgreSQL ($$DATABASE_URL)"
	$(PY) -m pytest -rs $(PYTEST_PARALLEL)

lint: deps
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy waymark
	$(VENV)/bin/lint-imports --no-cache

format: deps
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: deps assets
	$(PY) -m pip install --quiet -r requirements/bench.txt
	$(PY) -m bench

clean:
	rm -rf $(VENV) node_modules waymark/static/build var
