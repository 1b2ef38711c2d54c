# Two commands: `make run` (set up, build the index, serve on http://127.0.0.1:5000)
# and `make test` (set up, run the whole suite, browser tests included).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
AXE_VERSION := 4.14.1
AXE := $(VENV)/node/node_modules/axe-core/axe.min.js
CATALOGS := $(wildcard library/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: run test setup index check lint format translations extract bench browser clean

run: setup
	$(BIN)/python app.py

test: setup $(AXE) browser
	$(BIN)/python -m pytest -q

setup: $(STAMP) $(COMPILED)

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ >/dev/null

index: setup
	$(BIN)/python -m indexer build

check: setup
	$(BIN)/python -m indexer check

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

extract: setup
	$(BIN)/pybabel extract -F library/babel.cfg -k _ -k gettext -k ngettext:1,2 -o library/translations/messages.pot .
	$(BIN)/pybabel update -i library/translations/messages.pot -d library/translations --no-fuzzy-matching

bench: setup
	$(BIN)/python -m tests.benchmarks.relevance
	$(BIN)/python -m tests.benchmarks.shipped
	$(BIN)/python -m tests.benchmarks.speed

# axe-core (accessibility rules) for the browser tests, installed once from the npm registry.
$(AXE):
	npm install --silent --no-audit --no-fund --prefix $(VENV)/node axe-core@$(AXE_VERSION)

# Headless Chromium and its driver, from Debian's packages.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	  else echo "The browser tests need Debian's chromium and chromium-driver: sudo apt-get install chromium chromium-driver"; exit 1; fi; }

clean:
	rm -rf instance .pytest_cache
