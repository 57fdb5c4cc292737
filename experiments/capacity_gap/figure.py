"""The capacity-gap study's figure, from its sweep folder.

    .venv/bin/python experiments/capacity_gap/figure.py [SWEEP_DIR [OUT.png]]   (default sweeps/capacity_gap)

Writes ``experiments/capacity_gap/capacity_gap.png`` unless OUT is given.  The army levers are the state's forces
in all (``fama_manpower``); the figure shows them as theatre strength (× ``theatre_share``), the number a reader
compares with the troops needed.  Labels, colours and the provenance footer come from ``vacuum_sim.views.style``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from vacuum_sim.inputs.params import BY_NAME
from vacuum_sim.sweeps import analysis
from vacuum_sim.views.style import COLOURS, SERIES, add_footer, date_axis, format_date, metric_label, number_text

HISTORICAL = {"reclaim_weight": 0.6, "wagner_manpower": 1000, "withdrawal_stretch": 1.0}  # the other levers as in 2023
THEATRE_SHARE = BY_NAME["theatre_share"].default  # historical_2023 keeps the default; the sweep does not vary it
SHOWN = (6000, 12000, 24000)  # theatre strengths drawn as lines over time
JNIM_CENTRE = "frac_towns_JNIM_centre"
THOUSANDS = FuncFormatter(lambda v, _: f"{v:,.0f}")
DOCTRINE = {0.3: "0.3\nprotect towns", 0.6: "0.6\n(2023)", 0.9: "0.9\nreclaim bases"}


def with_theatre(data: pd.DataFrame) -> pd.DataFrame:
    """Add ``theatre``: the army's theatre strength at the start, rounded to the hundred (6,000 … 24,000)."""
    return data.assign(theatre=(data["fama_manpower"] * THEATRE_SHARE).round(-2).astype(int))


def heatmap(fig: Figure, ax, table: pd.DataFrame, title: str, percent: bool) -> None:
    """Mean outcome over theatre strength (columns) and the army's doctrine (rows)."""
    image = ax.imshow(table, origin="lower", aspect="auto", cmap="Reds")
    ax.set_xticks(range(table.shape[1]), [f"{v:,}" for v in table.columns])
    ax.set_yticks(range(table.shape[0]), [DOCTRINE.get(v, f"{v:g}") for v in table.index])
    middle = (table.values.min() + table.values.max()) / 2
    for i in range(table.shape[0]):
        for j in range(table.shape[1]):
            v = table.iat[i, j]
            ax.text(j, i, f"{v:.0%}" if percent else f"{v:.1f}", ha="center", va="center",
                    color="white" if v > middle else "black")
    ax.set(title=title, xlabel="army strength in the theatre at the start (troops)",
           ylabel="army doctrine (weight on reclaiming bases)")
    bar = fig.colorbar(image, ax=ax)
    if percent:
        bar.formatter = PercentFormatter(1.0, decimals=0)


def main(sweep_dir: Path, out: Path) -> Path:
    info = analysis.manifest(sweep_dir)
    data = with_theatre(analysis.load(sweep_dir, [JNIM_CENTRE, "n_vacated_held_state", "n_troops_needed",
                                                  "n_troops_available"]))
    last_day = data["day"].max()
    last = data[data["day"] == last_day]
    when = format_date(last["date"].iloc[0])
    historical = data[(data[list(HISTORICAL)] == list(HISTORICAL.values())).all(axis=1)]
    fig = Figure(figsize=(13, 9.5), layout="constrained")
    ax = fig.subplots(2, 2)

    band = analysis.bands(historical, JNIM_CENTRE)
    for army, colour in zip(SHOWN, (SERIES[1], SERIES[4], COLOURS["FAMa"])):
        b = band[band["theatre"] == army]
        ax[0, 0].fill_between(b["date"], b["q10"], b["q90"], color=colour, alpha=0.2, step="post", linewidth=0)
        ax[0, 0].step(b["date"], b["median"], where="post", color=colour, label=f"{army:,} troops in the theatre")
    ax[0, 0].set(title="Central towns held by JNIM (al-Qaeda's Sahel affiliate)\n"
                       "median and 10–90 % band over seeds; other levers as in 2023", ylabel="share of central towns")
    ax[0, 0].yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    date_axis(ax[0, 0])
    ax[0, 0].legend()

    gap = historical[(historical["day"] == last_day) & historical["metric"].isin(["n_troops_needed",
                                                                                    "n_troops_available"])]
    gap = gap.groupby(["theatre", "metric"], observed=True)["value"].quantile([0.1, 0.5, 0.9]).unstack()
    for metric, colour in (("n_troops_needed", "#B2182B"), ("n_troops_available", COLOURS["FAMa"])):
        g = gap.xs(metric, level="metric")
        ax[0, 1].fill_between(g.index, g[0.1], g[0.9], color=colour, alpha=0.2, linewidth=0)
        ax[0, 1].plot(g.index, g[0.5], "o-", color=colour, label=metric_label(metric))
    pooled_need = last[last["metric"] == "n_troops_needed"].groupby("theatre")["value"].median()
    ax[0, 1].plot(pooled_need.index, pooled_need.values, "o--", color="#B2182B", alpha=0.6,
                  label="troops needed, median over all levers and seeds")
    ax[0, 1].set(title=f"The capacity gap on {when}\nmedian and 10–90 % band over seeds; other levers as in 2023",
                 xlabel="army strength in the theatre at the start (troops)", ylabel="troops", ylim=(0, None))
    ax[0, 1].set_xticks(sorted(data["theatre"].unique()))
    ax[0, 1].xaxis.set_major_formatter(THOUSANDS)
    ax[0, 1].yaxis.set_major_formatter(THOUSANDS)
    ax[0, 1].legend(fontsize=8, loc="upper right")

    pooled = "mean over Wagner's size, the withdrawal pace and seeds"
    for axis, metric, percent in ((ax[1, 0], JNIM_CENTRE, True), (ax[1, 1], "n_vacated_held_state", False)):
        table = last[last["metric"] == metric].groupby(["reclaim_weight", "theatre"])["value"].mean().unstack()
        label = metric_label(metric)
        heatmap(fig, axis, table, f"{label[0].upper()}{label[1:]} on {when}\n({pooled})", percent)

    runs = info["counts"]["done"]
    fig.suptitle(f"The capacity-gap study: {runs:,} runs of one year from 1 April 2023 "
                 f"({number_text(len(info['seeds']))} seeds per design point)", fontsize=13)
    add_footer(fig, {"version": info["version"], "scenario": f"{info['scenario']} (sweep {info['experiment']})",
                     "seed": list(info["seeds"])})
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    return out


if __name__ == "__main__":
    sweep_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "sweeps/capacity_gap")
    print(main(sweep_dir, Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).with_name("capacity_gap.png")))
