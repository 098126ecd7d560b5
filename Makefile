# Two commands matter: `make run` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
export PATH := $(BIN):$(PATH)
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: setup run test test-fast bench services-up services-down translations clean-var

$(BIN)/python:
	sh scripts/system-packages.sh
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	touch $@

translations: $(VENV)/.installed
	sh scripts/translations.sh $(BIN)/pybabel

## setup: virtualenv, install, private services up, migrate (idempotent)
setup: $(VENV)/.installed translations
	$(BIN)/crowdgov services up
	$(BIN)/crowdgov db upgrade

## run: everything up with the demo city; once web and worker answer, the URLs and every demo login are
## printed last. Ctrl-C stops web and worker; PostgreSQL and Redis keep running (make services-down).
run: setup
	$(BIN)/crowdgov seed demo --no-logins
	HOST=$(HOST) PORT=$(PORT) $(BIN)/crowdgov banner --wait 120 & \
	HOST=$(HOST) PORT=$(PORT) exec $(BIN)/honcho start -f Procfile $(if $(TELEGRAM_BOT_TOKEN),web worker bot,web worker)

## test: the same set-up, then the whole suite against real PostGIS and Redis
test: setup
	sh scripts/system-packages.sh --browser
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: setup
	$(BIN)/pytest -m "not browser and not slow" $(PYTEST_ARGS)

bench: setup
	$(BIN)/python -m bench

services-up: $(VENV)/.installed
	$(BIN)/crowdgov services up

services-down: $(VENV)/.installed
	$(BIN)/crowdgov services down
