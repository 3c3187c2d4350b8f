# The two set-up commands (see README): `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test test-clock setup setup-dev migrate demo lint format messages worker beat

# The demo as production serves it: DEBUG off (settings from .env, written by the set-up), static files
# collected and served by WhiteNoise, gunicorn; the daily reminder sweep runs in-process (rollout's `serve`).
run: setup migrate demo
	$(PY) manage.py collectstatic --no-input -v 0
	$(PY) manage.py serve --bind 127.0.0.1:$(PORT)

test: setup-dev
	DEBUG=1 $(PY) -m pytest $(PYTEST_ARGS)

# The whole suite under libfaketime at 03:00, 12:00, 23:30 and 00:30 on 1 January (province time), four runs.
test-clock: setup-dev
	DEBUG=1 PYTEST_ARGS="$(PYTEST_ARGS)" bash scripts/test_clock.sh

setup:
	bash scripts/setup.sh run
	$(PY) scripts/write_env.py --port $(PORT)

setup-dev:
	bash scripts/setup.sh dev

migrate:
	$(PY) manage.py migrate --no-input -v 0

demo:
	$(PY) manage.py load_demo

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages:
	DEBUG=1 $(PY) manage.py makemessages -l vi -l en --ignore=.venv --ignore=node_modules --ignore=staticfiles --no-obsolete
	DEBUG=1 $(PY) manage.py makemessages -d djangojs -l vi -l en --ignore=.venv --ignore=node_modules --ignore=staticfiles --no-obsolete

worker:
	$(VENV)/bin/celery -A iso_portal worker -l info --max-memory-per-child=400000

beat:
	$(VENV)/bin/celery -A iso_portal beat -l info
