# Two commands for a newcomer: `make demo` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install system-deps demo test lint dist clean

$(STAMP): pyproject.toml sandbox/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,dev]' -e sandbox  # the simulator: its own distribution
	touch $(STAMP)

install: system-deps $(STAMP)

# PostgreSQL server binaries for the end-to-end tests: apt-get only when missing and root.
system-deps:
	@if ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || command -v postgres >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing PostgreSQL server (apt-get) for the end-to-end tests"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql >/dev/null; \
	else echo "WARNING: PostgreSQL server binaries missing; the e2e tests need them (apt-get install postgresql)" >&2; fi

demo: install
	$(BIN)/python -m scripts.demo

test: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest
	$(MAKE) dist

# The release artefacts: sdist and wheel in dist/, metadata checked, the wheel the tap alone.
# CI runs it with `make test`; .github/workflows/release.yml uploads what it builds.
dist: install
	$(BIN)/python -m scripts.check_dist

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .meltano output dist
