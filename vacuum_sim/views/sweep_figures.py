"""Figures of a sweep: an outcome over two factors (phase diagram), over time by one factor (bands),
and Sobol' sensitivity indices.  Factors are named by the parameter table's labels and outcomes by
``style.metric_label``; the statistics come from :mod:`vacuum_sim.sweeps.analysis`.

For the app (replicates in the background): ``outcome_bands(analysis.bands(...), by, label, fig=fig)``
draws median and 10–90 % bands of any outcome; the builders take an optional ``fig`` to draw into.
"""

from __future__ import annotations

from pathlib import Path
from textwrap import fill

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import ScaledTranslation

from vacuum_sim.views.style import (
    ACRONYMS,
    SERIES,
    add_footer,
    date_axis,
    footer_text,
    format_date,
    level_text,
    metric_label,
    new_figure,
    number_text,
    param_label,
    unexplained,
)

SWEEP_FIGURES = ("phase", "bands", "sobol")
DEFAULT_OUTCOME = "frac_towns_JNIM_centre"
def plain(label: str) -> str:
    """A metric name in plain words; any other text as it is."""
    try:
        return metric_label(label)
    except KeyError:
        return label


def _furniture(fig: Figure, metadata) -> None:
    """The provenance footer, and a glossary spelling out the acronyms the figure's texts use without saying what
    they are; the glossary takes its own line above the footer (side by side, the two overlap on a narrow figure)."""
    used = [f"{a}: {ACRONYMS[a]}" for a in unexplained(t.get_text() for t in fig.findobj(Text))]
    add_footer(fig, metadata)
    if not used:
        return
    lift = 0.0 if footer_text(metadata) is None else 0.13  # inches: one footer line
    fig.text(0.995, 0.005, " · ".join(used), ha="right", va="bottom", fontsize=8, color="#444444", gid="glossary",
             transform=fig.transFigure + ScaledTranslation(0, lift, fig.dpi_scale_trans))
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        bottom = (lift + 0.17) / fig.get_figheight()
        engine.set(rect=(0, bottom, 1, 1 - bottom))


def _wrap(text: str, inches: float, fontsize: float = 10) -> str:
    """`text` in lines that fit `inches` (a character is about 0.55 em wide): a factor's label is its
    parameter's description, often longer than the axis beside it."""
    return fill(text, max(20, int(inches * 72 / (0.55 * fontsize))), break_on_hyphens=False)


def _lower_first(text: str) -> str:
    """'Army manpower' -> 'army manpower', but 'JNIM fighters' stays."""
    return text[0].lower() + text[1:] if text[1:2].islower() else text


def _cells(values: pd.Series, bins: int = 6) -> pd.Series:
    """A factor's levels as they are, or quantile bins (labelled by their mid-point) for sampled designs."""
    if values.nunique() <= 12:
        return values
    return pd.qcut(values, bins, duplicates="drop").map(lambda interval: interval.mid).astype(float)


def phase_diagram(outcomes: pd.DataFrame, x: str, y: str, label: str, metadata=None, fig: Figure | None = None) -> Figure:
    """An outcome over two factors: each cell shows the median over its runs (replicates and other factors).

    `outcomes` has one row per run with the factor columns and `value` (see ``analysis.outcome``)."""
    label = plain(label)
    cx, cy = _cells(outcomes[x]), _cells(outcomes[y])
    table = outcomes.assign(**{x: cx, y: cy}).groupby([y, x], observed=True)["value"].median().unstack()
    runs = outcomes.groupby([cy, cx], observed=True).size()
    fig = new_figure(fig, (1.3 * table.shape[1] + 4.2, 0.75 * table.shape[0] + 3.0))
    width, height = fig.get_size_inches()
    ax = fig.subplots()
    image = ax.imshow(table.to_numpy(float), origin="lower", aspect="auto", cmap="Reds")
    ax.set_xticks(range(table.shape[1]), [level_text(v) for v in table.columns])
    ax.set_yticks(range(table.shape[0]), [level_text(v) for v in table.index])
    high = np.nanmax(table.to_numpy(float)) if table.size else 0
    for i in range(table.shape[0]):
        for j in range(table.shape[1]):
            v = table.iat[i, j]
            if np.isfinite(v):
                ax.text(j, i, number_text(v), ha="center", va="center", fontsize=9,
                        color="white" if v > 0.6 * high else "black")
    ax.set(xlabel=_wrap(param_label(x), width - 2.4), ylabel=_wrap(param_label(y), height - 1.6))
    fig.colorbar(image, ax=ax, label="median over the cell's runs")
    when = ""
    if {"date", "day"} <= set(outcomes.columns):
        when = f" on {format_date(outcomes['date'].iloc[0])} (day {outcomes['day'].iloc[0]})"
    ax.set_title(f"{label[0].upper()}{label[1:]}{when}\nmedian over about {int(runs.median())} runs in each cell",
                 fontsize=11)
    _furniture(fig, metadata)
    return fig


def sobol_bars(indices: pd.DataFrame, label: str, metadata=None, fig: Figure | None = None) -> Figure:
    """First- and total-order Sobol' indices with their 95 % confidence intervals (see ``analysis.sobol_indices``)."""
    label = plain(label)
    order = indices.sort_values("ST", ascending=True)
    fig = new_figure(fig, (9, 0.55 * len(order) + 2.4))
    ax = fig.subplots()
    ypos = np.arange(len(order))
    ax.barh(ypos + 0.2, order["S1"], height=0.38, xerr=order["S1_conf"], color=SERIES[0], capsize=3,
            label="first order (this factor alone)")
    ax.barh(ypos - 0.2, order["ST"], height=0.38, xerr=order["ST_conf"], color=SERIES[4], capsize=3,
            label="total order (with its interactions)")
    kinds = {"lever": "policy lever", "uncertainty": "uncertainty"}
    ax.set_yticks(ypos, [f"{fill(param_label(f), 36)}\n({kinds.get(k, k)})" for f, k in zip(order.index, order["kind"])],
                  fontsize=8)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("share of the outcome's variance (bars: 95 % confidence interval)")
    ax.set_title(f"What drives the {label}?\nSobol' sensitivity indices", fontsize=11)
    ax.legend(loc="lower right", fontsize=8)
    _furniture(fig, metadata)
    return fig


def outcome_bands(bands: pd.DataFrame, by: str, label: str, metadata=None, fig: Figure | None = None) -> Figure:
    """An outcome over time for each level of one factor: median and 10–90 % band across its runs.

    `bands` is ``analysis.bands(...)`` output (one row per design point and date)."""
    label = plain(label)
    fig = new_figure(fig, (10.5, 5.4))
    ax = fig.subplots()
    binned = _cells(bands[by], bins=5) if bands[by].nunique() > len(SERIES) else bands[by]
    approx = "≈ " if binned is not bands[by] else ""
    for i, (level, part) in enumerate(bands.groupby(binned)):
        colour = SERIES[i % len(SERIES)]
        part = part.groupby("date")[["q10", "median", "q90"]].median()
        ax.fill_between(part.index, part["q10"], part["q90"], color=colour, alpha=0.2, linewidth=0, step="post")
        ax.step(part.index, part["median"], where="post", color=colour, label=approx + level_text(level))
    ax.set_ylabel(fill(label, 45))
    fig.suptitle(fill(f"{label[0].upper()}{label[1:]}, by {_lower_first(param_label(by))}", 70) +
                 "\nmedian and 10–90 % band across replicates (the other factors pooled by their median)", fontsize=11)
    fig.legend(title=fill(param_label(by), 28), loc="outside right upper", fontsize=8, title_fontsize=8,
               frameon=False, alignment="left")
    date_axis(ax)
    _furniture(fig, metadata)
    return fig


def save_sweep_figures(sweep_dir: str | Path, out_dir: str | Path | None = None, metric: str | None = None,
                       kinds=None, dpi: int = 150) -> list[Path]:
    """Draw a sweep's figures into `out_dir` (default ``<sweep>/figures``): the outcome over the first two
    factors, over time by the first factor, and (for a Sobol' design) the sensitivity indices.  The
    outcome defaults to JNIM's share of central towns."""
    from vacuum_sim.sweeps import analysis  # the sweep extra (pyarrow, SALib) only when a sweep is drawn

    unknown = set(kinds or ()) - set(SWEEP_FIGURES)
    if unknown:
        raise ValueError(f"unknown figure kind {min(unknown)!r} for a sweep; allowed: {', '.join(SWEEP_FIGURES)}")
    info = analysis.manifest(sweep_dir)
    kept = {m.replace("n_towns_", analysis.TOWN_SHARE, 1) for m in info["metrics"]} | set(info["metrics"])
    metric = metric or (DEFAULT_OUTCOME if DEFAULT_OUTCOME in kept else info["metrics"][0])
    factors = analysis.factor_names(sweep_dir)
    data = analysis.load(sweep_dir, [metric])
    meta = {"version": info["version"], "scenario": f"{info['scenario']} (sweep {info['experiment']})",
            "seed": list(info["seeds"])}
    wanted = kinds or SWEEP_FIGURES
    figures = {}
    if "phase" in wanted and len(factors) >= 2:
        figures["phase"] = phase_diagram(analysis.outcome(data, metric), factors[0], factors[1], metric, meta)
    if "bands" in wanted:
        figures["bands"] = outcome_bands(analysis.bands(data, metric), factors[0], metric, meta)
    if "sobol" in wanted and info["design"]["type"] == "sobol":
        figures["sobol"] = sobol_bars(analysis.sobol_indices(sweep_dir, metric), metric, meta)
    out = Path(out_dir) if out_dir else Path(sweep_dir) / "figures"
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, fig in figures.items():
        path = out / f"{name}.png"
        fig.savefig(path, dpi=dpi)
        paths.append(path)
    return paths
