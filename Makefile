# Two commands: `make run` (set up, build the index, serve on http://127.0.0.1:5000)
# and `make test` (set up with the test requirements too, run the whole suite, browser and
# production tests included).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-tests
AXE_VERSION := 4.14.1
AXE := $(VENV)/node/node_modules/axe-core/axe.min.js
CATALOGS := $(wildcard library/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: run test setup index check lint format translations extract bench browser clean

run: setup
	$(BIN)/python app.py

test: setup $(TEST_STAMP) $(AXE) browser
	$(BIN)/python -m pytest -q

setup: $(STAMP) $(COMPILED)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# What the site runs (a server installs only this); the tests' and tools' packages on top.
# Each stamp is older than the files it installed from whenever one of them changes.
$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

$(TEST_STAMP): tests/requirements.txt requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r tests/requirements.txt
	touch $(TEST_STAMP)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ >/dev/null

index: setup
	$(BIN)/python -m indexer build

check: setup
	$(BIN)/python -m indexer check

lint: setup $(TEST_STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: setup $(TEST_STAMP)
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

extract: setup
	$(BIN)/pybabel extract -F library/babel.cfg -k _ -k gettext -k ngettext:1,2 -o library/translations/messages.pot .
	$(BIN)/pybabel update -i library/translations/messages.pot -d library/translations --no-fuzzy-matching

bench: setup $(TEST_STAMP)
	$(BIN)/python -m tests.benchmarks.relevance
	$(BIN)/python -m tests.benchmarks.shipped
	$(BIN)/python -m tests.benchmarks.speed

# axe-core (accessibility rules) for the browser tests, installed once from the npm registry.
$(AXE):
	npm install --silent --no-audit --no-fund --prefix $(VENV)/node axe-core@$(AXE_VERSION)

# Headless Chromium and its driver, nginx and openssl for the production tests
# (tests/test_production.py), and PostgreSQL for the sharing tests (tests/postgres.py), from
# Debian's packages.
browser:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null || missing="$$missing chromium-driver"; \
	{ command -v nginx || test -x /usr/sbin/nginx; } >/dev/null || missing="$$missing nginx"; \
	command -v openssl >/dev/null || missing="$$missing openssl"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	[ -z "$$missing" ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "The browser, production and sharing tests need Debian's$$missing: sudo apt-get install$$missing"; exit 1; fi; }

clean:
	rm -rf instance .pytest_cache
