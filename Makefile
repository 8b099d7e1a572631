# Every target sets itself up: a fresh clone needs only `make run` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint lock clean screenshots catalogs

# Installed from the lock (uv.lock), so a fresh clone gets exactly what was tested: uv itself
# at a pinned version from PyPI, then `uv sync --locked` (it refuses a lock that no longer
# matches pyproject.toml). `make lock` upgrades every dependency on purpose.
UV_VERSION := 0.13.10
UV := UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv
$(STAMP): pyproject.toml uv.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv==$(UV_VERSION)
	$(UV) sync --locked --inexact --extra dev --quiet
	touch $(STAMP)

lock:
	test -x $(BIN)/uv || { $(PYTHON) -m venv $(VENV) && $(BIN)/pip install --quiet uv==$(UV_VERSION); }
	$(UV) lock --upgrade
	@echo "uv.lock upgraded: run make test, then commit it"

# The translations: orchestrator/locale/<lang>/LC_MESSAGES/rota.po compiled into .mo files
# (generated, not committed). The compiler refuses a catalog with a missing message, a
# placeholder that differs from the English or a missing plural form, with its file:line.
PO := $(wildcard orchestrator/locale/*/LC_MESSAGES/rota.po)
MO := $(PO:.po=.mo)
$(MO) &: $(PO) orchestrator/locale/rota.pot $(STAMP)
	$(BIN)/python -m orchestrator.language.catalogs compile
catalogs: $(MO)

run: $(STAMP) $(MO)
	$(BIN)/rota demo

AXE := tests/browser/node_modules/axe-core/axe.min.js

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
	touch $(AXE)

# the lint (ruff; mypy --strict on schedules/, rooms/, orchestrator/, every body of tests/; the
# import contracts in pyproject.toml) runs before the tests;
# the tests on two workers (most of their time is waiting: rehearsals, processes, browsers),
# one test file at a time per worker and every browser test on the same worker
# (tests/conftest.py); PYTEST_WORKERS=0 runs them in one process
PYTEST_WORKERS ?= 2
test: lint $(MO) $(AXE)
	@sh scripts/ensure-chromium
	@sh scripts/ensure-nginx
	@sh scripts/ensure-caddy
	$(BIN)/pytest $(if $(filter-out 0,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS) --dist loadgroup)

screenshots: $(STAMP) $(MO)
	@sh scripts/ensure-chromium
	$(BIN)/python scripts/screenshots.py docs/img

# Every figure in docs/benchmarks.md, each table printed ready to paste (about 8 minutes on a
# quiet machine). The throughput benchmarks drive the servers with wrk (Debian's, installed
# when missing).
bench: $(STAMP)
	@sh scripts/ensure-wrk
	$(BIN)/python bench/planner.py
	$(BIN)/python bench/redirects.py
	$(BIN)/python bench/profile_go.py
	$(BIN)/python bench/workers.py
	$(BIN)/python bench/webhooks.py
	$(BIN)/python bench/memory.py
	$(BIN)/python bench/fanout.py
	$(BIN)/python bench/notify.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .import_linter_cache tests/browser/node_modules
