# kscity task runner: `make run` (set up + web app), `make test` (set up + whole suite), lint, bench.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# mypyc's compiled modules (setup.py, kscity/native.py): rebuilt when one of their sources changes
NATIVE := src/kscity/_native.json
NATIVE_SRC := $(shell sed -n 's|^    "\(kscity/.*\.py\)",$$|src/\1|p; s|^C_MODULES = \["\(.*\)"\]$$|src/\1|p' setup.py)
SAY_BUILD := $(BIN)/python -c "import kscity; print('kscity modules / 모듈:', kscity.NATIVE_BUILD)"

.PHONY: run test lint bench init clean browser

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip >/dev/null 2>&1 || true
	$(BIN)/pip install -q -e '.[dev]'
	@$(SAY_BUILD)
	touch $(STAMP)

$(NATIVE): $(NATIVE_SRC) setup.py mypyc.ini | $(STAMP)
	$(BIN)/pip install -q --no-deps -e .
	@$(SAY_BUILD)
	touch $(NATIVE)

# the real OCDS and TED notices beside the project (never copied into it) feed the demo's pipeline
SHARED_DATA ?= $(if $(KSCITY_SHARED_DATA),$(KSCITY_SHARED_DATA),../shared/data)

init: $(NATIVE)
	$(BIN)/kscity init --sample
	@if [ -d "$(SHARED_DATA)/ocds" ] && [ -d "$(SHARED_DATA)/ted" ]; then \
	  echo "notices / 공고: $(SHARED_DATA)/ocds, $(SHARED_DATA)/ted"; \
	  $(BIN)/kscity ingest "$(SHARED_DATA)/ocds" "$(SHARED_DATA)/ted" --quiet; \
	else \
	  echo "notices: $(SHARED_DATA)/ocds or /ted not found (set KSCITY_SHARED_DATA); the pipeline starts empty:" \
	       "upload files at /imports or run kscity ingest PATH"; \
	  echo "공고: $(SHARED_DATA)/ocds 또는 /ted 폴더가 없습니다 (KSCITY_SHARED_DATA로 지정); 파이프라인이 비어 있습니다:" \
	       "/imports에서 파일을 올리거나 kscity ingest PATH를 실행하세요"; \
	fi

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

test: $(NATIVE) browser
	$(BIN)/pytest -q -p no:cacheprovider -n auto --durations=15

lint: $(STAMP)
	$(BIN)/ruff check src tests bench setup.py
	$(BIN)/mypy

bench: $(NATIVE)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var build $(NATIVE)
	find src -name '*.so' -delete
