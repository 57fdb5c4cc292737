"""Is a change slower? The 730-day historical_2023 run at two commits, in alternating pairs of processor time.

On a shared machine whose speed drifts, two benchmark numbers taken hours apart cannot tell a change's cost from
the machine's mood; timed alternately, seconds apart, both sides of each pair see the same machine.  Each commit
is checked out in a temporary git worktree and imported from there by a fresh interpreter (this checkout's
virtual environment), so nothing is installed.

Usage: python experiments/benchmarks/bench_commits.py BEFORE AFTER [--pairs N]
Prints each side's times and the median of the pairs' after/before ratios (1.00: no cost).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ONE_RUN = """
import time
from vacuum_sim.inputs.geography import load_map
from vacuum_sim.model.model import VacuumModel
from vacuum_sim.runs.runner import resolve
mali = load_map()
scenario = resolve("historical_2023", mali=mali)
VacuumModel(scenario, rng=1, mali=mali)  # imports and caches warmed
start = time.process_time()
model = VacuumModel(scenario, rng=1, mali=mali)
while model.running:
    model.step()
print(time.process_time() - start)
"""


def run_once(tree: Path) -> float:
    """Processor seconds of one 730-day run of the package in ``tree``."""
    out = subprocess.run([sys.executable, "-c", ONE_RUN], cwd=tree, env={"PYTHONPATH": str(tree)},
                         capture_output=True, text=True, check=True)
    return float(out.stdout.split()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--pairs", type=int, default=6)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        trees = {}
        for side in ("before", "after"):
            trees[side] = Path(tmp) / side
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(trees[side]),
                            getattr(args, side)], check=True)
        try:
            times: dict[str, list[float]] = {"before": [], "after": []}
            for i in range(args.pairs):
                for side in ("before", "after") if i % 2 == 0 else ("after", "before"):
                    times[side].append(run_once(trees[side]))
        finally:
            for tree in trees.values():
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=True)
    for side in ("before", "after"):
        print(f"{side} ({getattr(args, side)}): " + ", ".join(f"{t:.3f}" for t in times[side]) + " s")
    ratio = statistics.median(a / b for a, b in zip(times["after"], times["before"], strict=True))
    print(f"after/before: {ratio:.2f} (median of {args.pairs} pairs)")


if __name__ == "__main__":
    main()
