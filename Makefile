# Qingfeng: the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian packages the portal needs at run and test time.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 gettext poppler-utils chromium fonts-noto-cjk fonts-hanazono

.PHONY: run test install system-deps messages demo bench lint clean

install: system-deps $(STAMP) messages

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "missing system packages; run as root:  apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

$(STAMP): requirements.lock pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.lock
	touch $(STAMP)

messages: $(STAMP)
	cd $(CURDIR) && $(VENV)/bin/django-admin compilemessages -v0 --ignore=$(VENV) --ignore=var

demo: install
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --noinput -v0
	DEBUG=$${DEBUG:-true} $(PY) manage.py load_demo

# The web server with a Celery worker and beat. With neither DATABASE_URL nor REDIS_URL set
# this runs on SQLite and the embedded filesystem broker: no server needed.
run: demo
	@echo "清风 running at http://$(HOST):$(PORT)/  (Ctrl-C stops web, worker and beat)"
	@export DEBUG=$${DEBUG:-true}; \
	trap 'kill 0' EXIT INT TERM; \
	$(VENV)/bin/celery -A config worker --loglevel=INFO --concurrency=2 & \
	$(VENV)/bin/celery -A config beat --loglevel=INFO & \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The suite runs on TEST_WORKERS processes (pytest-xdist); the tests that start real Celery
# workers or a browser then run on their own, one after another (two Celery workers on one
# Redis queue would take each other's tasks).
TEST_WORKERS ?= 2
test: install
	$(VENV)/bin/pytest -p no:cacheprovider -n $(TEST_WORKERS) -m "not worker and not browser"
	$(VENV)/bin/pytest -p no:cacheprovider -m "worker or browser"

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# District-scale benchmarks; needs DATABASE_URL pointing at PostgreSQL.
bench: install
	@test -n "$$DATABASE_URL" || { echo "make bench needs DATABASE_URL (PostgreSQL)"; exit 2; }
	DEBUG=false SECRET_KEY=$${SECRET_KEY:-bench-only-$$(printf 'x%.0s' {1..60})} ALLOWED_HOSTS=testserver HTTPS=false \
	  $(PY) bench/prepare.py
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var
