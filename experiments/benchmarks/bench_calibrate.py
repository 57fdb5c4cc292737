"""Calibration throughput against the sweep runner's, both on 2 workers, same scenario, horizon and number of runs.

    make bench-calibrate                                                    (a few minutes)
    .venv/bin/python experiments/benchmarks/bench_calibrate.py [RUNS] [DAYS] [REPEATS]   (default 120, 210, 3)

Both go through the same pool (``vacuum_sim.sweeps.runners``).  The sweep runs a Latin
hypercube over the calibration's priors (one seed per point); the calibration runs
APMC with particles chosen so that it simulates the same number of runs.  Each is
timed end to end (pool start-up, writing the sweep folder, the APMC steps included).
Other work on the machine skews both, so the load average is printed before and after
and the two are run alternately (sweep, calibration, sweep, …) REPEATS times.  It ends
with the median and best of each and ``calibrate/sweep runs/s = <ratio of medians>``
(the target is >= 0.90).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from vacuum_sim.sweeps.calibration.calibrate import load_calibration, run_calibration
from vacuum_sim.sweeps.sweep import sweep

PRIORS = {"jnim_attack_rate": (0.005, 0.08), "csp_attack_rate": (0.01, 0.2), "lethality": (0.002, 0.03),
          "ct_target_min": (0.0, 0.5), "rebel_zone_influence": (0.05, 0.6)}
WORKERS = 2


def main(runs: int = 120, days: int = 210, repeats: int = 3) -> None:
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; {runs} runs of {days} days, "
          f"{WORKERS} workers each")
    with tempfile.TemporaryDirectory(prefix="bench_calibrate_") as tmp:
        sweep_rates, cal_rates = measure(Path(tmp), runs, days, repeats)
    s, c = statistics.median(sweep_rates), statistics.median(cal_rates)
    print(f"best of each: sweep {max(sweep_rates):.2f} runs/s, calibration {max(cal_rates):.2f} runs/s "
          f"(ratio {max(cal_rates) / max(sweep_rates):.2f})")
    print(f"median of each: sweep {s:.2f} runs/s, calibration {c:.2f} runs/s; load average now "
          f"{os.getloadavg()[0]:.2f}")
    print(f"calibrate/sweep runs/s = {c / s:.2f}")


def measure(root: Path, runs: int, days: int, repeats: int) -> tuple[list[float], list[float]]:
    """Runs per second of the sweep and of the calibration, alternately, ``repeats`` times each."""
    factors = "\n".join(f"{k} = {{ range = [{lo}, {hi}] }}" for k, (lo, hi) in PRIORS.items())
    (root / "experiment.toml").write_text(f'days = {days}\nreplicates = 1\n[design]\ntype = "latin_hypercube"\n'
                                          f"n = {runs}\nseed = 0\n[factors]\n{factors}\n[output]\n"
                                          'metrics = ["new_ops_north", "new_ops_centre"]\nevery = "month"\n')
    priors = "\n".join(f"{k} = [{lo}, {hi}]" for k, (lo, hi) in PRIORS.items())
    particles = runs * 2 // 3  # generation 0: particles runs; generation 1: particles / 2 more (alpha = 0.5)
    (root / "calibration.toml").write_text(f'days = {days}\n[priors]\n{priors}\n[targets]\npatterns = true\n'
                                           f"[abc]\nparticles = {particles}\ngenerations = 2\np_acc_min = 0.0\n"
                                           "checks = 0\n")
    sweep_rates, cal_rates = [], []
    for rep in range(repeats):
        start = time.perf_counter()
        report = sweep(root / "experiment.toml", out=root / f"sweep{rep}", workers=WORKERS, progress=False)
        sweep_rates.append(report.done / (time.perf_counter() - start))
        start = time.perf_counter()
        result = run_calibration(load_calibration(root / "calibration.toml"), workers=WORKERS)
        cal_rates.append(result.n_simulations / (time.perf_counter() - start))
        print(f"  pair {rep + 1}: sweep {report.done} runs at {sweep_rates[-1]:.2f} runs/s; calibration "
              f"{result.n_simulations} runs at {cal_rates[-1]:.2f} runs/s")
    return sweep_rates, cal_rates


if __name__ == "__main__":
    main(*map(int, sys.argv[1:]))
