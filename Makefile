# Set-up and entry points. Every target creates .venv and installs what it needs into it,
# so each works on a fresh machine with only Python 3.10+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Label Studio (for the integration tests and `tsr-news ls serve`) lives in its own venv: it pins
# hundreds of packages that must not meet the package's. Its version is set once, in server.py.
LS_VENV := .venv-ls
LS_VERSION := $(shell sed -n 's/^LABEL_STUDIO_VERSION = "\(.*\)"/\1/p' src/tsr_news/labelstudio/server.py)
LS_INSTALLED := $(LS_VENV)/.installed-$(LS_VERSION)
# The browser test drives Debian's chromium (playwright's own browser downloads are not used).
CHROMIUM := /usr/bin/chromium

.PHONY: run test validate lint format clean labelstudio

## run: set up, then run the main job (validate the corpus)
run: $(VENV)/.installed-core
	$(BIN)/tsr-news validate

## test: set up (Label Studio included), then run the linters and the whole test suite
test: $(VENV)/.installed-test $(LS_INSTALLED) $(CHROMIUM)
	$(BIN)/ruff format --check src tests
	$(BIN)/ruff check src tests
	TSR_LABEL_STUDIO=$(LS_VENV)/bin/label-studio $(BIN)/pytest

## labelstudio: install Label Studio into .venv-ls (for `tsr-news ls serve`)
labelstudio: $(LS_INSTALLED)

validate: run

lint: $(VENV)/.installed-test
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-core: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --editable .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --editable ".[test]"
	touch $@

$(LS_INSTALLED):
	rm -rf $(LS_VENV)
	$(PYTHON) -m venv $(LS_VENV)
	$(LS_VENV)/bin/python -m pip install --quiet "label-studio==$(LS_VERSION)"
	touch $@

$(CHROMIUM):
	apt-get update -qq && apt-get install -y -qq chromium

clean:
	rm -rf $(VENV) $(LS_VENV) build .pytest_cache .ruff_cache .hypothesis
