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

## run: everything up with the demo city, URLs and logins printed
run: setup
	$(BIN)/crowdgov seed demo
	@echo
	@echo "  Public site and map:   http://$(HOST):$(PORT)/          (/explore, /stats, /leaderboard, /open-data)"
	@echo "  Citizen web app:       http://$(HOST):$(PORT)/app/      (installable on a phone)"
	@echo "  Alert e-mails:         $(if $(SMTP_URL),sent through SMTP_URL,written as files to $(or $(MAIL_DIR),$(or $(CROWDGOV_VAR_DIR),$(CURDIR)/var)/mail)/)"
	@echo "  Staff inbox:           http://$(HOST):$(PORT)/inbox/    (logins above)"
	@echo "  Citizen API docs:      http://$(HOST):$(PORT)/api/v1/docs"
	@echo "  Open311 GeoReport v2:  http://$(HOST):$(PORT)/open311/discovery.json"
	@echo "  Health:                http://$(HOST):$(PORT)/healthz"
	@echo "  Telegram bot:          $(if $(TELEGRAM_BOT_TOKEN),started,set TELEGRAM_BOT_TOKEN to start it)"
	@echo
	HOST=$(HOST) PORT=$(PORT) $(BIN)/honcho start -f Procfile $(if $(TELEGRAM_BOT_TOKEN),web worker bot,web worker)

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
