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

# pip is quiet (its errors still show); these lines say what the wait is for.
$(VENV)/.installed: pyproject.toml
	@echo "setting up $(VENV): installing the project and its dependencies with pip" \
	  "(about 30 s the first time)..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@
	@echo "$(VENV) is ready"

# Browser tests drive Debian's Chromium (no browser downloads work here). apt's
# messages are shown, not discarded: when it fails, they say why.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests (apt-get; a minute or two)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium || { \
	    echo "could not install chromium (apt's messages above); without it, run" \
	      ".venv/bin/pytest -m 'not browser'" >&2; exit 1; }; }

# Each benchmark prints "met"/"MISSED" beside its targets; BENCH_FLAGS=--strict stops at a miss.
# bench/load.py needs the PostgreSQL and Redis servers (it makes and drops its own database).
bench: setup  ## print the benchmark figures (about fifteen minutes: bench/load.py eight, bench/desk_queue.py four)
	$(BIN)/python bench/engine.py $(BENCH_FLAGS)
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/questions.py $(BENCH_FLAGS)
	$(BIN)/python bench/wizard_load.py $(BENCH_FLAGS)
	$(BIN)/python bench/load.py $(BENCH_FLAGS)
	$(BIN)/python bench/results_height.py --lang both $(BENCH_FLAGS)
	$(BIN)/python bench/desk_queue.py $(BENCH_FLAGS)
