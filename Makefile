# kscity task runner: `make run` (set up + web app), `make test` (set up + whole suite), lint, bench.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench init clean browser

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip >/dev/null 2>&1 || true
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

init: $(STAMP)
	$(BIN)/kscity init --sample

run: init
	$(BIN)/kscity serve --host 127.0.0.1 --port 8000

# Debian's Chromium for the browser tests (never a downloaded browser), poppler and the Nanum CJK font for PDFs.
browser:
	@test -x /usr/bin/chromium || (apt-get install -y -qq chromium >/dev/null 2>&1 || \
	  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)) || \
	  { echo "could not install Debian's chromium (apt-get install chromium)"; exit 1; }
	@(command -v pdftotext >/dev/null && test -d /usr/share/fonts/truetype/nanum) || \
	  apt-get install -y -qq poppler-utils fonts-nanum >/dev/null 2>&1 || \
	  (apt-get update -qq && apt-get install -y -qq poppler-utils fonts-nanum >/dev/null)

test: $(STAMP) browser
	$(BIN)/pytest -q -p no:cacheprovider -n auto --durations=15

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var
