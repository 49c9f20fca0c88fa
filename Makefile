# One command to run the app, one to run the tests (see README.md).
# Both create .venv and install the project into it first; nothing else is needed.

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: run test setup browser bench

run: setup  ## set up and serve the app on its embedded defaults (SQLite, bundled criteria)
	$(BIN)/flask --app screener run

# The PostgreSQL server this machine kind starts (trust auth); tests make and drop a
# private database on it. Without a reachable server (or Redis, or chromium) the tests
# that need it fail, never skip; README says how to leave them out on purpose.
TESTING_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

test: setup browser  ## set up and run the whole test suite, on SQLite then on PostgreSQL
	$(BIN)/pytest
	TESTING_DATABASE_URL=$(TESTING_DATABASE_URL) $(BIN)/pytest -q -m "not browser"

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

# Browser tests drive Debian's Chromium (no browser downloads work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

bench: setup  ## print the benchmark figures (about two minutes)
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/wizard_load.py
