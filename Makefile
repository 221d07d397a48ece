# trd-cds: `make run` serves the service on 127.0.0.1:8080; `make test` runs the whole suite.
# Both install what they need into .venv first (only Python 3.11 and make are assumed).

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FHIR_VENV := .venv-fhir
SEKMET_VERSION := 0.1.1

.PHONY: install run test lint fmt fhir-server browser bench demo clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test,server]'
	@touch $@

# The real FHIR server the integration tests and the demo use (sekmet-fhir, loopback only), in its
# own virtual environment so its pins cannot fight the project's.
fhir-server: $(FHIR_VENV)/.installed

$(FHIR_VENV)/.installed:
	@test -x $(FHIR_VENV)/bin/python || $(PYTHON) -m venv $(FHIR_VENV)
	$(FHIR_VENV)/bin/python -m pip install -q --disable-pip-version-check sekmet-fhir==$(SEKMET_VERSION)
	@touch $@

# Headless Chromium for the timeline page test (Debian's package; nothing downloaded elsewhere).
browser:
	@bash scripts/install-chromium.sh

run: install
	@mkdir -p var
	$(BIN)/trd-cds serve --host 127.0.0.1 --port 8080

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy cds_hooks fhir_mapping services

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install fhir-server browser lint
	$(BIN)/pytest

bench: install
	$(BIN)/python -m bench.run

demo: install fhir-server
	$(BIN)/python -m scripts.demo

clean:
	rm -rf $(VENV) $(FHIR_VENV) var .pytest_cache .mypy_cache .ruff_cache
