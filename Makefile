# The two commands a new user runs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: demo test lint typecheck bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev]'
	bash scripts/install-test-services.sh
	touch $@

demo: $(STAMP)
	$(BIN)/charter demo demo-org --size small --force
	$(BIN)/charter check --repo demo-org --fail-on never
	$(BIN)/charter scorecard --repo demo-org
	$(BIN)/charter import deployments --repo demo-org demo-org/facts/deployments.jsonl
	$(BIN)/charter import incidents --repo demo-org demo-org/facts/incidents-pagerduty.json demo-org/facts/incidents-incident-io.csv
	$(BIN)/charter import sli --repo demo-org demo-org/facts/sli.csv
	$(BIN)/charter import findings --repo demo-org demo-org/facts/scans/*
	$(BIN)/charter import kev --repo demo-org demo-org/facts/kev.json
	$(BIN)/charter import epss --repo demo-org demo-org/facts/epss.csv
	$(BIN)/charter import scorecard --repo demo-org demo-org/facts/scorecard/*.json
	$(BIN)/charter sync --repo demo-org --as-of 2026-11-01
	$(BIN)/charter snapshot --repo demo-org --since 2026-05-03 --until 2026-11-01 --every 1w
	$(BIN)/charter delivery --repo demo-org --by team --until 2026-11-01
	$(BIN)/charter codehealth --repo demo-org --as-of 2026-11-01
	$(BIN)/charter slo status --repo demo-org --as-of 2026-11-01
	$(BIN)/charter incidents --repo demo-org --by service --until 2026-11-01
	$(BIN)/charter security --repo demo-org --as-of 2026-11-01
	$(BIN)/charter risks --repo demo-org --as-of 2026-11-01
	$(BIN)/charter controls --repo demo-org --as-of 2026-11-01
	$(BIN)/charter targets --repo demo-org --as-of 2026-11-01
	$(BIN)/charter escalations --repo demo-org --as-of 2026-11-01
	$(BIN)/charter assess --repo demo-org --as-of 2026-11-01
	$(BIN)/charter plan --repo demo-org --as-of 2026-11-01
	$(BIN)/charter plan --repo demo-org --as-of 2026-11-01 --scenario demo-org/scenarios/hiring-freeze.yaml
	$(BIN)/charter review --repo demo-org --since 2026Q3 --until 2026-10-31
	bash scripts/install-pango.sh
	$(BIN)/charter report --repo demo-org --as-of 2026-11-01 --output demo-org/report.html
	$(BIN)/charter report --repo demo-org --as-of 2026-11-01 --format pdf --output demo-org/report.pdf
	@echo "The strategy document: $(CURDIR)/demo-org/report.html and $(CURDIR)/demo-org/report.pdf"
	@echo
	@echo "The dashboard on the demo organisation: $(BIN)/charter serve --repo demo-org"
	@echo "then open http://127.0.0.1:8000/ and log in with this viewer token (shown once):"
	@$(BIN)/charter token create --repo demo-org --role viewer --name demo-viewer-$$(date +%s) --expires 30d

test: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -q -p no:cacheprovider

bench: $(DEV_STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/bench_check.py
	$(BIN)/python benchmarks/bench_mine.py --big
	$(BIN)/python benchmarks/bench_delivery.py
	$(BIN)/python benchmarks/bench_sli.py
	$(BIN)/python benchmarks/bench_findings.py
	$(BIN)/python benchmarks/bench_risks.py
	$(BIN)/python benchmarks/bench_security.py
	$(BIN)/python benchmarks/bench_plan.py

clean:
	rm -rf $(VENV) demo-org .pytest_cache .mypy_cache .ruff_cache
