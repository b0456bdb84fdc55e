# Two commands: `make run` starts the bot, `make test` runs the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench bench-tick bench-import bench-teams bench-calendar clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/netvaerk db upgrade
	$(BIN)/netvaerk run

test: $(STAMP)
	@bash .ci/ensure-chromium
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python bench/ack.py

bench-tick: $(STAMP)
	$(BIN)/python bench/tick.py

bench-import: $(STAMP)
	$(BIN)/python bench/import_large.py

bench-calendar: $(STAMP)
	$(BIN)/python bench/outlook_calendar.py

bench-teams: $(STAMP)
	$(BIN)/python bench/teams.py

clean:
	rm -rf $(VENV) .pytest_cache
