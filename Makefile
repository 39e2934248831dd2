# The README's two commands (demo, test) and the everyday ones.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test test-sqlite test-postgres lint format messages clean

demo: $(VENV)/.installed
	$(BIN)/kabar demo

test: $(VENV)/.installed-test chromium
	$(BIN)/ruff check kabar tests
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=kabar.settings.test
	$(BIN)/pytest

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

lint: $(VENV)/.installed-test
	$(BIN)/ruff check kabar tests
	$(BIN)/ruff format --check kabar tests

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix kabar tests
	$(BIN)/ruff format kabar tests

# Refresh the Indonesian and English catalogues (needs gettext's msgfmt).
messages: $(VENV)/.installed
	cd kabar && ../$(BIN)/python ../manage.py makemessages -l id -l en --no-obsolete --ignore 'static/*'
	cd kabar && ../$(BIN)/python ../manage.py compilemessages

clean:
	rm -rf $(VENV) var
