# The two commands of the README: `make demo` and `make test`.
PYTHON_BASE := $(shell scripts/find-python)
VENV ?= .venv
PY := $(VENV)/bin/python
DSIP := $(VENV)/bin/dsip
DATA ?= data
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint venv dev-venv serve clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON_BASE) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

venv: $(VENV)/.installed

demo: venv
	mkdir -p $(DATA)
	DSIP_DEMO=1 $(DSIP) demo_setup
	DSIP_DEMO=1 $(DSIP) demo_serve --host $(HOST) --port $(PORT)

test: venv
	$(PY) -m pytest

lint: venv
	$(VENV)/bin/ruff check src tests bench

clean:
	rm -rf $(VENV) $(DATA)
