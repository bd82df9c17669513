# The two commands: `make serve` and `make test`. Both run `make setup` first, which
# installs everything a fresh Debian/Ubuntu machine lacks and is quick when it is all there.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian packages: a Simplified-Chinese font, HarfBuzz subsetting for WeasyPrint (without it
# a CJK form takes ~11 s), DejaVu for ☐/☑, Pango for WeasyPrint, pdftotext/pdffonts/pdftoppm, chromium for tests,
# postgresql for the register's tests (they start a throwaway cluster of their own; pg_dump for backups).
DEBS := fonts-noto-cjk fonts-dejavu-core libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils chromium postgresql
MERMAID := .cache/mermaid/mermaid.min.js

export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup system-packages serve build check lint test test-fast test-register bench export clean golden lock

setup: system-packages $(STAMP) $(MERMAID) .cache/jieba.cache .cache/fonts/.done

system-packages:
	@missing=""; for p in $(DEBS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "setup: installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO=sudo; else \
	    echo "setup: cannot install$$missing: run as root or install them with apt-get" >&2; exit 1; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
	    || { echo "setup: apt-get could not install$$missing; install them by hand and run make again" >&2; exit 1; }; \
	  fc-cache -f >/dev/null 2>&1 || true; \
	fi

# Exact versions from requirements.lock (`make lock` refreshes it from pyproject.toml's ranges).
$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c requirements.lock -e '.[test]'
	@touch $@

# Resolve pyproject.toml's ranges afresh in a throwaway venv and write every exact version.
lock:
	rm -rf .cache/lock-venv && $(PY) -m venv .cache/lock-venv
	.cache/lock-venv/bin/pip install -q --upgrade pip
	$(PY) -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
	  print('\n'.join(p['dependencies'] + p['optional-dependencies']['test']))" > .cache/lock-venv/requirements.in
	.cache/lock-venv/bin/pip install -q -r .cache/lock-venv/requirements.in
	{ echo "# Exact versions for make setup; refresh with 'make lock' after changing pyproject.toml."; \
	  .cache/lock-venv/bin/pip freeze --exclude pip; } > requirements.lock
	rm -rf .cache/lock-venv

# Mermaid for the flowcharts, served from the site itself: staff PCs cannot reach a CDN.
$(MERMAID):
	@mkdir -p .cache/mermaid
	@if ! command -v npm >/dev/null; then echo "setup: npm not found: the site's flowcharts will show as text (apt-get install npm)" >&2; \
	else cd .cache/mermaid && npm pack --silent mermaid@11 >/dev/null && tar -xzf mermaid-*.tgz package/dist/mermaid.min.js \
	  && mv package/dist/mermaid.min.js mermaid.min.js && rm -rf package mermaid-*.tgz; fi

# jieba's dictionary cache, built ahead so a cold `handbook search` does not build it.
.cache/jieba.cache: $(STAMP) content/dictionary.yaml
	$(BIN)/python -m search.warm

# A small CJK font cut from Noto Sans CJK SC, so a PDF form subsets in ~3 ms (builder/forms/fonts.py).
.cache/fonts/.done: $(STAMP) builder/forms/fonts.py
	$(BIN)/python -m builder.forms.fonts
	@touch $@

# The editor's check: every content/forms problem, then quiz questions whose source changed.
check: setup
	$(BIN)/handbook check
	$(BIN)/handbook quiz check

build: setup
	$(BIN)/handbook build

serve: build
	$(BIN)/handbook serve --host $(HOST) --port $(PORT)

lint: setup
	$(BIN)/ruff check builder search tests bench
	$(BIN)/mypy

test: setup lint
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not browser and not slow"

# The register: its tests run on SQLite and on a PostgreSQL cluster they start themselves.
test-register: setup
	$(BIN)/python -m pytest tests/test_register*.py


golden: setup
	$(BIN)/python -m pytest --update-golden tests/

export: setup
	$(BIN)/handbook export --format pdf,docx --out build/handbook

bench: setup
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf site build .cache/index .pytest_cache
