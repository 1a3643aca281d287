# InnoBridge: `make run` to serve the demo, `make test` to run every check.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes (pytest-xdist); 1 runs the suite in this process.
TEST_WORKERS ?= 2
export DJANGO_SETTINGS_MODULE := innobridge.settings

.PHONY: run test test-postgres lint bench setup messages clean constraints tour

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required (looked for $(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)
	@$(BIN)/innobridge compile_catalogues

run: setup
	$(BIN)/innobridge migrate --no-input
	$(BIN)/innobridge demo
	$(BIN)/innobridge runserver $(HOST):$(PORT)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

test: setup lint
	$(BIN)/innobridge check
	$(BIN)/innobridge makemigrations --check --dry-run
	$(BIN)/innobridge check_catalogues
	$(BIN)/pytest $(if $(filter 1,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile) --ignore=tests/browser
	$(BIN)/pytest tests/browser  # one process: the flows share one live server and one demo snapshot

# The README tour's pictures: the browser flows at 1280 px write their tour steps to docs/tour/.
tour: setup
	rm -f docs/tour/*.png
	TOUR_SCREENSHOTS=1 $(BIN)/pytest tests/browser -k 1280px

bench: setup
	$(BIN)/pip install --quiet -c constraints.txt -r requirements-bench.txt
	$(PY) -m benchmarks.run $(BENCH)

# Re-extract the message catalogues after changing user-facing strings.
messages: setup
	$(BIN)/django-admin makemessages --no-obsolete -l zh_Hant -l zh_Hans -l en --settings=innobridge.settings --pythonpath=. \
		--ignore='*/migrations/*' --ignore='*/tests/*' --ignore='tests/*' --ignore='.venv/*' --ignore='benchmarks/*' \
		--ignore='innocore/*' --ignore='test-artifacts/*' --ignore='staticfiles/*' --ignore='data/*'
	$(BIN)/innobridge check_catalogues || true  # lists the strings still to translate
	$(BIN)/innobridge compile_catalogues

clean:
	rm -rf $(VENV) staticfiles

# The same suite against a throwaway local PostgreSQL server (needs the postgresql package).
test-postgres: setup
	DATABASE_URL=$$(scripts/pg-test-server start) $(MAKE) test

# Re-resolve every dependency from the requirements files alone (newest allowed versions) and pin
# the result; then run `make test` before committing the new constraints.txt.
constraints:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet -r requirements-dev.txt -r requirements-bench.txt
	{ sed -n 1,3p constraints.txt; .venv-lock/bin/pip freeze; } > constraints.new
	mv constraints.new constraints.txt && rm -rf .venv-lock
