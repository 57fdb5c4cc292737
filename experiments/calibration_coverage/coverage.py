"""Synthetic-truth coverage study: how often the posterior's 90 % intervals hold the true parameters.

    .venv/bin/python experiments/calibration_coverage/coverage.py [TRUTHS] [PARTICLES] [WORKERS] [--check]
                                                   (default 20 truths, 120 particles, 2 workers: see README for time)

Each truth draws the values of the uncertain parameters in :data:`PRIORS` uniformly from
those ranges, runs the historical scenario with them for :data:`DAYS` days (its own seed),
writes its events as an ACLED export and calibrates on those event counts alone
(admin1 × month × event type) with APMC: PARTICLES particles, alpha 0.5, up to
:data:`GENERATIONS` generations, so at most PARTICLES × (GENERATIONS + 1) / 2
simulations per truth.  A truth's parameter is *covered* when its value lies in the
posterior's weighted 5–95 % interval.  Coverage per parameter and over all is
reported with its exact (Clopper–Pearson) 95 % binomial interval; about 0.9 is
calibrated, above it too wide (ABC with a tolerance above zero errs that way), below it
overconfident.  The table between the README's markers and ``results.csv`` (one row per
truth and parameter) are rewritten; ``--check`` only prints.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

import vacuum_sim
from vacuum_sim.observed.readers import to_acled
from vacuum_sim.runs.results import write_section
from vacuum_sim.runs.runner import git_commit
from vacuum_sim.sweeps.calibration.calibrate import load_calibration, run_calibration, write
from vacuum_sim.sweeps.calibration.posterior import read_posterior

HERE = Path(__file__).resolve().parent
PRIORS = {"jnim_attack_rate": (0.005, 0.08), "ied_rate": (0.01, 0.2)}
SCENARIO, DAYS, GENERATIONS, LEVEL = "historical_2023", 120, 6, 0.9
START, END = "<!-- coverage:start (written by coverage.py; do not edit by hand) -->", "<!-- coverage:end -->"


def study(truths: int, particles: int, workers: int, root: Path, generations: int = GENERATIONS,
          seed: int = 2024) -> pd.DataFrame:
    """One row per truth and parameter: the true value, the posterior interval and whether it holds the value.

    Each truth's calibration folder is kept under ``root`` (``truth<k>/fit``)."""
    rng = np.random.default_rng(seed)
    priors = "\n".join(f"{k} = [{lo}, {hi}]" for k, (lo, hi) in PRIORS.items())
    rows = []
    for k in range(truths):
        truth = {n: float(rng.uniform(lo, hi)) for n, (lo, hi) in PRIORS.items()}
        folder = root / f"truth{k}"
        folder.mkdir(parents=True)
        run = vacuum_sim.run(SCENARIO, seed=1000 + k, days=DAYS, overrides=truth)
        to_acled(run.events, f"synthetic truth {k}").to_csv(folder / "truth.csv", index=False)
        (folder / "calibration.toml").write_text(
            f'scenario = "{SCENARIO}"\ndays = {DAYS}\n[priors]\n{priors}\n[targets]\npatterns = false\n'
            f'data = "truth.csv"\n[abc]\nparticles = {particles}\ngenerations = {generations}\nchecks = 0\n'
            f"seed = {k}\n", encoding="utf-8")
        result = run_calibration(load_calibration(folder), workers=workers)
        write(result, folder / "fit")
        ranges = read_posterior(folder / "fit" / "posterior.json").interval(LEVEL)
        for name, value in truth.items():
            low, high = ranges.at[name, "low"], ranges.at[name, "high"]
            rows.append({"truth": k, "parameter": name, "true": value, "low": low,
                         "median": ranges.at[name, "median"], "high": high, "covered": bool(low <= value <= high),
                         "simulations": result.n_simulations, "seconds": round(result.wall_seconds, 1)})
        print(f"truth {k}: {result.n_simulations} simulations in {result.wall_seconds:.0f} s; " + "; ".join(
            f"{r['parameter']}={r['true']:.4f} in [{r['low']:.4f}, {r['high']:.4f}]: {r['covered']}"
            for r in rows[-len(truth):]), flush=True)
    return pd.DataFrame(rows)


def coverage(results: pd.DataFrame) -> pd.DataFrame:
    """Per parameter and over all: covered / truths, the share and its exact 95 % binomial interval."""
    groups = [(name, g["covered"]) for name, g in results.groupby("parameter", sort=False)]
    groups.append(("all parameters", results["covered"]))
    rows = []
    for name, hits in groups:
        k, n = int(hits.sum()), len(hits)
        ci = stats.binomtest(k, n).proportion_ci(0.95, method="exact")
        rows.append({"parameter": name, "covered": k, "n": n, "coverage": k / n, "ci_low": ci.low, "ci_high": ci.high})
    return pd.DataFrame(rows)


def section(results: pd.DataFrame, command: str, minutes: float) -> str:
    table = coverage(results)
    sims = results.groupby("truth")["simulations"].first()
    lines = [START,
             (f"`{command}`: {results['truth'].nunique()} truths, {sims.sum()} simulations of {DAYS} days "
              f"({sims.min()}–{sims.max()} per truth), {minutes:.1f} min; vacuum-sim {vacuum_sim.__version__}, "
              f"commit {(git_commit() or '?')[:7]}."), "",
             "| parameter | covered / truths | coverage of the 90 % intervals | exact 95 % interval |",
             "|---|---|---|---|"]
    lines += [f"| {r.parameter} | {r.covered} / {r.n} | {r.coverage:.2f} | [{r.ci_low:.2f}, {r.ci_high:.2f}] |"
              for r in table.itertuples()]
    lines += ["", ("The overall row pools the parameters of each truth, which are not independent of each other, "
                   "so its interval is narrower than it should be."), END]
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    check = "--check" in argv
    given = [int(a) for a in argv if a != "--check"]
    truths, particles, workers = (given + [20, 120, 2][len(given):])[:3]
    command = f"python experiments/calibration_coverage/coverage.py {truths} {particles} {workers}"
    clock = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="coverage_") as tmp:
        results = study(truths, particles, workers, Path(tmp))
    text = section(results, command, (time.perf_counter() - clock) / 60)
    print(text)
    if check:
        return
    results.to_csv(HERE / "results.csv", index=False)
    readme = HERE / "README.md"
    try:
        write_section(readme, START, END, text)
    except ValueError as e:
        sys.exit(str(e))
    print(f"wrote {readme} and {HERE / 'results.csv'}")


if __name__ == "__main__":
    main(sys.argv[1:])
