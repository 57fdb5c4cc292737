"""The numbers the capacity-gap README quotes, recomputed from the sweep folder.

    .venv/bin/python experiments/capacity_gap/findings.py [SWEEP_DIR]   (default sweeps/capacity_gap)

Prints Markdown tables and writes them to ``experiments/capacity_gap/findings.md``.  Values are on the sweep's
last day (31 March 2024).  "Pooled" is the mean over the other three levers and the seeds; "2023 levers" is the
4 runs with the doctrine, Wagner and the withdrawal pace as in 2023.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
from figure import HISTORICAL, with_theatre

from vacuum_sim.sweeps import analysis

OUTCOMES = {  # row label -> metric (frac_towns_* are shares of the zone's towns)
    "troops needed (force-to-space)": "n_troops_needed",
    "troops available (army and Wagner)": "n_troops_available",
    "troops to hold every base and camp at the UN's strength": "n_troops_needed_un_footprint",
    "army strength in the theatre": "n_strength_FAMa",
    "JNIM's share of the central towns (held alone)": "frac_towns_JNIM_centre",
    "share of central towns contested": "frac_towns_contested_centre",
    "army's share of the central towns": "frac_towns_FAMa_centre",
    "JNIM mean influence in the centre": "mean_influence_JNIM_centre",
    "JNIM's share of the northern towns": "frac_towns_JNIM_north",
    "vacated UN camps (of 13)": "n_vacated_bases",
    "vacated camps held by the state": "n_vacated_held_state",
    "vacated camps held by the rebels (CSP)": "n_vacated_held_CSP",
    "vacated camps held by JNIM": "n_vacated_held_JNIM",
    "rebels (CSP) at war on the last day (share of runs)": "n_csp_at_war",
    "JNIM footholds so far": "cum_footholds_JNIM",
    "central towns under blockade": "n_blockaded_centre",
    "JNIM recruits so far": "cum_recruits_JNIM",
    "Wagner atrocities so far": "cum_atrocities_Wagner",
}
LEVERS = {"reclaim_weight": "doctrine (weight on reclaiming bases)", "wagner_manpower": "Wagner's size",
          "withdrawal_stretch": "withdrawal timetable ×"}


def fmt(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.2f}"


def table(last: pd.DataFrame, by: str, header: str, stat: str = "mean") -> str:
    """One row per outcome, one column per level of ``by``."""
    wide = last.groupby(["metric", by], observed=True)["value"].agg(stat).unstack()
    levels = list(wide.columns)
    lines = [f"| {header} | " + " | ".join(f"{v:,}" if isinstance(v, int) else f"{v:g}" for v in levels) + " |",
             "|---|" + "---|" * len(levels)]
    for label, metric in OUTCOMES.items():
        lines.append(f"| {label} | " + " | ".join(fmt(wide.at[metric, v]) for v in levels) + " |")
    return "\n".join(lines)


def gap_table(last: pd.DataFrame) -> str:
    """Per-run gap (needed − available) and ratio, median and 10–90 % band, at the 2023 levers and pooled."""
    runs = last.pivot_table(index=["run", "theatre"] + list(HISTORICAL), columns="metric", values="value",
                            observed=True).reset_index()
    runs["gap"] = runs["n_troops_needed"] - runs["n_troops_available"]
    runs["ratio"] = runs["n_troops_needed"] / runs["n_troops_available"]
    at_2023 = runs[(runs[list(HISTORICAL)] == list(HISTORICAL.values())).all(axis=1)]
    lines = ["| theatre strength at the start | " + " | ".join(f"{v:,}" for v in sorted(runs["theatre"].unique()))
             + " |", "|---|" + "---|" * runs["theatre"].nunique()]
    for label, rows in (("2023 levers", at_2023), ("pooled", runs)):
        for col, name in (("n_troops_needed", "needed"), ("n_troops_available", "available"), ("gap", "gap"),
                          ("ratio", "needed ÷ available")):
            q = rows.groupby("theatre")[col].quantile([0.1, 0.5, 0.9]).unstack()
            lines.append(f"| {name}, {label}: median (10–90 %) | " + " | ".join(
                f"{fmt(r[0.5])} ({fmt(r[0.1])}–{fmt(r[0.9])})" for _, r in q.iterrows()) + " |")
    lines.append("| runs where available ≥ needed, pooled | " + " | ".join(
        f"{int(n)} of {len(g)}" for n, g in ((((g['n_troops_available'] >= g['n_troops_needed']).sum()), g)
                                              for _, g in runs.groupby("theatre"))) + " |")
    return "\n".join(lines)


def main(sweep_dir: Path) -> str:
    info = analysis.manifest(sweep_dir)
    data = with_theatre(analysis.load(sweep_dir, list(OUTCOMES.values())))
    day0 = data[data["day"] == 0]
    last = data[data["day"] == data["day"].max()]
    at_2023 = last[(last[list(HISTORICAL)] == list(HISTORICAL.values())).all(axis=1)]
    need0 = day0[day0["metric"] == "n_troops_needed"].groupby("theatre")["value"].median()
    parts = [
        (f"Sweep `{sweep_dir}`: {info['counts']['done']} runs, version {info['version']}, commit "
         f"{info['git_commit'][:7]}, day {int(last['day'].iloc[0])} ({last['date'].iloc[0]:%d %b %Y})."),
        "## The capacity gap by army level (per-run values)", gap_table(last),
        "Troops needed on day 0, median: " + ", ".join(f"{t:,}: {v:,.0f}" for t, v in need0.items()) + ".",
        "## Outcomes by army level, pooled (mean)", table(last, "theatre", "theatre strength at the start"),
        "## Outcomes by army level at the 2023 levers (median of 4 seeds)",
        table(at_2023, "theatre", "theatre strength at the start", "median"),
    ]
    cross = last[last["metric"] == "frac_towns_JNIM_centre"].groupby(["reclaim_weight", "theatre"])["value"].mean()
    cross = cross.unstack()
    parts += ["## JNIM's share of the central towns by doctrine and army level (mean; the figure's heat map)",
              "| doctrine \\ theatre strength | " + " | ".join(f"{v:,}" for v in cross.columns) + " |\n|---|"
              + "---|" * cross.shape[1] + "\n" + "\n".join(
                  f"| {w:g} | " + " | ".join(fmt(v) for v in row) + " |" for w, row in cross.iterrows())]
    for lever, header in LEVERS.items():
        parts += [f"## Outcomes by {header}, pooled over army levels and the other levers (mean)",
                  table(last, lever, header)]
    return "\n\n".join(parts) + "\n"


if __name__ == "__main__":
    text = main(Path(sys.argv[1] if len(sys.argv) > 1 else "sweeps/capacity_gap"))
    Path(__file__).with_name("findings.md").write_text(text, encoding="utf-8")
    print(text)
