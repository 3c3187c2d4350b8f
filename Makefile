# The two set-up commands (see README): `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
export DEBUG ?= 1

.PHONY: run test setup setup-dev migrate demo lint format messages worker beat

run: setup migrate demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup-dev
	$(PY) -m pytest $(PYTEST_ARGS)

setup:
	bash scripts/setup.sh run

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
	$(PY) manage.py makemessages -l vi -l en --ignore=.venv --ignore=node_modules --ignore=staticfiles --no-obsolete
	$(PY) manage.py makemessages -d djangojs -l vi -l en --ignore=.venv --ignore=node_modules --ignore=staticfiles --no-obsolete

worker:
	$(VENV)/bin/celery -A iso_portal worker -l info --max-memory-per-child=400000

beat:
	$(VENV)/bin/celery -A iso_portal beat -l info
