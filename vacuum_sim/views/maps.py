"""Maps of who holds what: the base layer drawn once (``basemap``), then cheap updates.

For the app: make one ``ControlMap(ax, towns, corridors)`` when a run starts (it draws the borders,
the north/centre/south zones, the corridors and the town names once), then call
``update(control_row, un_open=..., forces=...)`` every frame: it only recolours the towns, moves the
UN camp squares and the force triangles, and returns the artists it changed (for blitting).
``legend_handles()`` gives the legend entries.  ``forces`` is a small frame the app builds from its
units: columns ``faction``, ``strength``, ``lon``, ``lat`` and ``town`` (the town's name while the unit
stands in it, empty while it moves along a corridor).  ``also_named`` names more towns (the lesson's).
``control_map`` and ``control_small_multiples`` are the report figures built from the same pieces.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from vacuum_sim.factions import CONTROL_LABELS, FACTIONS, ZONES
from vacuum_sim.views.basemap import (
    CORRIDOR_LABELS,
    CORRIDOR_STYLES,
    SIZE_UNKNOWN,
    as_bool,
    draw_base,
    town_sizes,
    un_square_sizes,
)
from vacuum_sim.views.style import COLOURS, LABELS, LEGEND_STYLE, ZONE_TINTS, add_footer, format_date


def controllers_for(towns: pd.DataFrame, control_row: pd.Series) -> pd.Series:
    """Controller of each town in `towns` order; towns absent from the row count as 'none'."""
    controllers = control_row.reindex(towns["name"].to_numpy()).fillna("none")
    unknown = sorted(set(controllers) - set(CONTROL_LABELS))
    if unknown:
        raise ValueError(f"unknown controller labels {unknown}; expected {CONTROL_LABELS}")
    return controllers


def un_site_status(towns: pd.DataFrame, date, un_open=None) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks (open, closed) over `towns` for UN camps on `date`.

    `un_open` lists the town names whose camp is open; without it a camp counts as open until its
    `un_closure` date (a camp with no closure date stays open).
    """
    return _camp_masks(as_bool(towns["un_base"]), towns["name"], _closures(towns), date, un_open)


def _closures(towns: pd.DataFrame) -> np.ndarray:
    return pd.to_datetime(towns.get("un_closure", pd.Series(pd.NaT, index=towns.index)), errors="coerce").to_numpy()


def _camp_masks(is_site, names, closure, date, un_open) -> tuple[np.ndarray, np.ndarray]:
    if un_open is not None:
        open_ = names.isin(list(un_open)).to_numpy() & is_site
    else:
        open_ = is_site & ~(closure <= np.datetime64(pd.Timestamp(date)))
    return open_, is_site & ~open_


# ---------------------------------------------------------------- what changes


def unit_area(strength: np.ndarray) -> np.ndarray:
    """Force marker area (points²) growing with the square root of strength, so big garrisons do not swamp the map."""
    return np.minimum(14 * np.sqrt(np.asarray(strength, dtype=float) / 100), 160)


class ControlMap:
    """One map on `ax`: the base drawn at construction, then ``update`` for each date."""

    def __init__(self, ax, towns: pd.DataFrame, corridors: pd.DataFrame, also_named: Iterable[str] = (),
                 fontsize: float = 7.5):
        self.ax = ax
        self.towns = towns.reset_index(drop=True)
        self.xy = self.towns[["lon", "lat"]].to_numpy(float)
        self.sizes = town_sizes(self.towns["population"])
        self.camps, self.closure = as_bool(self.towns["un_base"]), _closures(self.towns)
        self.names = draw_base(ax, self.towns, corridors, also_named, fontsize)
        self.corridor_kinds = set(corridors["kind"])
        square = {"marker": "s", "facecolors": "none", "zorder": 9}
        self.un_open = ax.scatter([], [], edgecolors=COLOURS["UN"], linewidths=2.0, gid="un_open", **square)
        self.un_closed = ax.scatter([], [], edgecolors="#555555", linewidths=1.0, linestyles="--", gid="un_closed",
                                    **square)
        self.markers = ax.scatter(self.xy[:, 0], self.xy[:, 1], s=self.sizes, c=COLOURS["none"], edgecolors="#222222",
                                  linewidths=0.6, zorder=10, gid="towns")
        self.forces = ax.scatter([], [], marker="^", linewidths=0.6, zorder=11, gid="forces")
        self.present: set[str] = set()
        self.factions_present: set[str] = set()
        self.forces_moving = False

    @property
    def artists(self) -> list:
        """Everything ``update`` changes, plus the names that must be drawn above it (for blitting)."""
        return [self.un_open, self.un_closed, self.markers, self.forces, self.names]

    def update(self, control_row: pd.Series, un_open=None, forces: pd.DataFrame | None = None) -> list:
        """Show the controllers of `control_row` (its name is the date), the UN camps and the forces."""
        controllers = controllers_for(self.towns, control_row)
        self.present |= set(controllers)
        self.markers.set_facecolors([COLOURS[c] for c in controllers])
        squares = un_square_sizes(self.towns)
        masks = _camp_masks(self.camps, self.towns["name"], self.closure, control_row.name, un_open)
        for artist, mask in zip((self.un_open, self.un_closed), masks):
            artist.set_offsets(self.xy[mask].reshape(-1, 2))
            artist.set_sizes(squares[mask])
        if forces is not None:
            self._show_forces(forces)
        return self.artists

    def _show_forces(self, forces: pd.DataFrame) -> None:
        """Triangles in the faction's colour: units in a town stand on a ring just outside its circle (one
        marker per faction, in faction order); units on the move sit on their corridor with a white edge."""
        moving = forces["town"].fillna("").eq("").to_numpy()
        here = forces[~moving].groupby(["town", "faction"], sort=False)["strength"].sum().reset_index()
        at = self.towns.set_index("name")
        xy = at.loc[here["town"], ["lon", "lat"]].to_numpy(float).reshape(-1, 2)
        ring = np.sqrt(town_sizes(at.loc[here["town"], "population"])) / 2 + 5  # points from the town's centre
        angle = np.pi / 2 + 2 * np.pi * here["faction"].map(FACTIONS.index).to_numpy() / len(FACTIONS)
        self.ax.apply_aspect()
        (x0, x1), (y0, y1) = self.ax.get_xlim(), self.ax.get_ylim()
        box = self.ax.get_position()
        width, height = box.width * self.ax.figure.get_figwidth() * 72, box.height * self.ax.figure.get_figheight() * 72
        offset = ring[:, None] * np.column_stack([np.cos(angle) * (x1 - x0) / width, np.sin(angle) * (y1 - y0) / height])
        walking = forces[moving]
        offsets = np.vstack([xy + offset, walking[["lon", "lat"]].to_numpy(float).reshape(-1, 2)])
        factions = [*here["faction"], *walking["faction"]]
        self.forces.set_offsets(offsets)
        self.forces.set_sizes(unit_area(np.concatenate([here["strength"], walking["strength"]])))
        self.forces.set_facecolors([COLOURS[f] for f in factions])
        self.forces.set_edgecolors(["#222222"] * len(here) + ["white"] * len(walking))
        self.factions_present = set(factions)
        self.forces_moving = bool(len(walking))

    def legend_handles(self) -> tuple[list, list]:
        """(who holds the towns, the key) for what this map has shown so far."""
        return controller_handles(self.present), key_handles(self.corridor_kinds, self.factions_present,
                                                             self.forces_moving)


# ---------------------------------------------------------------- legends


def controller_handles(present: Iterable[str]) -> list[Line2D]:
    """Legend entries, in canonical order, for the controllers present."""
    present = set(present)
    return [Line2D([], [], marker="o", linestyle="none", markersize=8, markerfacecolor=COLOURS[c],
                   markeredgecolor="#222222", markeredgewidth=0.6, label=LABELS[c])
            for c in CONTROL_LABELS if c in present]


def key_handles(corridor_kinds: Iterable[str], factions: Iterable[str] = (), moving: bool = False) -> list:
    """Legend entries for zones, UN camps, forces shown, corridor kinds present and the population scale."""
    square = {"marker": "s", "linestyle": "none", "markersize": 11, "markerfacecolor": "none"}
    handles = [Patch(facecolor=ZONE_TINTS[z], edgecolor="#7a6f5a", linestyle=(0, (5, 3)),
                     label=f"{z} zone")
               for z in ZONES]
    handles += [
        Line2D([], [], markeredgecolor=COLOURS["UN"], markeredgewidth=2.0, label="UN camp open", **square),
        Line2D([], [], markeredgecolor="#555555", markeredgewidth=1.0, label="UN camp closed", **square),
    ]
    handles += [Line2D([], [], marker="^", linestyle="none", markersize=8, color=COLOURS[f], markeredgecolor="#222222",
                       label=f"{LABELS[f]} force") for f in FACTIONS if f in set(factions)]
    if moving:
        handles.append(Line2D([], [], marker="^", linestyle="none", markersize=8, color="#888888",
                              markeredgecolor="white", label="force on the move (white edge)"))
    handles += [Line2D([], [], label=CORRIDOR_LABELS[kind], **style)
                for kind, style in CORRIDOR_STYLES.items() if kind in set(corridor_kinds)]
    scale = ((10_000, "10,000 people"), (100_000, "100,000"), (1_000_000, "1 million"))
    for area, label in [*((town_sizes(pd.Series([pop]))[0], text) for pop, text in scale),
                        (SIZE_UNKNOWN, "population unknown")]:
        handles.append(Line2D([], [], marker="o", linestyle="none", markersize=np.sqrt(area), markerfacecolor="white",
                              markeredgecolor="#222222", label=label))
    return handles


def _with_closures(towns: pd.DataFrame, un_closures) -> pd.DataFrame:
    if un_closures is None:
        return towns
    towns = towns.copy()
    closures = pd.Series(un_closures, dtype=object)
    towns["un_closure"] = towns["name"].map(closures).fillna(towns.get("un_closure", ""))
    return towns


# ---------------------------------------------------------------- report figures


def control_map(towns, corridors, control_row: pd.Series, un_open=None, ax=None, title=None, metadata=None,
                forces: pd.DataFrame | None = None) -> Figure:
    """Map of who holds each town on one date (`control_row.name`), with zones, UN camps and corridors.

    Without `ax` the figure gets a side column for the legends; with `ax` the legends are anchored
    just right of it, so leave room there."""
    if ax is None:
        fig = Figure(figsize=(11.5, 7.8), layout="constrained")
        ax, host = fig.subplots(1, 2, width_ratios=[4.0, 1.2])
        host.set_axis_off()
        x_anchor = 0.0
    else:
        host, x_anchor = ax, 1.01
    themap = ControlMap(ax, towns, corridors)
    themap.update(control_row, un_open, forces)
    title = title or f"Who holds Mali's towns on {format_date(control_row.name)}"
    if host is ax:
        ax.set_title(title, fontsize=12)
    else:  # a figure title: constrained layout leaves room for it above a fixed-aspect map
        ax.figure.suptitle(title, fontsize=13)
    who, key = themap.legend_handles()
    host.add_artist(host.legend(handles=who, title="Town held by", loc="upper left", bbox_to_anchor=(x_anchor, 1),
                                **LEGEND_STYLE))
    host.legend(handles=key, title="Key", labelspacing=0.8, loc="lower left", bbox_to_anchor=(x_anchor, 0),
                **LEGEND_STYLE)
    add_footer(ax.figure, metadata)
    return ax.figure


def control_small_multiples(towns, corridors, control: pd.DataFrame, dates, un_closures=None, metadata=None) -> Figure:
    """Grid of control maps at chosen dates (each snapped to the nearest simulated day)."""
    towns = _with_closures(towns, un_closures)
    positions = control.index.get_indexer(pd.DatetimeIndex(pd.to_datetime(list(dates))), method="nearest")
    rows = [control.iloc[p] for p in positions]
    ncols = 2 if len(rows) in (2, 4) else min(len(rows), 3)
    nrows = -(-len(rows) // ncols)
    fig = Figure(figsize=(5.2 * ncols + 3.0, 4.6 * nrows + 0.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols)).ravel()
    maps = []
    for ax, row in zip(axes, rows):
        themap = ControlMap(ax, towns, corridors, fontsize=7)
        themap.update(row)
        maps.append(themap)
        ax.set_title(format_date(row.name), fontsize=11)
    for ax in axes[len(rows):]:
        ax.set_visible(False)
    fig.suptitle("Who holds Mali's towns as the UN mission withdraws", fontsize=13)
    present = set().union(*(m.present for m in maps))
    fig.legend(handles=controller_handles(present), title="Town held by", loc="outside right upper", **LEGEND_STYLE)
    fig.legend(handles=key_handles(set(corridors["kind"])), title="Key", loc="outside right lower", labelspacing=0.8,
               **LEGEND_STYLE)
    add_footer(fig, metadata)
    return fig
