# ExitVoice: `make run` sets everything up and serves the app with demo data; `make test` runs the tests.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := EXITVOICE_ENV=$${EXITVOICE_ENV:-development} $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench-submit bench-themes bench-reports clean

install: $(STAMP) survey_app/static/dist/app.css survey_app/translations/cy/LC_MESSAGES/messages.mo \
	analysis/translations/cy/LC_MESSAGES/reports.mo

$(STAMP): requirements.txt requirements-dev.txt package.json package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

survey_app/static/dist/app.css: $(STAMP) survey_app/static/build.mjs $(wildcard survey_app/static/src/*)
	npm run --silent build

# The Welsh catalogue of the respondent pages, compiled from the reviewed .po file.
survey_app/translations/cy/LC_MESSAGES/messages.mo: $(STAMP) survey_app/translations/cy/LC_MESSAGES/messages.po
	$(BIN)/pybabel compile -d survey_app/translations -l cy

# The Welsh catalogue of the reports (the analysis package's own domain, "reports").
analysis/translations/cy/LC_MESSAGES/reports.mo: $(STAMP) analysis/translations/cy/LC_MESSAGES/reports.po
	$(BIN)/pybabel compile -d analysis/translations -D reports -l cy

run: install
	$(FLASK) db upgrade
	$(FLASK) demo seed --responses 400 --seed 1 --if-empty --themes --accounts
	$(FLASK) run --host 127.0.0.1 --port 5000

lint: install
	$(BIN)/ruff check $(wildcard survey_app analysis tests bench wsgi.py)

test: install lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

bench-submit: install
	$(BIN)/python bench/submit/run.py

clean:
	rm -rf $(VENV) node_modules survey_app/static/dist
