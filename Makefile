# Set-up and entry points. Every target creates .venv and installs what it needs into it,
# so each works on a fresh machine with only Python 3.10+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test validate build lint format clean

## run: set up, then run the main job: validate the corpus and build the release
run: $(VENV)/.installed-release
	$(BIN)/tsr-news validate
	$(BIN)/tsr-news build

## test: set up, then run the linters and the whole test suite
test: $(VENV)/.installed-test
	$(BIN)/ruff format --check src tests
	$(BIN)/ruff check src tests
	$(BIN)/pytest

validate: $(VENV)/.installed-core
	$(BIN)/tsr-news validate

build: run

lint: $(VENV)/.installed-test
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-core: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --editable .
	touch $@

$(VENV)/.installed-release: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --editable ".[release]"
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --editable ".[test]"
	touch $@

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache .hypothesis
