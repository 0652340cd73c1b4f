# The two commands of the README:
#   make demo   build a virtualenv, load demo data, serve on http://127.0.0.1:8000
#   make test   build a virtualenv with the dev extras, run the test suite
# The test suite uses SQLite unless DSIP_DATABASE_URL names a PostgreSQL database.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
DSIP := $(VENV)/bin/dsip
DATA ?= $(CURDIR)/data
HOST ?= 127.0.0.1
PORT ?= 8000
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="tests/core -x"`.
PYTEST_ARGS ?=

.PHONY: demo test lint venv serve clean

# One stamp file: re-install when pyproject.toml changes. A virtualenv made by
# an older Python (this machine's python3 may be 3.11) is rebuilt, since
# Django 6 needs 3.12 or newer.
$(VENV)/.installed: pyproject.toml scripts/find-python
	@base="$$(scripts/find-python)" || exit 1; \
	if [ -x "$(PY)" ] && ! "$(PY)" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	  echo "Removing $(VENV): it was made with a Python older than 3.12."; rm -rf "$(VENV)"; \
	fi; \
	if [ ! -x "$(PY)" ]; then echo "Creating $(VENV) with $$base"; "$$base" -m venv "$(VENV)"; fi
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $@

venv: $(VENV)/.installed

demo: venv
	mkdir -p "$(DATA)"
	DSIP_DEMO=1 DSIP_DATA_DIR="$(DATA)" $(DSIP) demo_setup
	DSIP_DEMO=1 DSIP_DATA_DIR="$(DATA)" $(DSIP) demo_serve --host $(HOST) --port $(PORT)

# Serve the existing demo data again without re-running the setup.
serve: venv
	DSIP_DEMO=1 DSIP_DATA_DIR="$(DATA)" $(DSIP) demo_serve --host $(HOST) --port $(PORT)

test: venv
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check src tests bench

clean:
	rm -rf "$(VENV)" "$(DATA)"
