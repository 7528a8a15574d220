# ZI Tracker — the two commands of the README, and their parts.
#   make run    set up, migrate, load the LKE ZI and the demo data, serve at http://127.0.0.1:8000 with a worker
#   make test   set up (Chromium included) and run every test: unit, views, browser, production smoke
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast setup setup-dev chromium print-tools migrate demo check-migrations lint clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(PY)
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

setup-dev: $(VENV)/.installed-dev chromium print-tools

# Debian's Chromium for the browser tests; Playwright never downloads a browser of its own.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Debian's chromium package…"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# LibreOffice (Calc, no GUI), the Carlito font (Calibri's metrics) and poppler's pdftotext: the tests
# render the Excel exports to PDF and read the pages, as a printer would get them.
print-tools:
	@if ! command -v soffice >/dev/null || ! command -v pdftotext >/dev/null || ! fc-list | grep -qi carlito; then \
		echo "Installing LibreOffice Calc, Carlito and poppler-utils (print-layout tests)…"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
			--no-install-recommends libreoffice-calc-nogui fonts-crosextra-carlito poppler-utils >/dev/null; \
	fi

migrate: setup
	DEBUG=true $(PY) manage.py migrate --noinput

demo: migrate
	DEBUG=true $(PY) manage.py load_lke
	DEBUG=true $(PY) manage.py seed_demo

# The web server and, next to it, one background worker (recaps, rescoring, emails); stopping
# `make run` (Ctrl-C) stops both.
run: demo
	@echo "ZI Tracker: http://$(HOST):$(PORT)/  (akun demo: lihat README)"
	DEBUG=true $(PY) manage.py worker --no-reload & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null; wait $$WORKER 2>/dev/null' EXIT INT TERM; \
	DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

check-migrations: setup
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

lint: setup-dev
	$(PY) -m ruff check .

# pytest exits 5 when it collected nothing: make treats every non-zero exit as failure.
test: setup-dev check-migrations lint
	$(PY) -m pytest

# The inner loop while changing code: no browser, the test database kept between runs. `make test`
# (what CI runs) before committing.
test-fast: setup-dev
	$(PY) -m pytest -m "not e2e" --reuse-db -q

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache
