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
# libpq-dev, gcc and python3-dev build psycopg2 from source; nginx fronts gunicorn in the deployment test;
# nodejs and Java run the accessibility and HTML checks.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 gettext poppler-utils chromium fonts-noto-cjk libpq-dev gcc python3-dev nginx fonts-hanazono nodejs openjdk-17-jre-headless postgresql-client

.PHONY: run test install system-deps messages demo bench lint clean clean-data

NODE_STAMP := node_modules/.installed

install: system-deps $(STAMP) $(NODE_STAMP) messages

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

# Development installs the dev lock (production lock + test tools); a server installs requirements.lock.
$(STAMP): requirements.lock requirements-dev.lock pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	@# psycopg2-binary and psycopg2 install the same module: drop the binary wheel from older venvs.
	$(PIP) uninstall -y -q psycopg2-binary 2>/dev/null || true
	$(PIP) install -q -r requirements-dev.lock
	touch $(STAMP)

# Test-time tools from the npm registry: axe-core (accessibility) and the Nu HTML checker
# (run with the machine's Java). Their own install scripts are not needed and not run.
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: apt-get install -y nodejs npm"; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

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
# workers, a browser or nginx + gunicorn then run on their own, one after another (two Celery workers on one
# Redis queue would take each other's tasks).
TEST_WORKERS ?= 2
test: install
	$(VENV)/bin/pytest -p no:cacheprovider -n $(TEST_WORKERS) -m "not worker and not browser and not deploy"
	$(VENV)/bin/pytest -p no:cacheprovider -m "worker or browser or deploy"

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# District-scale benchmarks; needs DATABASE_URL pointing at PostgreSQL (and, optionally,
# BENCH_LARGE_DATABASE_URL at a second one for the dashboards at 2,000,000 records).
bench: install
	@test -n "$$DATABASE_URL" || { echo "make bench needs DATABASE_URL (PostgreSQL)"; exit 2; }
	DEBUG=false SECRET_KEY=$${SECRET_KEY:-bench-only-$$(printf 'x%.0s' {1..60})} ALLOWED_HOSTS=testserver HTTPS=false \
	  $(PY) manage.py collectstatic --noinput -v0
	DEBUG=false SECRET_KEY=$${SECRET_KEY:-bench-only-$$(printf 'x%.0s' {1..60})} ALLOWED_HOSTS=testserver HTTPS=false \
	  $(PY) bench/prepare.py
	@# BENCH_LARGE_DATABASE_URL: a second database with 10x the data; the dashboards run on both.
	if [ -n "$$BENCH_LARGE_DATABASE_URL" ]; then \
	  DATABASE_URL=$$BENCH_LARGE_DATABASE_URL DEBUG=false SECRET_KEY=$${SECRET_KEY:-bench-only-$$(printf 'x%.0s' {1..60})} ALLOWED_HOSTS=testserver HTTPS=false \
	    $(PY) bench/prepare.py --records 2000000 --evidence 5000000 --tasks 50000; \
	fi
	$(PY) bench/run.py

# Removes the virtualenv and caches only: the SQLite database and media under var/ are data.
clean:
	rm -rf $(VENV) node_modules var/static var/celery var/test-media var/celerybeat-schedule*
	find . -path ./var -prune -o -path ./node_modules -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

# Deletes the embedded database, uploaded files and backups under var/ (asks first).
clean-data:
	@read -r -p "删除 var/ 下的数据库、上传文件与备份？输入 yes 确认 / type yes to delete: " answer; \
	if [ "$$answer" = "yes" ]; then rm -rf var; echo "var/ 已删除"; else echo "未删除"; exit 1; fi
