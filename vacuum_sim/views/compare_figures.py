"""Observed against simulated counts per region and month: the figure of ``vacuum-sim compare``.

Drawn from the comparison's tables (cells × runs), never from a model.  One panel
per region with any event: the simulated median and 5–95 % band across runs (a line
for a single run), the observed counts, and the no-change baseline.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from vacuum_sim.views.plots import add_footer

MODEL, OBSERVED, BASELINE = "#0072B2", "#000000", "#999999"


def observed_vs_simulated(observed: pd.Series, members: pd.DataFrame, no_change: pd.Series, title: str,
                          metadata: Mapping | None = None, ncols: int = 3) -> Figure:
    """Small multiples by admin1; cells are summed over event types (and actors, when the cells have them)."""
    keys = ["admin1", "month"]
    obs = observed.groupby(level=keys).sum()
    sims = members.groupby(level=keys).sum()
    base = no_change.groupby(level=keys).sum()
    totals = obs.groupby(level="admin1").sum() + sims.mean(axis=1).groupby(level="admin1").sum()
    regions = [r for r in totals.sort_values(ascending=False).index if totals[r] > 0] or list(totals.index[:1])
    nrows = int(np.ceil(len(regions) / ncols))
    fig = Figure(figsize=(3.6 * ncols, 2.5 * nrows + 0.8), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True)
    for ax, region in zip(axes.ravel(), regions):
        months = obs.loc[region].index
        x = months.to_timestamp()
        runs = sims.loc[region].to_numpy()
        if runs.shape[1] > 1:
            low, mid, high = np.quantile(runs, [0.05, 0.5, 0.95], axis=1)
            ax.fill_between(x, low, high, color=MODEL, alpha=0.25, linewidth=0, label="model 5–95 %")
            ax.plot(x, mid, color=MODEL, linewidth=1.6, label="model median")
        else:
            ax.plot(x, runs[:, 0], color=MODEL, linewidth=1.6, label="model")
        ax.plot(x, base.loc[region].to_numpy(), color=BASELINE, linestyle="--", linewidth=1.2, label="no change")
        ax.plot(x, obs.loc[region].to_numpy(), color=OBSERVED, marker="o", markersize=3.5, linewidth=1,
                label="observed")
        ax.set_title(region, fontsize=10)
        ax.set_ylim(bottom=0)
        ax.tick_params(labelsize=8)
        ax.xaxis.set_major_locator(mdates.MonthLocator(interval=max(1, -(-len(months) // 5))))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
        for label in ax.get_xticklabels():
            label.set_rotation(30)
            label.set_ha("right")
    for ax in axes.ravel()[len(regions):]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("per month", fontsize=9)
    handles, labels = axes.ravel()[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside upper right", ncols=4, fontsize=8, frameon=False)
    fig.suptitle(title, fontsize=11, x=0.01, ha="left")
    add_footer(fig, metadata)
    return fig


def comparison_figure(comparison) -> Figure:
    """The figure of a :class:`vacuum_sim.observed.compare.Comparison`."""
    meta = dict(comparison.simulated.metadata)
    if len(meta["seed"]) == 1:
        meta["seed"] = meta["seed"][0]
    name = comparison.data.rsplit("/", 1)[-1]
    return observed_vs_simulated(comparison.observed, comparison.members, comparison.no_change,
                                 title=f"{comparison.measure.capitalize()} per month by region: {name} (observed) "
                                 f"vs scenario {meta['scenario']}", metadata=meta)
