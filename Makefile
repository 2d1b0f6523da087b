# Answerable. `make help` lists the targets.
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 5000

.DEFAULT_GOAL := help
.PHONY: help venv deps dev-deps translations translations-update run serve worker migrate demo test test-pg lint audit fmt migration bench bench-memory bench-markdown clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-20s %s\n", $$1, $$2}'

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip

$(VENV)/.deps: requirements.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.deps

deps: $(VENV)/.deps translations ## Install the runtime dependencies into .venv

dev-deps: $(VENV)/.dev-deps translations ## Install runtime and test dependencies

translations: $(VENV)/.deps ## Compile the catalogs (translations/*/LC_MESSAGES/messages.mo)
	$(VENV)/bin/pybabel compile -d translations

translations-update: $(VENV)/.deps ## Extract the strings into messages.pot and update the ru/ky catalogs
	$(VENV)/bin/pybabel extract -F babel.cfg -k lazy_gettext -k _l --no-location \
	  --sort-output -o translations/messages.pot .
	$(VENV)/bin/pybabel update -d translations -i translations/messages.pot --no-fuzzy-matching

migrate: deps ## Apply database migrations
	$(FLASK) db upgrade

demo: migrate ## Load the demo appeal
	$(FLASK) demo load

run: demo ## Install, migrate, load the demo and serve on http://127.0.0.1:5000 (with the worker)
	@echo "Answerable on http://$(HOST):$(PORT)/  (mail is printed here unless MAIL_SERVER is set)"
	@$(FLASK) worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

worker: deps ## Run the one background worker: mail, mailshots, inbox, chores (campaign/worker.py)
	$(FLASK) worker

test: dev-deps ## Run the whole suite (SQLite; PostgreSQL when TEST_DATABASE_URL is set)
	$(VENV)/bin/pytest -n 2 -q $(PYTEST_ARGS)

test-pg: dev-deps ## Run the suite on PostgreSQL at 127.0.0.1 (database answerable_test)
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/answerable_test} \
	  $(VENV)/bin/pytest -n 2 -q -o faulthandler_timeout=120 $(PYTEST_ARGS)

lint: dev-deps ## ruff: lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

audit: dev-deps ## pip-audit: known vulnerabilities in the pinned dependencies
	$(PY) .ci/audit.py

fmt: dev-deps ## ruff: fix and format
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migration: deps ## Generate a migration: make migration m="what changed"
	$(FLASK) db migrate -m "$(m)"

bench: dev-deps ## Run the benchmarks under bench/ (prints figures)
	$(PY) bench/run.py

bench-memory: dev-deps ## The single-server stack (gunicorn + 2 workers + the worker) under signing load vs 256 MB (~1 min)
	$(PY) bench/memory.py

bench-markdown: dev-deps ## Signing latency while worst-case Markdown is saved, vs idle (~1 min)
	$(PY) bench/markdown_lock.py

clean: ## Remove the virtualenv and local data
	rm -rf $(VENV) instance/answerable.db*
