# bounceback: `make demo` to see it, `make test` to check it. Needs Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DEMO_DIR := .demo
DEMO_DB := $(DEMO_DIR)/bounceback.duckdb
DEMO_PORT ?= 8501
PERSONAS := healthy spray_and_pray resume_gap wrong_industry interview_stall no_follow_up

.PHONY: install test lint browser bench calibrate mail-eval demo demo-data samples clean reliability fuzz snapshot snapshot-compare

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "bounceback needs Python 3.11 or newer (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(INSTALLED)

install: $(INSTALLED)

# mypy is strict everywhere it looks ([tool.mypy] in pyproject.toml); tests/ is not type-checked.
# The import contract (docs/architecture.md): each module imported in a fresh interpreter, its layer's
# rules checked on what it loaded (tests/unit/test_layers.py).
LAYERS_TEST := tests/unit/test_layers.py
lint: install
	$(BIN)/ruff check pipelines dashboard sample_data tests benchmarks
	$(BIN)/mypy pipelines dashboard benchmarks sample_data
	$(BIN)/python -m pytest -q -p no:cacheprovider $(LAYERS_TEST)

# the import contract already ran in lint
test: lint browser
	$(BIN)/python -m pytest --deselect $(LAYERS_TEST)

# The real-browser test needs Debian's chromium (playwright cannot download browsers here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian's chromium for the browser test"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	}

# Every target of issue 8 as a ratio measured in one run (benchmarks/harness.py): inputs generated
# into .bench/ and kept, results printed and written to benchmarks/results/. BENCH_ARGS to change sizes.
# Last, issue 18's first chart and page switches in Debian's chromium (`make browser`; without it those
# rows say skipped; BENCH_ARGS=--no-browser skips them).
BENCH_ARGS ?=
bench: install
	$(BIN)/python -m benchmarks.harness $(BENCH_ARGS)

# Issue 9's long runs (tests/reliability/): SIGKILLs during loads, 1,000 fuzzed files, hostile files.
# Writes RELIABILITY.md; exits 1 if any promise broke. `make test` runs the quick versions.
reliability: install browser
	$(BIN)/python -m tests.reliability.report

fuzz: install
	$(BIN)/python -m tests.reliability.report --only fuzz

# The diagnosis against simulated searches, each looked at weekly (benchmarks/calibrate.py: 1,000
# per scenario, about 4 minutes on 2 cores); exits 1 when a scenario misses issue 15's goals.
# CALIBRATE_RUNS to change.
CALIBRATE_RUNS ?= 1000
calibrate: install
	$(BIN)/python -m benchmarks.calibrate --runs $(CALIBRATE_RUNS)

# Issue 19's mail goals on the seeded corpus, seed 7 (benchmarks/mail_eval.py); a report, exits 0.
mail-eval: install
	$(BIN)/python -m benchmarks.mail_eval --seed 7

# Issue 17's proof that a move changed no behaviour: the --json of every command on every sample,
# written before the move and compared after it (floats within 1e-12).
SNAPSHOT_DIR ?= benchmarks/results/cli_json
snapshot: install
	$(BIN)/python -m benchmarks.json_snapshot write $(SNAPSHOT_DIR)

snapshot-compare: install
	$(BIN)/python -m benchmarks.json_snapshot compare $(SNAPSHOT_DIR)

# The demo database lives in .demo/, never in your own data folder. The sample searches are
# generated as of today, so "pending" and "no answer yet" mean what they say.
demo-data: install
	@mkdir -p $(DEMO_DIR)/samples
	@if [ "$$($(BIN)/bounceback status --db $(DEMO_DB) --json | $(BIN)/python -c 'import json,sys; print(json.load(sys.stdin)["applications"])')" = "0" ]; then \
		for persona in $(PERSONAS); do \
			$(BIN)/bounceback sample --persona $$persona --seed 7 --out $(DEMO_DIR)/samples/$$persona.csv && \
			$(BIN)/bounceback ingest $(DEMO_DIR)/samples/$$persona.csv --db $(DEMO_DB) --client $$persona || exit 1; \
		done; \
		$(BIN)/bounceback sample --persona advisor_caseload --seed 7 --out $(DEMO_DIR)/samples/advisor_caseload.csv && \
		$(BIN)/bounceback ingest $(DEMO_DIR)/samples/advisor_caseload.csv --db $(DEMO_DB) && \
		$(BIN)/bounceback clients import $(DEMO_DIR)/samples/advisor_caseload.clients.csv --db $(DEMO_DB) && \
		$(BIN)/python -m sample_data.plan_follower --db $(DEMO_DB) --out $(DEMO_DIR)/samples && \
		$(BIN)/bounceback clients import sample_data/personas.clients.csv --db $(DEMO_DB) || exit 1; \
	else \
		echo "demo database $(DEMO_DB) already loaded (make clean to start over)"; \
	fi

demo: demo-data
	$(BIN)/bounceback status --db $(DEMO_DB)
	@echo
	@echo "Starting the dashboard: open http://localhost:$(DEMO_PORT)/?client=wrong_industry (Ctrl+C to stop)"
	@echo "(one sample search, whose target industry is failing; pick another client in the sidebar)"
	@echo "An advisor's caseload: http://localhost:$(DEMO_PORT)/roster (Advisor: Sam Rivera)"
	$(BIN)/bounceback dashboard --db $(DEMO_DB) --port $(DEMO_PORT)

# Rebuild the committed sample CSVs (fixed seeds, as of 2026-11-01).
samples: install
	$(BIN)/python -m sample_data.build

clean:
	rm -rf $(DEMO_DIR) .bench .pytest_cache .ruff_cache test-output
