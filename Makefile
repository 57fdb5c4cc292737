# One command for each job; each sets itself up first (finds Python >= 3.12, creates .venv, installs).
.PHONY: setup run test lint wheel-check bench bench-sweep bench-calibrate bench-app app
SHELL := /bin/bash

setup:
	@scripts/setup.sh

## The main job: run the bundled historical scenario and write its tables and figures under runs/.
run: setup
	.venv/bin/vacuum-sim run historical_2023 --seed 0

## The test suite (a few minutes on 2 cores); setup also installs Chromium for the app's browser test.
test:
	@scripts/setup.sh --browser
	.venv/bin/python -m pytest -n 2 -q

## Lint: ruff (pinned in pyproject's dev extra) over the package, the tests and the experiments.
lint: setup
	.venv/bin/ruff check vacuum_sim tests experiments

## The wheel as a user gets it: built, installed into a fresh venv, run from outside the checkout (~2 minutes).
wheel-check:
	scripts/check_wheel.sh

## Speed: the model against a bare Mesa loop on the same map.
bench: setup
	.venv/bin/python experiments/benchmarks/bench_model.py

## Sweeps: 2 workers vs 1, per-run overhead, memory of 1,000 vs 50 runs, and Mesa's batch_run (a few minutes).
bench-sweep: setup
	.venv/bin/python experiments/benchmarks/bench_sweep.py

## Calibration against the sweep runner: runs/s of each on 2 workers, alternated 3 times, and their ratio (~5 minutes).
bench-calibrate: setup
	.venv/bin/python experiments/benchmarks/bench_calibrate.py

## The app: seconds per weekly frame for the map and each chart over a two-year run (a couple of minutes).
bench-app: setup
	MPLBACKEND=Agg .venv/bin/python experiments/benchmarks/bench_app.py

## The classroom app in the browser, served at http://127.0.0.1:8765 (Ctrl-C stops it).
app: setup
	.venv/bin/vacuum-sim app
