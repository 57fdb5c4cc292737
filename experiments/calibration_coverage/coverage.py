"""Synthetic-truth coverage study: how often the posterior's 90 % intervals hold the true parameters.

    .venv/bin/python experiments/calibration_coverage/coverage.py [REPEATS] [WORKERS]   (default 20 repeats, 2)

Each repeat draws the true values of two uncertain parameters from their priors, runs
the historical scenario with them for 120 days, writes its events as an ACLED export,
and calibrates on those event counts alone (admin1 × month × event type).  It prints
each repeat and ends with ``coverage <parameter>=<share> ... all=<share>``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

import vacuum_sim
from vacuum_sim.observed.readers import to_acled
from vacuum_sim.sweeps.calibration.calibrate import load_calibration, run_calibration
from vacuum_sim.sweeps.calibration.posterior import Posterior

PRIORS = {"jnim_attack_rate": (0.005, 0.08), "ied_rate": (0.01, 0.2)}
DAYS = 120
ABC = "particles = 150\ngenerations = 6\nchecks = 0\n"


def main(repeats: int = 20, workers: int = 2) -> None:
    rng = np.random.default_rng(2024)
    root = Path(tempfile.mkdtemp(prefix="coverage_"))
    priors = "\n".join(f"{k} = [{lo}, {hi}]" for k, (lo, hi) in PRIORS.items())
    hits = {n: [] for n in PRIORS}
    for k in range(repeats):
        truth = {n: float(rng.uniform(lo, hi)) for n, (lo, hi) in PRIORS.items()}
        run = vacuum_sim.run("historical_2023", seed=1000 + k, days=DAYS, overrides=truth)
        data = root / f"truth{k}.csv"
        to_acled(run.events, f"synthetic truth {k}").to_csv(data, index=False)
        cal_file = root / f"calibration{k}.toml"
        cal_file.write_text(f'days = {DAYS}\n[priors]\n{priors}\n[targets]\npatterns = false\ndata = "{data.name}"\n'
                            f"[abc]\n{ABC}seed = {k}\n")
        result = run_calibration(load_calibration(cal_file), workers=workers)
        post = Posterior("", tuple(PRIORS), result.history.final.theta, result.history.final.weights, {})
        ranges = post.interval(0.9)
        line = []
        for n, v in truth.items():
            hit = ranges.at[n, "low"] <= v <= ranges.at[n, "high"]
            hits[n].append(hit)
            line.append(f"{n}={v:.4f} in [{ranges.at[n, 'low']:.4f}, {ranges.at[n, 'high']:.4f}]: {hit}")
        print(f"repeat {k}: {result.n_simulations} runs in {result.wall_seconds:.0f} s; " + "; ".join(line), flush=True)
    every = [h for v in hits.values() for h in v]
    print("coverage " + " ".join(f"{n}={np.mean(v):.2f}" for n, v in hits.items()) + f" all={np.mean(every):.2f} "
          f"({sum(every)}/{len(every)})")


if __name__ == "__main__":
    main(*map(int, sys.argv[1:]))
