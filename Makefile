# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/zhida_test
export ZHIDA_HOME ?= $(CURDIR)/var

.PHONY: run test bench install system-deps assets clean

$(STAMP): pyproject.toml setup.py
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "zhida needs Python >= 3.11 (PYTHON=$(PYTHON) is $$($(PYTHON) -V 2>&1)); run make PYTHON=python3.11 ..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# Front-end assets (htmx, ECharts, Swagger UI) from the npm registry, served locally.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

assets: node_modules/.package-lock.json

# Debian packages (apt-get, as root or via sudo), only those missing: npm, chromium, CJK fonts,
# Java >= 17 for Spark (checked by version), PostgreSQL.
system-deps:
	@scripts/system_deps.sh

install: $(STAMP) assets

# The main job on the embedded default store (SQLite in $(ZHIDA_HOME)): seed corpus and
# rules loaded, 20,000 synthetic enterprises matched, the web platform on 127.0.0.1:8000.
run: install
	$(BIN)/zhida demo

# The whole suite, on SQLite and on PostgreSQL (started here when it is down).
test: system-deps install
	@scripts/start_postgres.sh
	$(BIN)/python scripts/ensure_postgres.py
	$(BIN)/pytest -q
	ZHIDA_TEST_DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -m postgres

bench: install
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) var .pytest_cache
