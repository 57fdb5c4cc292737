"""Rewrite this study's README results from a calibration folder (``vacuum-sim calibrate`` output).

    .venv/bin/python experiments/calibration_2023/readme.py calibrations/calibration_2023 [--check]

Everything between the README's markers comes from the folder's own files: the number
of simulations, wall time and workers (``posterior.json``), the tolerance schedule
(``generations.csv``), the posterior's medians and 90 % intervals (``posterior.json``) and
the posterior-predictive check against each pattern's sourced range (``predictive.csv``).
The folder's figures are copied beside the README.  ``--check`` prints without writing.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from vacuum_sim.observed.patterns import load_patterns
from vacuum_sim.runs.results import write_section
from vacuum_sim.sweeps.calibration.posterior import read_posterior

HERE = Path(__file__).resolve().parent
FIGURES = ("posterior.png", "predictive_patterns.png")
START, END = "<!-- results:start (written by readme.py; do not edit by hand) -->", "<!-- results:end -->"


def _range(low: float, high: float) -> str:
    return f"[{'' if np.isnan(low) else f'{low:g}'}, {'' if np.isnan(high) else f'{high:g}'}]"


def section(folder: Path) -> str:
    post = read_posterior(folder / "posterior.json")
    meta = post.meta
    gens = pd.read_csv(folder / "generations.csv")
    predictive = pd.read_csv(folder / "predictive.csv")
    minutes = meta["wall_seconds"] / 60
    lines = [START, (f"`vacuum-sim calibrate {meta['source']} --workers {meta['workers']}`, made {meta['created']} "
                     f"by vacuum-sim {meta['version']} at commit {(meta['git_commit'] or '?')[:7]}: "
                     f"**{meta['simulations']:,} simulations** of {meta['days']} days ({len(predictive)} of them the "
                     f"predictive check) in **{minutes:.1f} minutes** on {meta['workers']} workers "
                     f"({meta['simulations'] / meta['wall_seconds']:.2f} runs/s; "
                     f"{meta['model_seconds'] / meta['simulations']:.2f} s in the model per run)."), "",
             ("Tolerance schedule (the largest kept distance; accepted share = new draws below the previous "
              "tolerance):"), "", "| generation | tolerance | accepted share | simulations so far |",
             "|---|---|---|---|"]
    lines += [f"| {r.generation} | {r.tolerance:.4f} | {r.accepted_share:.2f} | {r.simulations:,} |"
              for r in gens.itertuples()]
    lines += ["", "Posterior (weighted median and 90 % interval) against the prior:", "",
              "| parameter | median | 90 % interval | prior | interval / prior width |", "|---|---|---|---|---|"]
    for name, r in post.interval(0.9).iterrows():
        lo, hi = meta["priors"][name]
        lines.append(f"| {name} | {r['median']:.4g} | [{r['low']:.4g}, {r['high']:.4g}] | [{lo:g}, {hi:g}] | "
                     f"{(r['high'] - r['low']) / (hi - lo):.0%} |")
    patterns = load_patterns().set_index("name")
    shown = [n for n in predictive.columns if n in patterns.index]
    if shown:
        lines += ["", f"Posterior-predictive check ({len(predictive)} runs, each a posterior draw with its own seed):",
                  "", "| pattern | sourced range | median | 5–95 % of the runs | runs inside |", "|---|---|---|---|---|"]
        for name in shown:
            p, v = patterns.loc[name], predictive[name]
            inside = ((np.isnan(p.low) | (v >= p.low)) & (np.isnan(p.high) | (v <= p.high))).mean()
            lines.append(f"| {name} | {_range(p.low, p.high)} | {v.median():.4g} | [{v.quantile(0.05):.4g}, "
                         f"{v.quantile(0.95):.4g}] | {inside:.0%} |")
    lines += ["", " ".join(f"![{f}]({f})" for f in FIGURES if (folder / f).is_file()), END]
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    if not argv or argv[0].startswith("-"):
        sys.exit("usage: readme.py CALIBRATION_FOLDER [--check]")
    folder = Path(argv[0])
    text = section(folder)
    print(text)
    if "--check" in argv:
        return
    readme = HERE / "README.md"
    try:
        write_section(readme, START, END, text)
    except ValueError as e:
        sys.exit(str(e))
    for name in FIGURES:
        if (folder / name).is_file():
            shutil.copyfile(folder / name, HERE / name)
    print(f"wrote {readme}")


if __name__ == "__main__":
    main(sys.argv[1:])
