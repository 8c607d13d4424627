# Developer entry points; each target is a thin wrapper around a script in tools/.
PYTHON ?= python3

.PHONY: test lint demo bench bench-suite

test:  ## the whole test suite on a fresh Odoo 18.0 database (extra pytest args: ARGS=...)
	./tools/run-tests $(ARGS)

lint:  ## ruff (lint + format check) and pylint-odoo
	./tools/lint

demo:  ## Odoo with the connector against the local Amazon simulator
	./tools/run-demo $(ARGS)

bench:  ## the SP-API adapter benchmark, then set-up from an empty cache, backlog, order-import, shipment, offer (stock export), settlement (import and reconciliation against Odoo's payment registration), refunds (credit notes of every refund shape, returns report) and FBA ledger (50,000 rows into stock moves, against the bare ORM) benchmarks
	"$$($(PYTHON) tools/devenv.py venv)/bin/python" tools/bench/bench_adapter.py
	$(PYTHON) tools/bench/run_bench.py $(ARGS)

bench-suite:  ## the whole test suite's time against the revision before Amazon's quotas were enforced in the tests (ARGS: --base REV, pytest args)
	$(PYTHON) tools/bench/bench_suite_time.py $(ARGS)

.PHONY: measure
measure:  ## the code's figures (largest model file, longest method, job-frame repeats, repeated lines); ARGS: --before REV, --rev REV, --list
	$(PYTHON) tools/measure_code.py $(ARGS)
