"""Figures for vacuum-sim runs, drawn from result tables only (never from a live model).

Every function takes pandas DataFrames that follow the run-directory data contract and
returns a ``matplotlib.figure.Figure`` built with the object-oriented API, so figures can
be made headless, in worker threads, and in tests without touching pyplot's global state.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, PercentFormatter

from vacuum_sim.factions import CONTROL_LABELS, ZONES
from vacuum_sim.model.metrics import monthly_operations
from vacuum_sim.runs.results import load_run

BORDERS_PATH = Path(__file__).parent.parent / "inputs" / "data" / "borders.geojson"

CONTROLLERS = CONTROL_LABELS

# Okabe-Ito palette (safe for the common colour-vision deficiencies): cool colours for the
# state and its partners, warm ones for the jihadist groups, green for the northern coalition.
COLOURS = {
    "FAMa": "#0072B2",
    "Wagner": "#CC79A7",
    "UN": "#56B4E9",
    "JNIM": "#E69F00",
    "CSP": "#009E73",
    "ISSP": "#D55E00",
    "contested": "#F0E442",
    "none": "#D0D0D0",
}
LABELS = {
    "FAMa": "FAMa (Malian army)",
    "Wagner": "Wagner (Russian paramilitary)",
    "UN": "UN (MINUSMA)",
    "JNIM": "JNIM (al-Qaeda affiliate)",
    "CSP": "CSP (northern armed groups)",
    "ISSP": "ISSP (Islamic State Sahel)",
    "contested": "contested",
    "none": "no armed group in control",
}

CORRIDOR_STYLES = {
    "paved": {"color": "#6b6b6b", "linewidth": 1.3, "linestyle": "-"},
    "track": {"color": "#9a9a9a", "linewidth": 0.8, "linestyle": (0, (4, 2))},
    "seasonal": {"color": "#9a9a9a", "linewidth": 0.9, "linestyle": (0, (1, 1.5))},
    "river": {"color": "#7aa6c8", "linewidth": 1.8, "linestyle": "-"},
}
CORRIDOR_LABELS = {
    "paved": "paved road",
    "track": "track",
    "seasonal": "seasonal track",
    "river": "river route",
}

# Lon/lat window around Mali and the latitude used to keep shapes undistorted.
MAP_EXTENT = (-13.8, 4.9, 9.7, 25.4)
MAP_ASPECT = 1 / np.cos(np.radians(17.5))
# Neighbour name positions (lon, lat, rotation): inside each country and the map window.
NEIGHBOUR_LABELS = {
    "Algeria": (0.6, 24.4, 0),
    "Mauritania": (-9.6, 21.0, 0),
    "Niger": (3.4, 13.4, 0),
    "Burkina Faso": (-1.4, 12.4, 0),
    "Côte d'Ivoire": (-6.2, 10.0, 0),
    "Guinea": (-10.9, 10.6, 0),
    "Senegal": (-13.3, 13.9, 90),
}
# Towns named on every map: display label and text offset in points.
MAJOR_TOWNS = {
    "Bamako": ("Bamako", (6, -9)),
    "Kayes": ("Kayes", (6, 4)),
    "Ségou": ("Ségou", (-6, 6)),
    "Sikasso": ("Sikasso", (6, -6)),
    "Mopti": ("Mopti/Sévaré", (-8, 6)),
    "Timbuktu": ("Timbuktu", (-8, 6)),
    "Gao": ("Gao", (7, -4)),
    "Kidal": ("Kidal", (7, 0)),
    "Ménaka": ("Ménaka", (6, 6)),
    "Tessalit": ("Tessalit", (7, 0)),
}

# Marker area (points²) grows with the square root of population against a fixed reference,
# so sizes are comparable across figures and a capital does not swamp the desert towns.
POP_REFERENCE = 4_000_000
SIZE_MIN, SIZE_MAX, SIZE_UNKNOWN = 12.0, 320.0, 10.0

BENCHMARK_PER_1000 = 20
# State operations reported in the source analysis (CTP update of 25 Oct 2023): window,
# average monthly rate, window total when one was reported, and how to say it.
REPORTED_OPS = (
    {
        "zone": "north",
        "start": "2023-08-01",
        "end": "2023-10-25",
        "rate": 20 / 2.83,
        "total": 20,
        "text": "≥20 operations, 1 Aug–25 Oct 2023",
    },
    {
        "zone": "centre",
        "start": "2023-04-01",
        "end": "2023-07-31",
        "rate": 5.0,
        "total": None,
        "text": "≈5 operations/month, Apr–Jul 2023",
    },
    {
        "zone": "centre",
        "start": "2023-08-01",
        "end": "2023-10-25",
        "rate": 2 / 2.83,
        "total": 2,
        "text": "2 operations, 1 Aug–25 Oct 2023",
    },
)
REPORTED_PERIOD = (pd.Timestamp("2023-04-01"), pd.Timestamp("2023-10-25"))
REPORTED_LABEL = "reported (CTP, 25 Oct 2023)"
DATA_CUTOFF = pd.Timestamp("2023-10-25")
LEGEND_STYLE = {"fontsize": 8, "title_fontsize": 9, "frameon": False, "alignment": "left"}


# ---------------------------------------------------------------- shared helpers


def format_date(date) -> str:
    """'1 Aug 2023' style, for titles a reader can parse at a glance."""
    date = pd.Timestamp(date)
    return f"{date.day} {date:%b %Y}"


def footer_text(metadata: Mapping | None) -> str | None:
    """The provenance line every figure carries when run metadata is known."""
    if not metadata:
        return None
    seed = metadata.get("seed", "?")
    if isinstance(seed, (list, tuple)):
        seed = f"{min(seed)}–{max(seed)} ({len(seed)} runs)" if seed else "?"
    return f"vacuum-sim {metadata.get('version', '?')} · scenario {metadata.get('scenario', '?')} · seed {seed}"


def add_footer(fig: Figure, metadata: Mapping | None) -> None:
    """Stamp version, scenario and seed in the bottom-left corner, reserving room for it."""
    text = footer_text(metadata)
    if text is None:
        return
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        engine.set(rect=(0, 0.03, 1, 0.97))
    fig.text(0.005, 0.005, text, ha="left", va="bottom", fontsize=7, color="#666666")


def _as_bool(values: pd.Series) -> pd.Series:
    """Read yes/no, True/False and 1/0 columns alike (CSV round trips change the type)."""
    if values.dtype == bool:
        return values
    text = values.astype(str).str.strip().str.lower()
    return text.isin(["yes", "true", "1", "y"])


def date_axis(ax, maxticks: int = 9) -> None:
    """Calendar dates on the x axis, labelled compactly (month names, years at year breaks)."""
    locator = mdates.AutoDateLocator(minticks=max(2, maxticks // 2), maxticks=maxticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _mark_data_cutoff(ax, dates: pd.DatetimeIndex, label: bool) -> None:
    """Separate the period covered by the source data from the projection."""
    if len(dates) and dates[0] <= DATA_CUTOFF <= dates[-1]:
        ax.axvline(DATA_CUTOFF, color="#444444", linewidth=0.8, linestyle=":")
        if label:
            ax.annotate(
                "source data end (25 Oct 2023)",
                (DATA_CUTOFF, 1),
                xycoords=("data", "axes fraction"),
                xytext=(-2, -4),
                textcoords="offset points",
                rotation=90,
                ha="right",
                va="top",
                fontsize=7,
                color="#444444",
                bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 1},
            )


def _check_labels(labels: Iterable[str]) -> None:
    unknown = sorted(set(labels) - set(CONTROLLERS))
    if unknown:
        raise ValueError(f"unknown controller labels {unknown}; expected {CONTROLLERS}")


# ---------------------------------------------------------------- map building blocks


@lru_cache(maxsize=1)
def load_borders() -> dict[str, list[np.ndarray]]:
    """Country name -> list of outer rings (lon/lat arrays) from the shipped GeoJSON."""
    data = json.loads(BORDERS_PATH.read_text(encoding="utf-8"))
    borders = {}
    for feature in data["features"]:
        geom = feature["geometry"]
        polygons = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        borders[feature["properties"]["name"]] = [np.asarray(poly[0]) for poly in polygons]
    return borders


def town_sizes(population: pd.Series) -> np.ndarray:
    """Scatter marker areas: sqrt-scaled population, a small fixed size when unknown."""
    pop = pd.to_numeric(population, errors="coerce").to_numpy(dtype=float)
    scaled = SIZE_MIN + (SIZE_MAX - SIZE_MIN) * np.sqrt(np.clip(pop, 0, None) / POP_REFERENCE)
    return np.where(np.isnan(pop), SIZE_UNKNOWN, np.minimum(scaled, SIZE_MAX))


def town_colours(controllers: Iterable[str]) -> list[str]:
    controllers = list(controllers)
    _check_labels(controllers)
    return [COLOURS[c] for c in controllers]


def controllers_for(towns: pd.DataFrame, control_row: pd.Series) -> pd.Series:
    """Controller of each town in `towns` order; towns absent from the row count as 'none'."""
    return control_row.reindex(towns["name"].to_numpy()).fillna("none")


def un_site_status(towns: pd.DataFrame, date, un_open=None) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks (open, closed) over `towns` for UN camps on `date`.

    `un_open` lists the town names whose camp is open; without it the camp counts as open
    until its `un_closure` date (a camp with no closure date stays open).
    """
    is_site = _as_bool(towns["un_base"]).to_numpy()
    if un_open is not None:
        open_ = towns["name"].isin(list(un_open)).to_numpy() & is_site
    else:
        closure = pd.to_datetime(towns.get("un_closure", pd.Series(pd.NaT, index=towns.index)), errors="coerce")
        open_ = is_site & ~(closure <= pd.Timestamp(date)).to_numpy()
    return open_, is_site & ~open_


def draw_basemap(ax, towns: pd.DataFrame, corridors: pd.DataFrame) -> list:
    """Static layers: countries, corridors, names of major towns, map window.

    Returns the town-name labels, which must stay above the town markers.
    """
    borders = load_borders()
    for name, rings in borders.items():
        is_mali = name == "Mali"
        for ring in rings:
            ax.fill(
                ring[:, 0],
                ring[:, 1],
                facecolor="#fdfcf7" if is_mali else "#eeeeee",
                edgecolor="#111111" if is_mali else "#a0a0a0",
                linewidth=1.6 if is_mali else 0.6,
                zorder=3 if is_mali else 1,
            )
        if name in NEIGHBOUR_LABELS:
            lon, lat, rotation = NEIGHBOUR_LABELS[name]
            ax.text(
                lon,
                lat,
                name,
                rotation=rotation,
                ha="center",
                va="center",
                fontsize=8,
                style="italic",
                color="#808080",
                zorder=2,
                clip_on=True,
            )
    # Mali's fill sits above the neighbours; redraw its outline on top of everything below towns.
    for ring in borders.get("Mali", []):
        ax.plot(ring[:, 0], ring[:, 1], color="#111111", linewidth=1.6, zorder=5)
    ax.text(-2.6, 21.3, "MALI", fontsize=16, color="#c8c2b0", weight="bold", ha="center", zorder=4)

    xy = towns.set_index("name")[["lon", "lat"]]
    for kind, style in CORRIDOR_STYLES.items():
        legs = corridors[corridors["kind"] == kind]
        for source, target in zip(legs["source"], legs["target"]):
            if source in xy.index and target in xy.index:
                ax.plot(
                    [xy.at[source, "lon"], xy.at[target, "lon"]],
                    [xy.at[source, "lat"], xy.at[target, "lat"]],
                    zorder=6,
                    solid_capstyle="round",
                    **style,
                )

    halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    labels = [
        ax.annotate(
            label,
            (xy.at[name, "lon"], xy.at[name, "lat"]),
            xytext=offset,
            textcoords="offset points",
            ha="left" if offset[0] >= 0 else "right",
            va="center",
            fontsize=7.5,
            zorder=12,
            path_effects=halo,
        )
        for name, (label, offset) in MAJOR_TOWNS.items()
        if name in xy.index
    ]

    west, east, south, north = MAP_EXTENT
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(MAP_ASPECT)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("#f6f6f6")
    return labels


def draw_towns(ax, towns: pd.DataFrame, controllers: pd.Series):
    """One scatter of all towns (gid 'towns'), coloured by controller, sized by population."""
    return ax.scatter(
        towns["lon"],
        towns["lat"],
        s=town_sizes(towns["population"]),
        c=town_colours(controllers),
        edgecolors="#222222",
        linewidths=0.6,
        zorder=10,
        gid="towns",
    )


def un_square_sizes(towns: pd.DataFrame) -> np.ndarray:
    """Square marker areas that frame each town's circle with a visible margin."""
    return np.maximum(150.0, town_sizes(towns["population"]) * 2.2)


def draw_un_sites(ax, towns: pd.DataFrame, open_: np.ndarray, closed: np.ndarray):
    """UN camps as squares around the town: solid blue while open, grey dashed once closed."""
    xy = towns[["lon", "lat"]].to_numpy()
    sizes = un_square_sizes(towns)
    open_sites = ax.scatter(
        xy[open_, 0],
        xy[open_, 1],
        s=sizes[open_],
        marker="s",
        facecolors="none",
        edgecolors=COLOURS["UN"],
        linewidths=1.8,
        zorder=9,
        gid="un_open",
    )
    closed_sites = ax.scatter(
        xy[closed, 0],
        xy[closed, 1],
        s=sizes[closed],
        marker="s",
        facecolors="none",
        edgecolors="#555555",
        linewidths=1.0,
        linestyles="--",
        zorder=9,
        gid="un_closed",
    )
    return open_sites, closed_sites


def controller_handles(present: Iterable[str]) -> list[Line2D]:
    """Legend entries, in canonical order, for the controllers present."""
    present = set(present)
    return [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="none",
            markersize=8,
            markerfacecolor=COLOURS[c],
            markeredgecolor="#222222",
            markeredgewidth=0.6,
            label=LABELS[c],
        )
        for c in CONTROLLERS
        if c in present
    ]


def key_handles(corridors: pd.DataFrame) -> list[Line2D]:
    """Legend entries for UN camps, corridor kinds present and the population scale."""
    square = {"marker": "s", "linestyle": "none", "markersize": 11, "markerfacecolor": "none"}
    handles = [
        Line2D([], [], markeredgecolor=COLOURS["UN"], markeredgewidth=1.8, label="UN camp open", **square),
        Line2D([], [], markeredgecolor="#555555", markeredgewidth=1.0, label="UN camp closed", **square),
    ]
    handles += [
        Line2D([], [], label=CORRIDOR_LABELS[kind], **style)
        for kind, style in CORRIDOR_STYLES.items()
        if kind in set(corridors["kind"])
    ]
    sizes = [(town_sizes(pd.Series([pop]))[0], label)
             for pop, label in ((10_000, "10,000 people"), (100_000, "100,000"), (1_000_000, "1 million"))]
    for area, label in [*sizes, (SIZE_UNKNOWN, "population unknown")]:
        handles.append(Line2D([], [], marker="o", linestyle="none", markersize=np.sqrt(area),
                              markerfacecolor="white", markeredgecolor="#222222", label=label))
    return handles


def _draw_map_panel(ax, towns, corridors, control_row, un_open=None) -> pd.Series:
    controllers = controllers_for(towns, control_row)
    draw_basemap(ax, towns, corridors)
    draw_towns(ax, towns, controllers)
    draw_un_sites(ax, towns, *un_site_status(towns, control_row.name, un_open))
    return controllers


def _with_closures(towns: pd.DataFrame, un_closures) -> pd.DataFrame:
    if un_closures is None:
        return towns
    towns = towns.copy()
    closures = pd.Series(un_closures, dtype=object)
    towns["un_closure"] = towns["name"].map(closures).fillna(towns.get("un_closure", ""))
    return towns


# ---------------------------------------------------------------- maps


def control_map(towns, corridors, control_row: pd.Series, un_open=None, ax=None, title=None, metadata=None) -> Figure:
    """Map of who holds each town on one date (`control_row.name`), with UN camps and corridors.

    Without `ax` the figure gets a side column for the legends; with `ax` the legends are
    anchored just right of it, so leave room there.
    """
    if ax is None:
        fig = Figure(figsize=(11, 7.6), layout="constrained")
        ax, host = fig.subplots(1, 2, width_ratios=[4.2, 1])
        host.set_axis_off()
        x_anchor = 0.0
    else:
        host, x_anchor = ax, 1.01
    fig = ax.figure
    controllers = _draw_map_panel(ax, towns, corridors, control_row, un_open)
    ax.set_title(title or f"Who holds Mali's towns on {format_date(control_row.name)}", fontsize=12)
    who = host.legend(
        handles=controller_handles(controllers),
        title="Town held by",
        loc="upper left",
        bbox_to_anchor=(x_anchor, 1),
        **LEGEND_STYLE,
    )
    host.add_artist(who)
    host.legend(
        handles=key_handles(corridors),
        title="Key",
        labelspacing=0.9,
        loc="lower left",
        bbox_to_anchor=(x_anchor, 0),
        **LEGEND_STYLE,
    )
    add_footer(fig, metadata)
    return fig


def _nearest_rows(control: pd.DataFrame, dates) -> list[pd.Series]:
    positions = control.index.get_indexer(pd.DatetimeIndex(pd.to_datetime(list(dates))), method="nearest")
    return [control.iloc[p] for p in positions]


def control_small_multiples(towns, corridors, control: pd.DataFrame, dates, un_closures=None, metadata=None) -> Figure:
    """Grid of control maps at chosen dates (each snapped to the nearest simulated day)."""
    towns = _with_closures(towns, un_closures)
    rows = _nearest_rows(control, dates)
    ncols = 2 if len(rows) in (2, 4) else min(len(rows), 3)
    nrows = -(-len(rows) // ncols)
    fig = Figure(figsize=(5.2 * ncols + 2.6, 4.5 * nrows + 0.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols)).ravel()
    present = set()
    for ax, row in zip(axes, rows):
        present |= set(_draw_map_panel(ax, towns, corridors, row))
        ax.set_title(format_date(row.name), fontsize=11)
    for ax in axes[len(rows) :]:
        ax.set_visible(False)
    fig.suptitle("Who holds Mali's towns as the UN mission withdraws", fontsize=13)
    fig.legend(handles=controller_handles(present), title="Town held by", loc="outside right upper", **LEGEND_STYLE)
    fig.legend(handles=key_handles(corridors), title="Key", loc="outside right lower", labelspacing=0.9, **LEGEND_STYLE)
    add_footer(fig, metadata)
    return fig


# ---------------------------------------------------------------- control shares


def zone_shares(metrics: pd.DataFrame, zone: str) -> pd.DataFrame:
    """Fraction of the zone's towns held by each controller (columns in canonical order)."""
    counts = pd.DataFrame(
        {c: metrics[f"n_towns_{c}_{zone}"] for c in CONTROLLERS if f"n_towns_{c}_{zone}" in metrics},
        index=metrics.index,
    ).astype(float)
    total = counts.sum(axis=1).replace(0, np.nan)
    return counts.div(total, axis=0)


def national_shares(metrics: pd.DataFrame) -> pd.DataFrame:
    """Fraction of all towns held by each controller, summed over zones."""
    counts = pd.DataFrame(
        {c: sum(metrics.get(f"n_towns_{c}_{z}", 0) for z in ZONES) for c in CONTROLLERS},
        index=metrics.index,
    ).astype(float)
    return counts.div(counts.sum(axis=1).replace(0, np.nan), axis=0)


def _zone_count(metrics: pd.DataFrame, zone: str) -> int:
    cols = [f"n_towns_{c}_{zone}" for c in CONTROLLERS if f"n_towns_{c}_{zone}" in metrics]
    return int(metrics[cols].iloc[0].sum())


def _share_axes(fig: Figure):
    axes = fig.subplots(len(ZONES), 1, sharex=True)
    for ax in axes:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_ylim(0, 1)
        ax.margins(x=0)
    return axes


def control_share(metrics: pd.DataFrame, metadata=None) -> Figure:
    """Stacked share of each zone's towns held by each controller over time."""
    fig = Figure(figsize=(10, 8.2), layout="constrained")
    axes = _share_axes(fig)
    present = set()
    for ax, zone in zip(axes, ZONES):
        shares = zone_shares(metrics, zone)
        shares = shares.loc[:, shares.fillna(0).gt(0).any()]
        present |= set(shares.columns)
        ax.stackplot(
            shares.index,
            *(shares[c].fillna(0) for c in shares.columns),
            colors=[COLOURS[c] for c in shares.columns],
            labels=[LABELS[c] for c in shares.columns],
            linewidth=0,
        )
        ax.set_title(f"{zone.capitalize()} ({_zone_count(metrics, zone)} towns)", loc="left", fontsize=10)
        ax.set_ylabel("share of towns")
        _mark_data_cutoff(ax, metrics.index, label=ax is axes[0])
    date_axis(axes[-1])
    fig.suptitle("Share of towns held by each armed actor, by zone", fontsize=13)
    fig.legend(handles=controller_handles(present), title="Town held by", loc="outside right upper", **LEGEND_STYLE)
    add_footer(fig, metadata)
    return fig


def _replicate_frames(runs) -> list[pd.DataFrame]:
    """Accept a list of date-indexed metrics frames, or one long frame with a replicate column."""
    if not isinstance(runs, pd.DataFrame):
        return list(runs)
    key = "replicate" if "replicate" in runs.columns else "seed"
    frames = []
    for _, group in runs.groupby(key):
        group = group.set_index("date") if "date" in group.columns else group
        frames.append(group.drop(columns=key))
    return frames


def control_share_bands(runs, metadata=None) -> Figure:
    """Median and 10–90 % band across replicates of each controller's share of towns.

    One small panel per zone (rows) and controller (columns), since overlapping bands of eight
    actors are unreadable. `runs` is a list of metrics frames or one long frame with a
    `replicate` (or `seed`) column and a `date` column or index.
    """
    frames = _replicate_frames(runs)
    quantiles = {}
    for zone in ZONES:
        by_date = pd.concat([zone_shares(f, zone) for f in frames], keys=range(len(frames))).groupby(level=1)
        quantiles[zone] = (by_date.quantile(0.1), by_date.median(), by_date.quantile(0.9))
    present = [c for c in CONTROLLERS if any(high.get(c, pd.Series()).gt(0).any() for *_, high in quantiles.values())]

    fig = Figure(figsize=(2.0 * len(present) + 1.2, 7.6), layout="constrained")
    axes = np.atleast_2d(fig.subplots(len(ZONES), len(present), sharex=True, sharey=True, squeeze=False))
    stroke = [patheffects.withStroke(linewidth=2.6, foreground="#444444")]
    for row, zone in zip(axes, ZONES):
        low, median, high = quantiles[zone]
        for ax, c in zip(row, present):
            ax.set_gid(f"{zone}:{c}")
            if c in median:
                ax.fill_between(median.index, low[c], high[c], color=COLOURS[c], alpha=0.35, linewidth=0)
                ax.plot(median.index, median[c], color=COLOURS[c], linewidth=1.8, path_effects=stroke, label=LABELS[c])
            _mark_data_cutoff(ax, median.index, label=False)
            ax.margins(x=0)
        row[0].set_ylabel(f"{zone.capitalize()} ({_zone_count(frames[0], zone)} towns)\nshare of towns")
    for ax, c in zip(axes[0], present):
        ax.set_title(LABELS[c].replace(" (", "\n("), fontsize=9, color="black")
    for ax in axes[-1]:
        date_axis(ax, maxticks=5)
    axes[0, 0].set_ylim(0, 1)
    axes[0, 0].yaxis.set_major_formatter(PercentFormatter(1.0))
    fig.suptitle(
        f"Share of towns held by each armed actor across {len(frames)} runs: "
        "median (line) and 10–90 % range (band); dotted line = end of source data (25 Oct 2023)",
        fontsize=11,
    )
    add_footer(fig, metadata)
    return fig


# ---------------------------------------------------------------- capacity and operations


def capacity_panel(metrics: pd.DataFrame, metadata=None) -> Figure:
    """Force density against the 20-per-1,000 benchmark, and troops needed vs available."""
    fig = Figure(figsize=(10, 7.8), layout="constrained")
    density, gap = fig.subplots(2, 1, sharex=True)
    dates = metrics.index

    styles = {
        "north": {"linestyle": "-", "color": "#555555"},
        "centre": {"linestyle": "--", "color": "#555555"},
        "south": {"linestyle": ":", "color": "#555555"},
        "national": {"linestyle": "-", "color": "#000000", "linewidth": 2.4},
    }
    for area, style in styles.items():
        density.plot(
            dates,
            metrics[f"security_per_1000_{area}"],
            label="all Mali" if area == "national" else area,
            **{"linewidth": 1.5, **style},
        )
    density.axhline(BENCHMARK_PER_1000, color="#B2182B", linestyle="--", linewidth=1.3, gid="benchmark")
    density.annotate(
        "counterinsurgency benchmark: 20 security personnel per 1,000 inhabitants",
        (1, BENCHMARK_PER_1000),
        xycoords=("axes fraction", "data"),
        xytext=(-4, 4),
        textcoords="offset points",
        ha="right",
        fontsize=8,
        color="#B2182B",
    )
    density.legend(loc="center right", fontsize=8, frameon=False, ncols=4)
    top = max(BENCHMARK_PER_1000, float(np.nanmax(metrics[[f"security_per_1000_{a}" for a in styles]].to_numpy())))
    density.set_ylim(0, top * 1.12)
    density.set_ylabel("security personnel\nper 1,000 inhabitants")
    density.set_title("Security forces relative to population, by zone", loc="left", fontsize=10)

    needed, available = metrics["n_troops_needed"], metrics["n_troops_available"]
    gap.plot(
        dates, needed, color="#B2182B", linewidth=1.8, label="troops needed to garrison every held and vacated base"
    )
    gap.plot(dates, available, color=COLOURS["FAMa"], linewidth=1.8, label="troops available")
    gap.fill_between(
        dates,
        available,
        needed,
        where=needed > available,
        interpolate=True,
        color="#B2182B",
        alpha=0.18,
        linewidth=0,
        gid="capacity_gap",
        label="capacity gap",
    )
    gap.set_ylim(bottom=0)
    gap.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    gap.set_ylabel("troops")
    gap.set_title("Capacity gap: troops needed to hold bases vs troops available", loc="left", fontsize=10)
    gap.legend(loc="best", fontsize=8, frameon=False)

    for ax in (density, gap):
        ax.margins(x=0)
        _mark_data_cutoff(ax, dates, label=ax is density)
    date_axis(gap)
    fig.suptitle("Can the state hold what the UN leaves behind?", fontsize=13)
    add_footer(fig, metadata)
    return fig


def _draw_reported(ax, metrics: pd.DataFrame, report: dict, label: str | None) -> str:
    """Draw one reported count as its average monthly rate over the reported window (a black
    line) and return its caption, with the simulated total over that window when covered."""
    start, end = pd.Timestamp(report["start"]), pd.Timestamp(report["end"])
    ax.hlines(report["rate"], start, end, color="black", linewidth=2.6, gid="reported", label=label, zorder=4)
    caption = f"– {report['text']}"
    window = metrics.loc[start:end, f"new_ops_{report['zone']}"]
    if report["total"] is not None and len(window) and window.index[0] == start and window.index[-1] == end:
        caption += f"; simulated over the same window: {window.sum():.0f}"
    return caption


def operations_panel(metrics: pd.DataFrame, metadata=None) -> Figure:
    """Monthly state operations in the north and centre against the counts reported in 2023."""
    fig = Figure(figsize=(10, 7), layout="constrained")
    axes = fig.subplots(2, 1, sharex=True)
    run_start, run_end = metrics.index[0], metrics.index[-1]
    for ax, zone in zip(axes, ("north", "centre")):
        monthly = monthly_operations(metrics)[zone]
        widths = monthly.index.days_in_month * 0.8
        ax.bar(
            monthly.index,
            monthly.to_numpy(),
            width=widths,
            align="edge",
            color=COLOURS["FAMa"],
            alpha=0.85,
            label="simulated state operations per month",
        )
        peak = float(monthly.max()) if len(monthly) else 0.0
        captions = []
        if run_start <= REPORTED_PERIOD[1] and run_end >= REPORTED_PERIOD[0]:
            reports = [r for r in REPORTED_OPS if r["zone"] == zone]
            for i, report in enumerate(reports):
                captions.append(_draw_reported(ax, metrics, report, REPORTED_LABEL if i == 0 else None))
                peak = max(peak, report["rate"])
        if captions:
            header = "Reported (black line = average per month over the window):"
            ax.text(0.01, 0.96, "\n".join([header, *captions]), transform=ax.transAxes, va="top", fontsize=8)
        ax.set_ylim(0, peak * 1.6 + 1)
        ax.set_ylabel("operations per month")
        ax.set_title(f"{zone.capitalize()}", loc="left", fontsize=10)
        ax.legend(loc="upper right", fontsize=8, frameon=False)
    date_axis(axes[-1])
    fig.suptitle("State (FAMa/Wagner) operations per month: simulated vs reported", fontsize=13)
    add_footer(fig, metadata)
    return fig


# ---------------------------------------------------------------- run directory


def _as_run(run_dir_or_result) -> dict:
    if isinstance(run_dir_or_result, (str, Path)):
        run_dir_or_result = load_run(run_dir_or_result)
    keys = ("towns", "corridors", "control", "metrics", "metadata")
    if isinstance(run_dir_or_result, Mapping):
        return {k: run_dir_or_result.get(k) for k in keys}
    return {k: getattr(run_dir_or_result, k, None) for k in keys}


def snapshot_dates(index: pd.DatetimeIndex, count: int = 4) -> list[pd.Timestamp]:
    """Start, the two turning points of the 2023 withdrawal, and the end, where inside the run;
    evenly spaced dates fill in when the run does not span them."""
    start, end = index[0], index[-1]
    dates = {start, end} | {d for d in (pd.Timestamp("2023-08-01"), pd.Timestamp("2023-11-01")) if start < d < end}
    for fraction in (1 / 3, 2 / 3):
        if len(dates) >= count:
            break
        dates.add((start + (end - start) * fraction).normalize())
    return sorted(dates)


RUN_FIGURES = ("control_share", "control_maps", "capacity", "operations")


def save_default_figures(run_dir_or_result, out_dir=None, dpi: int = 150, kinds=None) -> list[Path]:
    """Write the standard figure set as PNGs and return their paths.

    Accepts a run directory (figures go to `<run_dir>/figures` by default) or any object or
    mapping with `towns`, `corridors`, `control`, `metrics` and optional `metadata`.
    """
    run = _as_run(run_dir_or_result)
    if out_dir is None:
        if not isinstance(run_dir_or_result, (str, Path)):
            raise ValueError("out_dir is required when passing a result instead of a directory")
        out_dir = Path(run_dir_or_result) / "figures"
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    meta = run["metadata"]
    unknown = set(kinds or ()) - set(RUN_FIGURES)
    if unknown:
        raise ValueError(f"unknown figure kind {min(unknown)!r}; allowed: {', '.join(RUN_FIGURES)}")
    draw = {
        "control_share": lambda: control_share(run["metrics"], metadata=meta),
        "control_maps": lambda: control_small_multiples(
            run["towns"], run["corridors"], run["control"], snapshot_dates(run["control"].index), metadata=meta
        ),
        "capacity": lambda: capacity_panel(run["metrics"], metadata=meta),
        "operations": lambda: operations_panel(run["metrics"], metadata=meta),
    }
    paths = []
    for kind in kinds or RUN_FIGURES:
        path = out_dir / f"{kind}.png"
        draw[kind]().savefig(path, dpi=dpi)
        paths.append(path)
    return paths


# ---------------------------------------------------------------- sweeps


def _level(v) -> str:
    """A factor level as a reader writes it: 12,000 and 0.85, not 1.2e+04."""
    return f"{int(v):,}" if float(v).is_integer() else f"{v:.3g}"


def _cells(values: pd.Series, bins: int = 6) -> pd.Series:
    """A factor's levels as they are, or quantile bins (labelled by their mid-point) for sampled designs."""
    if values.nunique() <= 12:
        return values
    cut = pd.qcut(values, bins, duplicates="drop")
    return cut.map(lambda interval: interval.mid).astype(float)


def phase_diagram(outcomes: pd.DataFrame, x: str, y: str, label: str, metadata=None) -> Figure:
    """An outcome over two factors: each cell shows the median over its runs (replicates and other factors).

    `outcomes` has one row per run with the factor columns and `value` (see `analysis.outcome`)."""
    table = (outcomes.assign(**{x: _cells(outcomes[x]), y: _cells(outcomes[y])})
             .groupby([y, x], observed=True)["value"].median().unstack())
    runs = outcomes.groupby([_cells(outcomes[y]), _cells(outcomes[x])], observed=True).size().unstack()
    fig = Figure(figsize=(1.3 * table.shape[1] + 3.4, 0.75 * table.shape[0] + 2.6), layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(table.to_numpy(float), origin="lower", aspect="auto", cmap="Reds")
    ax.set_xticks(range(table.shape[1]), [_level(v) for v in table.columns])
    ax.set_yticks(range(table.shape[0]), [_level(v) for v in table.index])
    high = np.nanmax(table.to_numpy(float)) if table.size else 0
    for i in range(table.shape[0]):
        for j in range(table.shape[1]):
            v = table.iat[i, j]
            if np.isfinite(v):
                ax.text(j, i, f"{v:.3g}", ha="center", va="center", fontsize=9,
                        color="white" if v > 0.6 * high else "black")
    ax.set(xlabel=x, ylabel=y)
    fig.colorbar(image, ax=ax, label=f"median {label}")
    n = int(np.nanmedian(runs.to_numpy(float))) if runs.size else 0
    ax.set_title(f"{label}\nmedian over the runs in each cell (about {n} runs each)", fontsize=11)
    add_footer(fig, metadata)
    return fig


def sobol_bars(indices: pd.DataFrame, label: str, metadata=None) -> Figure:
    """First- and total-order Sobol' indices with their 95 % confidence intervals (see `analysis.sobol_indices`)."""
    order = indices.sort_values("ST", ascending=True)
    fig = Figure(figsize=(8, 0.55 * len(order) + 2.0), layout="constrained")
    ax = fig.subplots()
    ypos = np.arange(len(order))
    ax.barh(ypos + 0.2, order["S1"], height=0.38, xerr=order["S1_conf"], color="#0072B2", capsize=3,
            label="first order (this factor alone)")
    ax.barh(ypos - 0.2, order["ST"], height=0.38, xerr=order["ST_conf"], color="#E69F00", capsize=3,
            label="total order (with its interactions)")
    ax.set_yticks(ypos, [f"{f} ({k})" for f, k in zip(order.index, order["kind"])])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("share of the outcome's variance (bars: 95 % confidence interval)")
    ax.set_title(f"Which factors drive {label}? Sobol' sensitivity indices", fontsize=11)
    ax.legend(loc="lower right")
    add_footer(fig, metadata)
    return fig


def outcome_bands(bands: pd.DataFrame, by: str, label: str, metadata=None) -> Figure:
    """An outcome over time for each level of one factor: median and 10–90 % band across its runs.

    `bands` is `analysis.bands(...)` output (one row per design point and date)."""
    fig = Figure(figsize=(9, 4.8), layout="constrained")
    ax = fig.subplots()
    levels = sorted(bands[by].unique())
    colours = _series_colours(len(levels))
    for level, colour in zip(levels, colours):
        part = bands[bands[by] == level].groupby("date")[["q10", "median", "q90"]].median()
        ax.fill_between(part.index, part["q10"], part["q90"], color=colour, alpha=0.2, linewidth=0, step="post")
        ax.step(part.index, part["median"], where="post", color=colour, label=f"{by} = {_level(level)}")
    ax.set_ylabel(label)
    ax.set_title(f"{label} over time by {by}: median and 10–90 % band across replicates\n"
                 "(the other factors' levels pooled by their median)", fontsize=11)
    ax.legend(fontsize=8)
    date_axis(ax)
    add_footer(fig, metadata)
    return fig


def _series_colours(n: int) -> list[str]:
    """n distinguishable colours from the Okabe–Ito palette (repeating if needed)."""
    palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
    return [palette[i % len(palette)] for i in range(n)]
