"""Figures of one run (or of replicate runs), drawn from its tables only, never from a live model.

For the app: every chart builder takes the run's tables, an optional ``previous`` run (drawn as faint
grey lines, to compare with the last run) and an optional ``fig`` to draw into (it is cleared, so the
app can keep one Figure per chart):

    control_share(control, towns, previous=(control, towns), fig=fig)   who holds the towns, by zone
    capacity_panel(metrics, previous=metrics, fig=fig)                   troops needed vs available
    operations_panel(metrics, previous=metrics, fig=fig)                 state operations per month
    violence_panel(metrics, previous=metrics, fig=fig)                   atrocities, recruits, grievance
    control_share_bands([control, ...], towns, fig=fig)                  replicates: median and 10–90 %

``control`` is the date × town table of controllers, ``towns`` the run's towns table (with
``un_closure``), ``metrics`` the daily metrics table indexed by date.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, PercentFormatter

from vacuum_sim.factions import ZONES
from vacuum_sim.model.metrics import BENCHMARK_PER_1000, monthly_operations
from vacuum_sim.runs.results import load_run
from vacuum_sim.views import maps
from vacuum_sim.views.style import (
    COLOURS,
    LABELS,
    LEGEND_STYLE,
    REPORT_SOURCE,
    SHARE_ORDER,
    STATE_SIDE,
    add_footer,
    date_axis,
    mark_data_cutoff,
    metric_label,
    new_figure,
)

PREVIOUS = {"color": "#9a9a9a", "linewidth": 1.2, "linestyle": (0, (3, 2)), "zorder": 1}
# State operations reported in the source analysis: window, average monthly rate, window total when one was
# reported, and how to say it.
REPORTED_OPS = (
    {"zone": "north", "start": "2023-08-01", "end": "2023-10-25", "rate": 20 / 2.83, "total": 20,
     "text": "≥20 operations, 1 Aug–25 Oct 2023"},
    {"zone": "centre", "start": "2023-04-01", "end": "2023-07-31", "rate": 5.0, "total": None,
     "text": "≈5 operations/month, Apr–Jul 2023"},
    {"zone": "centre", "start": "2023-08-01", "end": "2023-10-25", "rate": 2 / 2.83, "total": 2,
     "text": "2 operations, 1 Aug–25 Oct 2023"},
)
REPORTED_PERIOD = (pd.Timestamp("2023-04-01"), pd.Timestamp("2023-10-25"))
REPORTED_LABEL = "reported: average per month over the window"


# ---------------------------------------------------------------- who holds the towns


def holders(control: pd.DataFrame, towns: pd.DataFrame) -> pd.DataFrame:
    """The controller of each town by date, with state-held towns whose UN camp has closed set apart as
    ``after_UN``: the army or Wagner there now stand where the UN stood, which is not a gain from anyone."""
    closure = pd.to_datetime(towns.set_index("name")["un_closure"].reindex(control.columns), errors="coerce")
    closed = control.index.to_numpy()[:, None] >= closure.to_numpy()[None, :]  # NaT (never) compares False
    state = control.isin(["FAMa", "Wagner"]).to_numpy()
    return control.mask(state & closed, "after_UN")


def zone_shares(held: pd.DataFrame, towns: pd.DataFrame, zone: str) -> pd.DataFrame:
    """Share of the zone's towns in each holder category (columns in ``SHARE_ORDER``), by date."""
    in_zone = held.columns.isin(towns.loc[towns["zone"] == zone, "name"])
    part = held.to_numpy()[:, in_zone]  # one array comparison per holder, not one per town: the app redraws weekly
    counts = pd.DataFrame({c: (part == c).sum(axis=1) for c in SHARE_ORDER}, index=held.index)
    return counts / max(int(in_zone.sum()), 1)


def _share_handles(present, with_previous: bool) -> list:
    handles = [Patch(facecolor=COLOURS[c], edgecolor=COLOURS["FAMa"] if c == "after_UN" else "none",
                     hatch="////" if c == "after_UN" else None, linewidth=0, label=LABELS[c])
               for c in SHARE_ORDER if c in present]
    handles.append(Line2D([], [], color="black", linewidth=1.6, label="the state's total share (army and Wagner)"))
    if with_previous:
        handles.append(Line2D([], [], label="previous run: the state's total share", **PREVIOUS))
    return handles


def control_share(control: pd.DataFrame, towns: pd.DataFrame, metadata=None, previous=None,
                  fig: Figure | None = None) -> Figure:
    """Stacked share of each zone's towns by who holds them: the state from the bottom, the armed groups
    from the top, no one in between.  Towns the state holds where a UN camp has closed are hatched, so the
    withdrawal does not read as the army gaining ground."""
    fig = new_figure(fig, (10.5, 8.2))
    axes = fig.subplots(len(ZONES), 1, sharex=True)
    held = holders(control, towns)
    before = holders(*previous) if previous is not None else None
    present = set()
    for ax, zone in zip(axes, ZONES):
        shares = zone_shares(held, towns, zone)
        shown = [c for c in SHARE_ORDER if shares[c].gt(0).any()]
        present |= set(shown)
        layers = ax.stackplot(shares.index, *(shares[c] for c in shown), colors=[COLOURS[c] for c in shown],
                              linewidth=0)
        for layer, c in zip(layers, shown):
            layer.set_gid(c)
            if c == "after_UN":
                layer.set_hatch("////")
                layer.set_edgecolor(COLOURS["FAMa"])
        ax.plot(shares.index, shares[list(STATE_SIDE)].sum(axis=1), color="black", linewidth=1.6, gid="state_edge")
        if before is not None:
            old = zone_shares(before, towns, zone)
            ax.plot(old.index, old[list(STATE_SIDE)].sum(axis=1), gid="previous", **PREVIOUS)
        ax.set_title(f"{zone.capitalize()} ({(towns['zone'] == zone).sum()} towns)", loc="left", fontsize=10)
        ax.set_ylabel("share of towns")
        ax.set_ylim(0, 1)
        ax.margins(x=0)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        mark_data_cutoff(ax, shares.index, label=ax is axes[0])
    date_axis(axes[-1])
    fig.suptitle("Who holds the towns, by zone", fontsize=13)
    fig.legend(handles=_share_handles(present, before is not None), title="Town held by", loc="outside right upper",
               **LEGEND_STYLE)
    add_footer(fig, metadata)
    return fig


BAND_GROUPS = {  # replicate bands: one line per side, the state split as in the stacked chart
    "state": ("FAMa", "Wagner"), "after_UN": ("after_UN",), "UN": ("UN",), "JNIM": ("JNIM",), "CSP": ("CSP",),
    "ISSP": ("ISSP",), "contested": ("contested", "none"),
}
BAND_LABELS = {**LABELS, "state": "Malian army (FAMa) or Wagner,\nwhere no UN camp has closed",
               "after_UN": LABELS["after_UN"].replace(", in", ",\nin"),
               "contested": "contested, or no armed actor"}
BAND_COLOURS = {**COLOURS, "state": COLOURS["FAMa"], "contested": "#B8A800"}
BAND_FLOOR = 0.02  # a side whose 90th percentile never reaches 2 % of a zone's towns is left out of that panel


def control_share_bands(controls: list[pd.DataFrame], towns: pd.DataFrame, metadata=None,
                        fig: Figure | None = None) -> Figure:
    """Median and 10–90 % band across replicate runs of the share of each zone's towns held by each side:
    one panel per zone, one line per side that holds a visible share there."""
    fig = new_figure(fig, (15, 4.8))
    axes = fig.subplots(1, len(ZONES), sharey=True)
    held = [holders(c, towns) for c in controls]
    stroke = [patheffects.withStroke(linewidth=2.8, foreground="white")]
    shown = set()
    for ax, zone in zip(axes, ZONES):
        shares = [zone_shares(h, towns, zone).resample("W").mean() for h in held]  # weekly: less day-to-day flicker
        for group, members in BAND_GROUPS.items():
            runs = pd.concat([s[list(members)].sum(axis=1) for s in shares], axis=1)
            low, median, high = runs.quantile(0.1, axis=1), runs.median(axis=1), runs.quantile(0.9, axis=1)
            if high.max() < BAND_FLOOR:
                continue
            shown.add(group)
            colour = BAND_COLOURS[group]
            ax.fill_between(runs.index, low, high, color=colour, alpha=0.25, linewidth=0)
            ax.plot(runs.index, median, color=colour, linewidth=2, path_effects=stroke, gid=f"{zone}:{group}",
                    linestyle="--" if group == "after_UN" else "-")
        mark_data_cutoff(ax, runs.index, label=False)
        ax.set_title(f"{zone.capitalize()} ({(towns['zone'] == zone).sum()} towns)", loc="left", fontsize=10)
        ax.margins(x=0)
        date_axis(ax, maxticks=5)
    axes[0].set_ylim(0, 1)
    axes[0].yaxis.set_major_formatter(PercentFormatter(1.0))
    axes[0].set_ylabel("share of the zone's towns")
    handles = [Line2D([], [], color=BAND_COLOURS[g], linewidth=2, linestyle="--" if g == "after_UN" else "-",
                      label=BAND_LABELS[g]) for g in BAND_GROUPS if g in shown]
    handles.append(Patch(facecolor="#999999", alpha=0.25, label="10–90 % of runs (line: median)"))
    fig.legend(handles=handles, loc="outside right upper", **LEGEND_STYLE)
    fig.suptitle(f"Who holds the towns across {len(controls)} runs, weekly means "
                 "(dotted line: end of source data, 25 Oct 2023)", fontsize=12)
    add_footer(fig, metadata)
    return fig


# ---------------------------------------------------------------- capacity, operations, violence


def capacity_panel(metrics: pd.DataFrame, metadata=None, previous: pd.DataFrame | None = None,
                   fig: Figure | None = None) -> Figure:
    """Force density against the 20-per-1,000 benchmark, and troops needed vs available."""
    fig = new_figure(fig, (10, 7.8))
    density, gap = fig.subplots(2, 1, sharex=True)
    dates = metrics.index
    styles = {"north": {"linestyle": "-", "color": "#555555"}, "centre": {"linestyle": "--", "color": "#555555"},
              "south": {"linestyle": ":", "color": "#555555"},
              "national": {"linestyle": "-", "color": "#000000", "linewidth": 2.4}}
    for area, style in styles.items():
        density.plot(dates, metrics[f"security_per_1000_{area}"], label="all Mali" if area == "national" else area,
                     **{"linewidth": 1.5, **style})
    density.axhline(BENCHMARK_PER_1000, color="#B2182B", linestyle="--", linewidth=1.3, gid="benchmark")
    density.annotate("counterinsurgency benchmark: 20 security personnel per 1,000 inhabitants", (1, BENCHMARK_PER_1000),
                     xycoords=("axes fraction", "data"), xytext=(-4, 4), textcoords="offset points", ha="right",
                     fontsize=8, color="#B2182B")
    density.legend(loc="center right", fontsize=8, frameon=False, ncols=4, title="army, Wagner and UN personnel in",
                   title_fontsize=8)
    top = max(BENCHMARK_PER_1000, float(np.nanmax(metrics[[f"security_per_1000_{a}" for a in styles]].to_numpy())))
    density.set_ylim(0, top * 1.12)
    density.set_ylabel("security personnel\nper 1,000 inhabitants")
    density.set_title("Security forces relative to population, by zone", loc="left", fontsize=10)

    needed, available = metrics["n_troops_needed"], metrics["n_troops_available"]
    gap.plot(dates, needed, color="#B2182B", linewidth=1.8, label=metric_label("n_troops_needed"))
    gap.plot(dates, available, color=COLOURS["FAMa"], linewidth=1.8, label=metric_label("n_troops_available"))
    gap.fill_between(dates, available, needed, where=needed > available, interpolate=True, color="#B2182B",
                     alpha=0.18, linewidth=0, gid="capacity_gap", label="capacity gap")
    if previous is not None:
        gap.plot(previous.index, previous["n_troops_needed"], gid="previous", **PREVIOUS)
        gap.plot(previous.index, previous["n_troops_available"], label="previous run", gid="previous", **PREVIOUS)
    gap.set_ylim(bottom=0)
    gap.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    gap.set_ylabel("troops")
    gap.set_title("Capacity gap: troops needed by force-to-space vs troops available", loc="left", fontsize=10)
    gap.legend(loc="best", fontsize=8, frameon=False)
    for ax in (density, gap):
        ax.margins(x=0)
        mark_data_cutoff(ax, dates, label=ax is density)
    date_axis(gap)
    fig.suptitle("Can the state hold what the UN leaves behind?", fontsize=13)
    add_footer(fig, metadata)
    return fig


def _draw_reported(ax, metrics: pd.DataFrame, report: dict, label: str | None) -> str:
    """One reported count as its average monthly rate over the reported window (a black line); returns its
    caption, with the simulated total over that window when the run covers it."""
    start, end = pd.Timestamp(report["start"]), pd.Timestamp(report["end"])
    ax.hlines(report["rate"], start, end, color="black", linewidth=2.6, gid="reported", label=label, zorder=4)
    caption = f"– {report['text']}"
    window = metrics.loc[start:end, f"new_ops_{report['zone']}"]
    if report["total"] is not None and len(window) and window.index[0] == start and window.index[-1] == end:
        caption += f"; simulated over the same window: {window.sum():.0f}"
    return caption


def operations_panel(metrics: pd.DataFrame, metadata=None, previous: pd.DataFrame | None = None,
                     fig: Figure | None = None) -> Figure:
    """Monthly state operations in the north and centre against the counts reported in 2023."""
    fig = new_figure(fig, (10, 7))
    axes = fig.subplots(2, 1, sharex=True)
    run_start, run_end = metrics.index[0], metrics.index[-1]
    for ax, zone in zip(axes, ("north", "centre")):
        monthly = monthly_operations(metrics)[zone]
        ax.bar(monthly.index, monthly.to_numpy(), width=monthly.index.days_in_month * 0.8, align="edge",
               color=COLOURS["FAMa"], alpha=0.85, label="simulated operations per month")
        peak = float(monthly.max()) if len(monthly) else 0.0
        if previous is not None:
            old = monthly_operations(previous)[zone]
            ax.step(old.index, old.to_numpy(), where="post", label="previous run", gid="previous", **PREVIOUS)
            peak = max(peak, float(old.max()) if len(old) else 0.0)
        captions = []
        if run_start <= REPORTED_PERIOD[1] and run_end >= REPORTED_PERIOD[0]:
            reports = [r for r in REPORTED_OPS if r["zone"] == zone]
            for i, report in enumerate(reports):
                captions.append(_draw_reported(ax, metrics, report, REPORTED_LABEL if i == 0 else None))
                peak = max(peak, report["rate"])
        if captions:
            header = f"Reported in the {REPORT_SOURCE}:"
            ax.text(0.01, 0.96, "\n".join([header, *captions]), transform=ax.transAxes, va="top", fontsize=8)
        ax.set_ylim(0, peak * 1.6 + 1)
        ax.set_ylabel("operations per month")
        ax.set_title(zone.capitalize(), loc="left", fontsize=10)
        ax.legend(loc="upper right", fontsize=8, frameon=False)
    date_axis(axes[-1])
    fig.suptitle("Operations by the army and Wagner per month: simulated and reported", fontsize=13)
    add_footer(fig, metadata)
    return fig


PERPETRATORS = ("FAMa", "Wagner", "JNIM", "CSP", "ISSP")
RECRUITERS = ("JNIM", "CSP", "ISSP")


def violence_panel(metrics: pd.DataFrame, metadata=None, previous: pd.DataFrame | None = None,
                   fig: Figure | None = None) -> Figure:
    """The other half of the argument: atrocities by perpetrator, recruits by group and grievance by zone,
    with the JNIM–rebel strikes on the same place."""
    fig = new_figure(fig, (10, 9))
    atrocities, recruits, grievance = fig.subplots(3, 1, sharex=True)
    monthly = metrics.resample("MS").sum()
    width = monthly.index.days_in_month * 0.8
    bottom = np.zeros(len(monthly))
    for who in PERPETRATORS:
        values = monthly[f"new_atrocities_{who}"].to_numpy()
        if values.any():
            atrocities.bar(monthly.index, values, bottom=bottom, width=width, align="edge", color=COLOURS[who],
                           label=LABELS[who], gid=f"atrocities:{who}")
            bottom += values
    atrocities.set_ylim(0, max(bottom.max(), 1) * 1.7)  # headroom for the legend
    atrocities.set_ylabel("atrocities per month")
    atrocities.set_title("Atrocities against civilians, by perpetrator", loc="left", fontsize=10)
    for who in RECRUITERS:
        if metrics[f"cum_recruits_{who}"].any():
            recruits.plot(metrics.index, metrics[f"cum_recruits_{who}"], color=COLOURS[who], linewidth=1.8,
                          label=LABELS[who])
            if previous is not None:
                recruits.plot(previous.index, previous[f"cum_recruits_{who}"], gid="previous", **PREVIOUS)
    strikes = recruits.twinx()
    strikes.plot(metrics.index, metrics["cum_joint_strikes"], color="black", linewidth=1.2, linestyle=(0, (1, 1.5)),
                 label=metric_label("cum_joint_strikes"))
    strikes.set_ylabel("joint strikes to date", fontsize=8)
    strikes.set_ylim(bottom=0)
    recruits.set_ylabel("recruits to date")
    recruits.set_ylim(bottom=0)
    recruits.set_title("Recruits who joined each armed group, and JNIM–rebel strikes on the same place", loc="left",
                       fontsize=10)
    handles = recruits.get_legend_handles_labels()[0] + strikes.get_legend_handles_labels()[0]
    recruits.legend(handles=handles, loc="upper left", fontsize=8, frameon=False)
    for zone, style in zip(ZONES, ("-", "--", ":")):
        grievance.plot(metrics.index, metrics[f"mean_grievance_{zone}"], color="#555555", linestyle=style,
                       linewidth=1.6, label=f"{zone}")
        if previous is not None:
            grievance.plot(previous.index, previous[f"mean_grievance_{zone}"], gid="previous", **PREVIOUS)
    grievance.set_ylabel("mean grievance (0–1)")
    grievance.set_ylim(bottom=0)
    grievance.set_title("Grievance left by atrocities (it drives recruitment), mean over each zone's towns", loc="left",
                        fontsize=10)
    grievance.legend(loc="upper left", fontsize=8, frameon=False, ncols=3)
    atrocities.legend(loc="upper right", fontsize=8, frameon=False, ncols=2)
    for ax in (atrocities, recruits, grievance):
        ax.margins(x=0)
        mark_data_cutoff(ax, metrics.index, label=ax is atrocities)
    date_axis(grievance)
    fig.suptitle("Atrocities, recruitment and grievance", fontsize=13)
    add_footer(fig, metadata)
    return fig


# ---------------------------------------------------------------- a run folder's figures


def snapshot_dates(index: pd.DatetimeIndex, count: int = 4) -> list[pd.Timestamp]:
    """Start, the two turning points of the 2023 withdrawal, and the end, where inside the run; evenly
    spaced dates fill in when the run does not span them."""
    start, end = index[0], index[-1]
    dates = {start, end} | {d for d in (pd.Timestamp("2023-08-01"), pd.Timestamp("2023-11-01")) if start < d < end}
    for fraction in (1 / 3, 2 / 3):
        if len(dates) >= count:
            break
        dates.add((start + (end - start) * fraction).normalize())
    return sorted(dates)


RUN_FIGURES = ("control_share", "control_maps", "capacity", "operations", "violence")


def save_run_figures(run, out_dir, dpi: int = 150, kinds=None) -> list[Path]:
    """Write the standard figure set as PNGs into `out_dir` and return their paths.

    `run` is a run folder or anything with `towns`, `corridors`, `control`, `metrics` and `metadata`
    (a :class:`~vacuum_sim.runs.results.RunResult`)."""
    unknown = set(kinds or ()) - set(RUN_FIGURES)
    if unknown:
        raise ValueError(f"unknown figure kind {min(unknown)!r} for a run; allowed: {', '.join(RUN_FIGURES)}")
    if isinstance(run, (str, Path)):
        run = load_run(run)
    meta = run.metadata
    draw = {
        "control_share": lambda: control_share(run.control, run.towns, metadata=meta),
        "control_maps": lambda: maps.control_small_multiples(run.towns, run.corridors, run.control,
                                                             snapshot_dates(run.control.index), metadata=meta),
        "capacity": lambda: capacity_panel(run.metrics, metadata=meta),
        "operations": lambda: operations_panel(run.metrics, metadata=meta),
        "violence": lambda: violence_panel(run.metrics, metadata=meta),
    }
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind in kinds or RUN_FIGURES:
        path = out_dir / f"{kind}.png"
        draw[kind]().savefig(path, dpi=dpi)
        paths.append(path)
    return paths
