# The README's two commands (demo, test) and the everyday ones.
# Debian's own python3.11 where there is one, whatever comes first on PATH: Debian builds it
# with profile-guided and link-time optimisation, and Kabar's comment POST takes about an
# eighth less CPU on it than on a Python built from source with the defaults (pyenv's; see
# bench/README.md). Elsewhere, the python3 on PATH.
PYTHON ?= $(or $(wildcard /usr/bin/python3.11),python3)
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test test-sqlite test-postgres services lint format messages clean

demo: $(VENV)/.installed
	$(BIN)/kabar demo

# The suite runs twice: on SQLite with the browser tests, then on PostgreSQL without them
# (they drive Chromium, not the database, and are the slowest). Redis-backed tests use the
# local Redis in both. scripts/services-up starts PostgreSQL and Redis when they are down.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kabar

test: $(VENV)/.installed-test chromium node_modules/.package-lock.json services bench-tools
	$(BIN)/ruff check kabar tests
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=kabar.settings.test
	$(BIN)/pytest
	KABAR_TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -m "not e2e and not fault"

test-sqlite: $(VENV)/.installed-test chromium node_modules/.package-lock.json services
	$(BIN)/pytest

test-postgres: $(VENV)/.installed-test services
	KABAR_TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -m "not e2e and not fault"

services:
	scripts/services-up

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV) || { $(SUDO) apt-get update && $(SUDO) apt-get install -y python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/bin/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

# Browser tests drive Debian's Chromium; it comes from apt, never from a download step.
chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium; }

# axe-core for the browser tests' accessibility check, from the npm registry (package.json).
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { $(SUDO) apt-get update && $(SUDO) apt-get install -y npm; }
	npm ci --no-audit --no-fund

# ruff (with import-outside-toplevel on) and the import contracts of pyproject.toml: which
# way dependencies point (news -> discussion -> core; core knows no app).
lint: $(VENV)/.installed-test
	$(BIN)/ruff check kabar tests
	$(BIN)/ruff format --check kabar tests
	$(BIN)/lint-imports

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix kabar tests
	$(BIN)/ruff format kabar tests

# Refresh the Indonesian and English catalogues (needs gettext's msgfmt).
messages: $(VENV)/.installed
	cd kabar && ../$(BIN)/python ../manage.py makemessages -l id -l en --no-obsolete --ignore 'static/*'
	cd kabar && ../$(BIN)/python ../manage.py compilemessages

# Benchmarks against nginx, then the crash tests (bench/README.md). nginx and wrk come from
# Debian when missing; everything runs on 127.0.0.1, bounded in time, and stops by itself.
.PHONY: bench fault bench-tools bench-isso

bench: $(VENV)/.installed-bench bench-tools bench-isso
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.fault

fault: $(VENV)/.installed-bench bench-tools
	$(BIN)/python -m bench.fault

# A WordPress export of 1,000 and one of 10,000 posts (10 comments a post), each imported
# into a fresh SQLite database: items/s and peak RSS, which must not grow with the file.
.PHONY: bench-import
bench-import: $(VENV)/.installed-bench
	$(BIN)/python -m bench.import_wordpress

# Reader search at 100,000 generated articles on SQLite and PostgreSQL: the index build and
# the product's query against a naive icontains search (bench/README.md).
.PHONY: bench-search
bench-search: $(VENV)/.installed-bench
	$(BIN)/python -m bench.search

# The JSON API beside Isso in one run: a 50-comment thread's list GET (cached, uncached) and
# comment POSTs against Isso's GET /?uri= and POST /new, SQLite then PostgreSQL (bench/README.md).
.PHONY: bench-api
bench-api: $(VENV)/.installed-bench bench-tools bench-isso
	$(BIN)/python -m bench.api

# Ten minutes of steady reads and comment posts against `kabar serve`: the RSS of every
# server process must stay flat after the warm-up (bench/README.md). No nginx or wrk needed.
.PHONY: soak
soak: $(VENV)/.installed-bench
	$(BIN)/python -m bench.soak

bench-tools:
	@command -v wrk >/dev/null 2>&1 && { command -v nginx || test -x /usr/sbin/nginx; } >/dev/null 2>&1 \
		|| { $(SUDO) apt-get update && $(SUDO) apt-get install -y wrk nginx-light; }

# Isso, the peer of the comment-POST row: from PyPI into var/bench/isso-venv, its own
# virtualenv (bench/isso_peer.py pins the versions; nothing done when already there).
bench-isso: $(VENV)/.installed-bench
	$(BIN)/python -m bench.isso_peer --install-only

$(VENV)/.installed-bench: $(VENV)/bin/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[bench]'
	touch $(VENV)/.installed $@

clean:
	rm -rf $(VENV) var
