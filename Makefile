# A new user runs `make run` (main job on corpus/) and `make test`; both create .venv and install first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test bench eval eval-real fixtures golden lint fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/jixiao run corpus -o outputs

# Two processes: the batch, reader and format tests spend most of their time in workers, LibreOffice and OCR
# (5.5 minutes one after another on this 2-core machine, 3.2-3.7 on two processes).
test: install
	$(BIN)/python -m pytest -q -n 2

lint: install
	$(BIN)/jixiao rules lint

# Extraction against the devset's gold (the copy in tests/data/devset).
eval: install
	$(BIN)/jixiao eval tests/data/devset/gold.jsonl

# Extraction and checks against the real-text set, tuning and test halves side by side. The excerpts are
# third-party text kept out of git (tests/data/realset/texts/); without them this says how to restore them.
eval-real: install
	$(BIN)/jixiao eval tests/data/realset/gold.jsonl --texts tests/data/realset/texts

# Speed and memory, in one run on the same files: start-up, reports per CPU-second (TXT, DOCX), PDF pages per
# CPU-second beside pypdfium2's plain text, CPU seconds per KB at 1x/16x/64x size; a batch of 10,000
# documents and its unchanged rerun (about 15 minutes on 2 cores); the review page of 10,000 reports (size,
# load time in headless chromium); 10,000 generated reports with planted copies: copied-passage precision
# and recall, the stage across reports, the local pool against a 2-worker Dask LocalCluster.
bench: install
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_run.py --docs 10000
	$(BIN)/python scripts/bench_page.py
	$(BIN)/python scripts/bench_across.py

# Mutation fuzzing through the batch run's own path (scripts/fuzz.py): mutated corpus and bad files, every
# promise of the run asserted; files that break one are kept in outputs/fuzz/crashes/. CI: 60 s, seed 1.
FUZZ_SECONDS ?= 180
FUZZ_SEED ?=
fuzz: install
	$(BIN)/python scripts/fuzz.py --seconds $(FUZZ_SECONDS) $(if $(FUZZ_SEED),--seed $(FUZZ_SEED))

# Regenerate the DOCX/PDF versions of the seeds, the deliberately broken files and the other formats
# fixtures (committed; make_formats.py needs LibreOffice Writer and Calc and a CJK font, see its docstring).
fixtures: install
	$(BIN)/python scripts/make_docx.py
	$(BIN)/python scripts/make_pdf.py
	$(BIN)/python scripts/make_bad.py
	$(BIN)/python scripts/make_formats.py

# Rewrite the golden files from the current code; review the diff like code.
golden: install
	$(BIN)/python -m pytest -q tests/test_golden.py --update-golden

clean:
	rm -rf $(VENV) outputs .pytest_cache
