# trd-cds: `make run` serves the service on 127.0.0.1:8080; `make test` runs the whole suite.
# Both install what they need into .venv first (only Python 3.11 and make are assumed): `make run`
# only what serving needs, `make test` the test tools as well.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FHIR_VENV := .venv-fhir
SEKMET_VERSION := 0.1.1
PIP := $(BIN)/python -m pip install -q --disable-pip-version-check

.PHONY: install install-test run test lint fmt fhir-server browser bench demo lock clean

install: $(VENV)/.installed-serve
install-test: $(VENV)/.installed-test

# What serving needs: the project and its runtime dependencies (no test tools).
$(VENV)/.installed-serve: pyproject.toml
	@if [ ! -x $(BIN)/python ]; then \
		echo "make: first run: creating $(VENV) with $(PYTHON)"; \
		$(PYTHON) -m venv $(VENV); \
	fi
	@echo "make: installing trd-cds and what serving needs into $(VENV) (pip, from PyPI; a minute or two the first time)"
	@$(PIP) --upgrade pip
	@$(PIP) -e .
	@touch $@

# The test tools (pytest, schemathesis, ruff, mypy, ...) and gunicorn, for `make test`.
$(VENV)/.installed-test: $(VENV)/.installed-serve pyproject.toml
	@echo "make: installing the test tools and gunicorn into $(VENV)"
	@$(PIP) -e '.[test,server]'
	@touch $@

# The real FHIR server the integration tests and the demo use (sekmet-fhir, loopback only), in its
# own virtual environment so its pins cannot fight the project's.
fhir-server: $(FHIR_VENV)/.installed

$(FHIR_VENV)/.installed:
	@echo "make: installing the test FHIR server (sekmet-fhir $(SEKMET_VERSION)) into $(FHIR_VENV)"
	@test -x $(FHIR_VENV)/bin/python || $(PYTHON) -m venv $(FHIR_VENV)
	$(FHIR_VENV)/bin/python -m pip install -q --disable-pip-version-check sekmet-fhir==$(SEKMET_VERSION)
	@touch $@

# Headless Chromium for the timeline page test (Debian's package; nothing downloaded elsewhere).
browser:
	@bash scripts/install-chromium.sh

# `make run PORT=8095` when 8080 is taken (then `trd-cds request --url http://127.0.0.1:8095`).
PORT = 8080
run: install
	@mkdir -p var
	@echo "make: serving http://127.0.0.1:$(PORT) (embedded defaults: SQLite under ./var, auth off, loopback FHIR servers only); Ctrl-C stops"
	@echo "make: first call: $(BIN)/trd-cds request tests/fixtures/patients/trd_meets_tms.request.json --shift-dates-to-today$(if $(filter-out 8080,$(PORT)), --url http://127.0.0.1:$(PORT))"
	$(BIN)/trd-cds serve --host 127.0.0.1 --port $(PORT)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy cds_hooks fhir_mapping services

fmt: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install-test fhir-server browser lint
	$(BIN)/pytest

bench: install-test
	$(BIN)/python -m bench.run

# HOLD=1 keeps the service (and the FHIR server) up after the calls, so the printed timeline
# links open in a browser; Enter stops them.
demo: install fhir-server
	$(BIN)/python -m scripts.demo $(if $(HOLD),--hold,)

# requirements.lock: what the container image installs (pip --require-hashes), resolved for
# Linux / CPython 3.11 with the versions this .venv runs, so the image runs what the tests ran.
# uv resolves it (in a throwaway environment under var/, not in .venv).
lock: install-test
	@mkdir -p var
	@test -x var/lock-venv/bin/uv || ($(PYTHON) -m venv var/lock-venv && var/lock-venv/bin/python -m pip install -q --disable-pip-version-check uv)
	$(BIN)/python -m pip freeze --exclude-editable > var/venv-versions.txt
	var/lock-venv/bin/uv pip compile pyproject.toml --extra postgres --extra server \
		--generate-hashes --no-annotate --python-version 3.11 \
		--python-platform x86_64-unknown-linux-gnu --constraint var/venv-versions.txt \
		--no-emit-package trd-cds --custom-compile-command "make lock" -o requirements.lock

clean:
	rm -rf $(VENV) $(FHIR_VENV) var .pytest_cache .mypy_cache .ruff_cache
