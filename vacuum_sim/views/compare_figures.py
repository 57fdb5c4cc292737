"""Observed against simulated: the figure of ``vacuum-sim compare`` and those of ``vacuum-sim calibrate``.

Drawn from tables (cells × runs, particles), never from a model.  Per region with any
event: the simulated median and 5–95 % band across runs (a line for a single run), the
observed counts, and the no-change baseline.  A calibration adds the posterior's
marginals over the prior range and its predictive check against the targets.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from vacuum_sim import __version__
from vacuum_sim.views.style import add_footer

MODEL, OBSERVED, BASELINE = "#0072B2", "#000000", "#999999"


def observed_vs_simulated(observed: pd.Series, members: pd.DataFrame, no_change: pd.Series | None, title: str,
                          metadata: Mapping | None = None, ncols: int = 3) -> Figure:
    """Small multiples by admin1; cells are summed over event types (and actors, when the cells have them)."""
    keys = ["admin1", "month"]
    obs = observed.groupby(level=keys).sum()
    sims = members.groupby(level=keys).sum()
    base = no_change.groupby(level=keys).sum() if no_change is not None else None
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
        if base is not None:
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
    fig.legend(handles, labels, loc="outside lower center", ncols=4, fontsize=8, frameon=False)
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


def calibration_figures(result) -> dict[str, Figure]:
    """Posterior marginals, and the posterior-predictive check against the patterns and the data's cells."""
    cal = result.calibration
    meta = {"version": __version__, "scenario": cal.scenario.name, "seed": cal.abc["seed"]}
    figs = {"posterior.png": posterior_marginals(cal.names, cal.bounds, result.history.final.theta,
                                                 result.history.final.weights, meta)}
    if cal.targets.patterns is not None and len(result.predictive):
        figs["predictive_patterns.png"] = pattern_check(cal.targets.patterns, result.predictive, meta)
    if cal.targets.grid is not None and len(result.predictive):
        observed = pd.Series(cal.targets.observed, index=cal.targets.grid)
        members = pd.DataFrame(result.predictive_cells.T, index=cal.targets.grid)
        figs["predictive_events.png"] = observed_vs_simulated(
            observed, members, None, title="Posterior-predictive check: events per month by region", metadata=meta)
    return figs


def posterior_marginals(names, bounds: np.ndarray, theta: np.ndarray, weights: np.ndarray,
                        metadata: Mapping | None = None) -> Figure:
    """Weighted histogram of each parameter over its prior range (the flat line is the prior)."""
    fig = Figure(figsize=(3.4 * len(names), 2.9), layout="constrained")
    axes = fig.subplots(1, len(names), squeeze=False)[0]
    for ax, name, (low, high), x in zip(axes, names, bounds, theta.T):
        ax.hist(x, bins=20, range=(low, high), weights=weights, density=True, color=MODEL, alpha=0.7,
                label="posterior")
        ax.axhline(1 / (high - low), color=BASELINE, linestyle="--", label="prior")
        ax.set_xlim(low, high)
        ax.set_title(name, fontsize=10)
        ax.tick_params(labelsize=8)
    axes[0].set_ylabel("density", fontsize=9)
    axes[0].legend(fontsize=8, frameon=False)
    add_footer(fig, metadata)
    return fig


def pattern_check(patterns: pd.DataFrame, predictive: pd.DataFrame, metadata: Mapping | None = None) -> Figure:
    """Each pattern's values in the posterior's runs (dots) against its sourced range (shaded; a bar for one value)."""
    n = len(patterns)
    fig = Figure(figsize=(7.5, 0.55 * n + 1.2), layout="constrained")
    axes = fig.subplots(n, 1, squeeze=False)[:, 0]
    for ax, p in zip(axes, patterns.itertuples()):
        values = predictive[p.name].to_numpy()
        top = np.nanmax([values.max(), p.low, p.high, 1]) * 1.15
        low, high = (0 if np.isnan(p.low) else p.low), (top if np.isnan(p.high) else p.high)
        if low == high:  # one sourced value: a span of width zero would not show
            ax.axvline(low, color=OBSERVED, alpha=0.3, linewidth=5, gid="sourced")
        else:
            ax.axvspan(low, high, color=OBSERVED, alpha=0.12, linewidth=0, gid="sourced")
        ax.plot(values, np.zeros_like(values), "o", color=MODEL, alpha=0.6, markersize=4)
        ax.set_xlim(0, top)
        ax.set_yticks([])
        what, _, when = p.label.rpartition(", ")  # the label's window on a line of its own
        ax.set_ylabel(f"{what},\n{when}" if what else when, rotation=0, ha="right", va="center", fontsize=8)
        ax.tick_params(labelsize=7)
    fig.suptitle("Posterior-predictive check: patterns (shaded: sourced range, a bar where it is one value; dots: runs)", fontsize=10, x=0.01,
                 ha="left")
    add_footer(fig, metadata)
    return fig
