# En väg in — everything a fresh machine with Python 3.11+ and make needs.
#   make run    set up, migrate, seed demo data if empty, serve on http://127.0.0.1:5000
#   make test   set up and run the whole suite (SQLite, then PostgreSQL, then the browser tests)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi
TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/kundtjanst_test
DEMO_TICKETS ?= 3000
PO := $(wildcard kundtjanst/translations/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)
# Browser tests: Debian's Chromium (never Playwright's download) and axe-core from npm.
CHROMIUM ?= /usr/bin/chromium
AXE := node_modules/axe-core/axe.min.js
# The suite runs in parallel (pytest-xdist), one process per CPU, each test file whole
# in one process; each process has its own SQLite file or PostgreSQL database.
TEST_WORKERS ?= auto
PYTEST_PARALLEL := -n $(TEST_WORKERS) --dist loadfile

.PHONY: run test test-sqlite test-postgres test-browser lint format translations i18n-update clean

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

$(MO): %.mo: %.po $(STAMP)
	$(BIN)/pybabel -q compile -i $< -o $@

translations: $(MO)

run: $(STAMP) $(MO)
	$(BIN)/flask db upgrade
	$(BIN)/flask demo seed --if-empty --tickets $(DEMO_TICKETS)
	$(BIN)/flask demo logins
	@# The scheduler (SLA watch, retention …) beside the dev server; stopped with it.
	$(BIN)/flask scheduler run & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port 5000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

i18n-update: $(STAMP)
	$(BIN)/python scripts/i18n.py update

test-sqlite: $(STAMP) $(MO)
	env -u TEST_DATABASE_URL $(BIN)/pytest $(PYTEST_PARALLEL) --ignore=tests/browser

test-postgres: $(STAMP) $(MO)
	@if $(BIN)/python scripts/pg_ready.py "$(TEST_DATABASE_URL)"; then \
		TEST_DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/pytest $(PYTEST_PARALLEL) --ignore=tests/browser; \
	elif [ "$$CI" = "true" ]; then \
		echo "FAILED: PostgreSQL at $(TEST_DATABASE_URL) is unreachable, and CI requires it."; exit 1; \
	else \
		echo "SKIPPED the PostgreSQL run: $(TEST_DATABASE_URL) is unreachable (set TEST_DATABASE_URL)."; \
	fi

$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $(AXE)

# Real-browser journeys and axe-core checks (tests/browser), once, on SQLite; in
# parallel like the rest (each process its own server, database and Chromium).
# Without Chromium they are skipped with a message; under CI=true that fails.
test-browser: $(STAMP) $(MO)
	@if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$$CI" = "true" ]; then \
			echo "FAILED: the browser tests need Chromium at $(CHROMIUM) (apt-get install chromium), and CI requires them."; exit 1; \
		fi; \
		echo "SKIPPED the browser tests: no Chromium at $(CHROMIUM) (apt-get install chromium, or set CHROMIUM=...)."; \
	else \
		if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(AXE) || exit 1; \
		else echo "npm is missing: the axe-core checks will be skipped (CI fails instead)."; fi; \
		env -u TEST_DATABASE_URL CHROMIUM="$(CHROMIUM)" $(BIN)/pytest $(PYTEST_PARALLEL) tests/browser; \
	fi

test: lint
	$(BIN)/python scripts/i18n.py check
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres
	$(MAKE) --no-print-directory test-browser

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache $(MO) node_modules test-artifacts

# Benchmark (bench/README.md), never part of `make test`: fill the PostgreSQL database
# kundtjanst_bench with a million tickets (several minutes), then the load test.
.PHONY: bench
bench: $(STAMP) $(MO)
	$(BIN)/python bench/generate.py
	$(BIN)/python bench/load.py --label 1m
