# Developer entry points; each target is a thin wrapper around a script in tools/.
PYTHON ?= python3

.PHONY: test lint demo bench

test:  ## the whole test suite on a fresh Odoo 18.0 database (extra pytest args: ARGS=...)
	./tools/run-tests $(ARGS)

lint:  ## ruff (lint + format check) and pylint-odoo
	./tools/lint

demo:  ## Odoo with the connector against the local Amazon simulator
	./tools/run-demo $(ARGS)

bench:  ## the SP-API adapter benchmark, then set-up from an empty cache, backlog, order-import, shipment, offer (stock export) and settlement (import and reconciliation against Odoo's payment registration) benchmarks
	"$$($(PYTHON) tools/devenv.py venv)/bin/python" tools/bench/bench_adapter.py
	$(PYTHON) tools/bench/run_bench.py $(ARGS)
