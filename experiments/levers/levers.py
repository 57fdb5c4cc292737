"""The lever-response study of issue 9: do the levers move the theatre the way the argument says?

    PYTHONPATH=$PWD .venv/bin/python experiments/levers/levers.py --seeds 20 --days 730 --workers 2

Runs every arm of ``lever_claims.arms()`` on seeds 0 … N−1 (the same seeds in every arm), judges the claims of
``lever_claims.CLAIMS`` and writes, into ``--out`` (default: this folder): ``results.csv`` (one row per arm and
seed), ``run.json`` (scenario, seeds, days, package version, git commit, run time), ``levers.png`` and the
results section of ``README.md`` (between its two ``results`` markers; the rest of the README is prose).
Bad input: exit status 2 and one line naming the flag.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from lever_claims import (
    ALPHA,
    ARMY,
    BASE,
    CLAIMS,
    COOP,
    COOPERATION,
    MARGIN,
    MEASURES,
    THEATRE,
    WINDOW,
    arms,
    measure,
    verdicts,
)
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from vacuum_sim import __version__
from vacuum_sim.inputs.scenario import load_scenario
from vacuum_sim.runs.results import write_section
from vacuum_sim.runs.runner import git_commit
from vacuum_sim.views.style import COLOURS, SERIES, add_footer

HERE = Path(__file__).parent
START, END = "<!-- results: start (written by levers.py) -->", "<!-- results: end -->"
SHARES = ("jnim_centre_towns", "jnim_south_towns")  # measures shown as percentages
PANEL_NAMES = {"jnim_centre_towns": "central towns JNIM holds", "jnim_south_towns": "southern towns JNIM holds",
               "csp_north_towns": "northern towns the rebels (CSP) hold", "csp_captures": "towns the rebels took"}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        self.exit(2, f"levers.py: {message}\n")  # one line, as for every other bad input


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20, help="replicates: seeds 0 … N−1 in every arm (default 20)")
    parser.add_argument("--days", type=int, default=730, help=f"horizon in days, > {WINDOW} (default 730)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write into (default: this study's folder)")
    args = parser.parse_args(argv)
    for flag, value, least in (("--seeds", args.seeds, 2), ("--days", args.days, WINDOW + 1),
                               ("--workers", args.workers, 1)):
        if value < least:
            print(f"levers.py: {flag}: {value}: must be a whole number >= {least}", file=sys.stderr)
            return 2
    if not args.out.is_dir():
        print(f"levers.py: --out: {args.out}: not an existing folder", file=sys.stderr)
        return 2
    command = "python experiments/levers/levers.py " + shlex.join(argv if argv is not None else sys.argv[1:])
    share = load_scenario(BASE).params["theatre_share"]
    arm_list, seeds = arms(share), list(range(args.seeds))
    clock = time.perf_counter()
    values = measure(arm_list, seeds, args.days, args.workers)
    seconds = time.perf_counter() - clock
    info = {"command": command, "scenario": BASE, "seeds": seeds, "days": args.days, "window_days": WINDOW,
            "theatre_share": share, "version": __version__, "git_commit": git_commit(), "seconds": round(seconds, 1),
            "workers": args.workers,
            "arms": [{"name": a.name, "scenario": a.scenario, "params": dict(a.params)} for a in arm_list]}
    judged = verdicts(values)
    values.to_csv(args.out / "results.csv", index=False, float_format="%.6g")
    (args.out / "run.json").write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    figure(values, info, args.out / "levers.png")
    readme = args.out / "README.md"
    if not readme.exists():
        readme.write_text(f"# Lever responses\n\n{START}\n{END}\n", encoding="utf-8")
    write_section(readme, START, END, f"{START}\n{results_markdown(values, judged, info)}\n{END}")
    held = judged.groupby("claim", sort=False)["holds"].all()
    print(f"{len(values)} runs in {seconds:.0f} s; claims holding: "
          + ", ".join(f"({k}) {'yes' if v else 'NO'}" for k, v in held.items()))
    return 0


def _cell(x: pd.Series, measure: str) -> str:
    """'median (10–90 %)' of one arm's measure."""
    lo, mid, hi = np.quantile(x, [0.1, 0.5, 0.9])
    return f"{_num(mid, measure)} ({_num(lo, measure)}–{_num(hi, measure)})"


def _num(x: float, measure: str, signed: bool = False) -> str:
    """A measure's value as the tables print it (shares in %); ``signed`` for a difference."""
    if measure in SHARES:
        text = f"{100 * abs(x) if signed else 100 * x:.1f} %"
    elif measure == "insurgent_fighters":
        text = f"{abs(x) if signed else x:,.0f}"
    else:
        text = f"{abs(x) if signed else x:.1f}"
    if not signed:
        return text
    return "±0" if text.strip("0.% ") == "" else ("−" if x < 0 else "+") + text


def results_markdown(values: pd.DataFrame, judged: pd.DataFrame, info: dict) -> str:
    """The README's generated section: provenance, then per claim its arms' measures and its checks."""
    commit = info["git_commit"] or "unknown"
    lines = [
        (f"Generated by `{info['command']}` — package version {info['version']}, git commit {commit}; "
        f"base scenario `{info['scenario']}`; seeds 0–{len(info['seeds']) - 1} in every arm "
        f"({len(info['seeds'])} replicates, common random numbers); {info['days']} days; state measures averaged "
        f"over the last {info['window_days']} days. {len(values)} runs in {info['seconds']:.0f} s on "
        f"{info['workers']} worker(s)."), "",
        (f"Theatre army = `fama_manpower` × `theatre_share` ({info['theatre_share']:g}): "
         + ", ".join(f"{t:,} ← `fama_manpower` {round(t / info['theatre_share']):,}" for t in THEATRE) + "."), "",
        ("Cells: median over seeds (10–90 % range). Checks: the median of the paired differences (arm − reference, "
        f"seed by seed), the seeds where the arm is lower / higher, and the rule (lower: median < 0; not higher / "
        f"not lower: broken only by a median beyond {MARGIN:.0%} of the reference's median with the seeds leaning "
        f"that way beyond chance, one-sided sign test p < {ALPHA:g}; launched: > 0 in every seed)."),
    ]
    for claim in CLAIMS:
        checks = judged[judged["claim"] == claim.key]
        shown = list(dict.fromkeys(checks["measure"]))
        names = list(dict.fromkeys([*checks["reference"][checks["reference"] != ""], *checks["arm"]]))
        names = [a for a in values["arm"].unique() if a in names]
        failed = int((~checks["holds"]).sum())
        verdict = f"**fails** ({failed} of {len(checks)} checks)" if failed else "**holds**"
        lines += ["", f"### ({claim.key}) {claim.text}: {verdict}", "",
                  "| arm | " + " | ".join(MEASURES[m] for m in shown) + " |", "|---|" + "---:|" * len(shown)]
        for arm in names:
            x = values[values["arm"] == arm]
            lines.append(f"| `{arm}` | " + " | ".join(_cell(x[m], m) for m in shown) + " |")
        lines += ["", "| check | median paired difference | seeds lower / higher | sign test p | rule | holds |",
                  "|---|---:|---:|---:|---|---|"]
        for k in checks.itertuples():
            if k.rule == "launched":
                lines.append(f"| {k.measure} in `{k.arm}` | least over seeds: {k.difference:.0f} | | | > 0 in every "
                             f"seed | {'yes' if k.holds else '**no**'} |")
                continue
            lines.append(f"| {k.measure}: `{k.arm}` − `{k.reference}` | {_num(k.difference, k.measure, True)} | "
                         f"{k.lower:.0f} / {k.higher:.0f} | {'' if np.isnan(k.p) else f'{k.p:.2g}'} | {k.rule} | "
                         f"{'yes' if k.holds else '**no**'} |")
    return "\n".join(lines)


def _band(ax, x, values: pd.DataFrame, names: list[str], measure: str, colour: str, label: str,
          alpha: float = 0.2) -> None:
    q = np.array([np.quantile(values.loc[values["arm"] == a, measure], [0.1, 0.5, 0.9]) for a in names])
    ax.fill_between(x, q[:, 0], q[:, 2], color=colour, alpha=alpha, linewidth=0)
    ax.plot(x, q[:, 1], "o-", color=colour, label=label)


def _paired(ax, values: pd.DataFrame, pairs: list[tuple[str, str, str]], percent: bool, at: int = 0) -> None:
    """Each seed's value in two arms joined by a line, per measure (the first at slot ``at``); the medians as black
    bars."""
    for i, (shown, left, right) in enumerate(pairs, start=at):
        a = values[values["arm"] == left].set_index("seed")[shown]
        b = values[values["arm"] == right].set_index("seed")[shown].reindex(a.index)
        x0, x1 = 3 * i, 3 * i + 1
        for y0, y1 in zip(a, b, strict=True):
            ax.plot([x0, x1], [y0, y1], color=SERIES[7], alpha=0.5, linewidth=0.8)
        ax.scatter([x0] * len(a), a, color=SERIES[0], s=12, zorder=3)
        ax.scatter([x1] * len(b), b, color=SERIES[1], s=12, zorder=3)
        for x, y in ((x0, a.median()), (x1, b.median())):
            ax.hlines(y, x - 0.3, x + 0.3, color="black", linewidth=2, zorder=4)
    ticks = [(3 * i + j, arm.replace("_", " ")) for i, (_, *pair) in enumerate(pairs, start=at)
             for j, arm in enumerate(pair)]
    ax.set_xticks([t for t, _ in ticks], [label for _, label in ticks], fontsize=8)
    for i, (m, *_) in enumerate(pairs, start=at):
        ax.annotate(PANEL_NAMES[m], (3 * i + 0.5, 1), xycoords=("data", "axes fraction"), xytext=(0, -4),
                    textcoords="offset points", ha="center", va="top", fontsize=9)
    ax.margins(y=0.15)  # room for the group labels above the points
    if percent:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def figure(values: pd.DataFrame, info: dict, out: Path) -> Path:
    fig = Figure(figsize=(13, 9.5), layout="constrained")
    ax = fig.subplots(2, 2)
    n = len(info["seeds"])

    _band(ax[0, 0], THEATRE, values, ARMY, "jnim_centre_towns", COLOURS["JNIM"], "central towns JNIM holds")
    ax[0, 0].yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax[0, 0].set(title="(a) JNIM's hold on the centre against the army in the theatre", xticks=THEATRE,
                 xlabel="state forces in the theatre (fama_manpower × theatre_share)", ylabel="share of central towns")
    ax[0, 0].set_xticklabels([f"{t:,}" for t in THEATRE])
    ops = ax[0, 0].twinx()
    _band(ops, THEATRE, values, ARMY, "operations", COLOURS["FAMa"], "operations launched", alpha=0.1)
    ops.set_ylabel(f"state operations in the last {WINDOW} days")
    ops.set_ylim(bottom=0)
    handles = ax[0, 0].get_legend_handles_labels()[0] + ops.get_legend_handles_labels()[0]
    ax[0, 0].legend(handles, [h.get_label() for h in handles], fontsize=8, loc="upper right")

    _paired(ax[0, 1], values, [("jnim_centre_towns", BASE, "army_holds_centre"),
                               ("jnim_south_towns", BASE, "army_holds_centre")], percent=True)
    ax[0, 1].set(title="(b) the army holds the centre: JNIM in the centre and the south\n(each seed's pair joined)",
                 ylabel="share of the zone's towns")
    _paired(ax[1, 0], values, [("csp_north_towns", BASE, "no_withdrawal")], percent=False)
    captures = ax[1, 0].twinx()  # a count over the whole horizon, on its own scale
    _paired(captures, values, [("csp_captures", BASE, "no_withdrawal")], percent=False, at=1)
    ax[1, 0].set(title="(c) without the UN withdrawal: the rebels' northern towns (held in the last\n"
                 f"{WINDOW} days) and their captures (each seed's pair joined)",
                 ylabel="towns held", xlim=(-1, 5))
    captures.set_ylabel("towns and bases taken (whole horizon)")
    arms = [BASE.replace("_", " "), "no withdrawal"]
    ax[1, 0].set_xticks([0, 1, 3, 4], arms * 2, fontsize=8)  # the twin's pair shares the x axis

    _band(ax[1, 1], COOPERATION, values, COOP, "insurgent_towns", COLOURS["JNIM"], "towns JNIM or the CSP hold")
    ax[1, 1].set(title="(d) JNIM and the rebels (CSP) against the state, by their cooperation",
                 xlabel="JNIM–rebel cooperation (jnim_csp_cooperation: 0 hostile … 1 tacit allies)", ylabel="towns", xticks=COOPERATION)
    fighters = ax[1, 1].twinx()
    _band(fighters, COOPERATION, values, COOP, "insurgent_fighters", COLOURS["CSP"], "JNIM and CSP fighters", alpha=0.1)
    fighters.set_ylabel("fighters")
    handles = ax[1, 1].get_legend_handles_labels()[0] + fighters.get_legend_handles_labels()[0]
    ax[1, 1].legend(handles, [h.get_label() for h in handles], fontsize=8, loc="lower right")

    fig.suptitle(f"Lever responses: medians and 10–90 % bands over {n} seeds, {info['days']} days from 1 April 2023; "
                 f"state measured over the last {WINDOW} days", fontsize=12)
    add_footer(fig, {"version": info["version"], "scenario": f"{info['scenario']} and its arms "
                     f"(commit {(info['git_commit'] or 'unknown')[:10]})",
                     "seed": f"{info['seeds'][0]}–{info['seeds'][-1]} in every arm ({len(values)} runs)"})
    fig.savefig(out, dpi=100)
    return out


if __name__ == "__main__":
    sys.exit(main())
