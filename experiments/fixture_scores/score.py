"""The hand-made fixtures scored by ``vacuum-sim compare``: the model's replicates beside the zero and no-change
baselines, written as the table of this folder's README.

    .venv/bin/python experiments/fixture_scores/score.py [REPLICATES] [--check]   (default 20; about 1 s a run)

It runs the historical scenario for 210 days (1 April to 27 October 2023, past the
fixtures' last event) with seeds 0 … REPLICATES − 1, then compares the replicates with
the ACLED-format and the UCDP-format fixture of ``tests/data`` (events and fatalities
per admin1 × month × event type, all cells pooled) and rewrites the table between the
README's markers, with the command, package version, git commit and minutes it took.
``--check`` prints the table without writing the README.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

import vacuum_sim
from vacuum_sim.observed.compare import compare
from vacuum_sim.runs.results import write_section
from vacuum_sim.runs.runner import git_commit

HERE = Path(__file__).resolve().parent
FIXTURES = {"ACLED": HERE.parents[1] / "tests" / "data" / "acled_format_mali_2023_handmade.csv",
            "UCDP GED": HERE.parents[1] / "tests" / "data" / "ucdp_ged_format_mali_2023_handmade.csv"}
SCENARIO, DAYS = "historical_2023", 210
COLUMNS = ("predicted", "CRPS", "log score", "coverage 90%")  # of score_table, pooled over all cells
START, END = "<!-- scores:start (written by score.py; do not edit by hand) -->", "<!-- scores:end -->"


def scores(replicates: int) -> tuple[pd.DataFrame, str]:
    """The pooled scores of the model and the baselines per fixture and measure, and the months scored."""
    rows, windows = [], set()
    with tempfile.TemporaryDirectory(prefix="fixture_scores_") as tmp:
        runs = [Path(tmp) / f"seed{k}" for k in range(replicates)]
        for k, folder in enumerate(runs):
            vacuum_sim.run(SCENARIO, seed=k, days=DAYS, out=folder)
        for name, data in FIXTURES.items():
            for measure in ("events", "fatalities"):
                c = compare(runs, data, measure=measure)
                windows.add(f"{c.months[0]} to {c.months[-1]} ({len(c.observed)} cells; no change = observed "
                            f"{c.reference})")
                for r in c.scores[c.scores["cells"] == "all"].to_dict("records"):
                    rows.append({"fixture": name, "measure": measure, "observed": int(r["observed"]),
                                 "forecast": r["forecast"], **{col: r[col] for col in COLUMNS}})
    return pd.DataFrame(rows), "; ".join(sorted(windows))


def markdown(table: pd.DataFrame) -> str:
    head = "| fixture | measure | observed total | forecast | " + " | ".join(COLUMNS) + " |"
    lines = [head, "|" + "---|" * (4 + len(COLUMNS))]
    for r in table.itertuples(index=False, name=None):
        scored = " | ".join(f"{v:.3g}" for v in r[4:])
        lines.append(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {scored} |")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    check = "--check" in argv
    replicates = int(next((a for a in argv if a != "--check"), 20))
    clock = time.perf_counter()
    table, window = scores(replicates)
    minutes = (time.perf_counter() - clock) / 60
    command = f"python experiments/fixture_scores/score.py {replicates}"
    section = (f"{START}\n`{command}`: scenario {SCENARIO}, {DAYS} days, {replicates} replicates (seeds 0–"
               f"{replicates - 1}), vacuum-sim {vacuum_sim.__version__}, commit {(git_commit() or '?')[:7]}, "
               f"{minutes:.1f} min. Months scored: {window}. *predicted* is the expected total (the replicates' "
               "mean); lower CRPS and log score are better; *coverage 90%* is the share of cells inside the "
               "forecast's 5–95 % range (0.9 is ideal).\n\n"
               f"{markdown(table)}\n{END}")
    print(section)
    if check:
        return
    readme = HERE / "README.md"
    try:
        write_section(readme, START, END, section)
    except ValueError as e:
        sys.exit(str(e))
    print(f"wrote {readme}")


if __name__ == "__main__":
    main(sys.argv[1:])
