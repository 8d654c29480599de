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

.PHONY: run test validate build lint format clean screenshot labelstudio bench

## run: set up, then run the main job: validate the corpus and build the release
run: $(VENV)/.installed-release
	$(BIN)/tsr-news validate
	$(BIN)/tsr-news build

## test: set up (Label Studio included), then run the linters and the whole test suite
test: $(VENV)/.installed-test $(LS_INSTALLED) $(CHROMIUM)
	$(BIN)/ruff format --check src tests
	$(BIN)/ruff check src tests
	TSR_LABEL_STUDIO=$(LS_VENV)/bin/label-studio TSR_NEWS_CHROMIUM=$(CHROMIUM) $(BIN)/pytest

## labelstudio: install Label Studio into .venv-ls (for `tsr-news ls serve`)
labelstudio: $(LS_INSTALLED)

## bench: speed and memory of validate and build on synthetic corpora (benchmarks/README.md)
bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/run.py

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

$(VENV)/.installed-bench: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --editable ".[bench]"
	touch $@

# push, pull and serve need the SDK (the extra tsr-news[labelstudio]); scripts/labelstudio uses it
$(VENV)/.installed-labelstudio: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --editable ".[labelstudio]"
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --editable ".[test]"
	touch $@

## screenshot: the review page of the fixture document, for the README (needs Debian's chromium)
screenshot: $(VENV)/.installed-core
	$(BIN)/tsr-news show doc-alpha --root tests/fixtures/corpus --out build/show/doc-alpha.html
	$(BIN)/tsr-news show doc-alpha --root tests/fixtures/corpus --layers ann1,tagger-x \
		--out build/show/doc-alpha-ann1-tagger-x.html
	for shot in doc-alpha:0:quotes:0 doc-alpha-ann1-tagger-x:0:entities:2; do \
		chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
			--disable-component-update --disable-sync --no-first-run --hide-scrollbars \
			--user-data-dir=$$(mktemp -d) --window-size=1280,640 \
			--screenshot=docs/show-$${shot%%:*}.png \
			"file://$(CURDIR)/build/show/$${shot%%:*}.html#$${shot#*:}"; \
	done

$(LS_INSTALLED):
	rm -rf $(LS_VENV)
	$(PYTHON) -m venv $(LS_VENV)
	$(LS_VENV)/bin/python -m pip install --quiet "label-studio==$(LS_VERSION)"
	touch $@

$(CHROMIUM):
	apt-get update -qq && apt-get install -y -qq chromium

clean:
	rm -rf $(VENV) $(LS_VENV) build .pytest_cache .ruff_cache .hypothesis
