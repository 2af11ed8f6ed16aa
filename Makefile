# The README's commands. Each does its own set-up and is quick when that is already done.
VENV ?= .venv
PY := $(VENV)/bin/python
# Debian packages the test suite drives for real: the browser and the distributed queue.
TEST_DEBIAN_PACKAGES := chromium redis-server

.PHONY: demo test test-quick fault-table bench lint setup setup-test clean docs-screenshot

setup:
	@scripts/install.sh --python --ferretdb

setup-test: setup
	@scripts/install.sh --debian $(TEST_DEBIAN_PACKAGES)

demo: setup
	@$(VENV)/bin/crawler demo
	@echo "See it in a browser: run '$(VENV)/bin/crawler web' and open http://127.0.0.1:8080/"

test: setup-test
	@$(VENV)/bin/ruff check .
	@$(PY) -m pytest

# The fault tests, writing what they measured into docs/operations.md's fault table
# (`make test` only checks it).
fault-table: setup-test
	@FAULT_TABLE_WRITE=1 $(PY) -m pytest -q tests/integration/test_faults_*.py \
		tests/integration/test_store_concurrent.py

# Pure-function tests only (tests/unit): no database, browser or Redis; seconds.
test-quick: setup
	@$(VENV)/bin/ruff check .
	@$(PY) -m pytest -q -x tests/unit

bench: setup-test
	@for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# The README's screenshot of `crawler web` (a scratch demo crawl, headless Chromium).
docs-screenshot: setup-test
	@$(PY) scripts/web_screenshot.py docs/web-runs.png

lint: setup
	@$(VENV)/bin/ruff check .

clean:
	rm -rf var .pytest_cache
