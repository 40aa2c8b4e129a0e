# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# The open-data mirror beside the repository stands in for the network when it exists.
MIRROR ?= $(if $(MAILLAGE_DATA_MIRROR),$(MAILLAGE_DATA_MIRROR),$(if $(wildcard ../shared/data),$(abspath ../shared/data),))

.PHONY: demo test install install-dev lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	npm ci --no-audit --no-fund --silent
	bash scripts/ensure-chromium

demo: install
	MAILLAGE_DEMO=1 MAILLAGE_DATA_MIRROR="$(MIRROR)" $(BIN)/maillage demo

test: install-dev lint
	MAILLAGE_DATA_MIRROR="$(MIRROR)" $(BIN)/pytest

lint:
	$(BIN)/ruff check src tests benchmarks

clean:
	rm -rf $(VENV) var/maillage.sqlite3*
