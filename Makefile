# The README's commands. Each does its own set-up and is quick when that is already done.
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo test bench lint setup clean

setup:
	@scripts/install.sh --python --ferretdb

demo: setup
	@$(VENV)/bin/crawler demo

test: setup
	@$(VENV)/bin/ruff check .
	@$(PY) -m pytest

bench: setup
	@for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf var .pytest_cache
