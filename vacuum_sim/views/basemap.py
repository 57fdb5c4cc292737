"""The static base of every map of Mali, drawn once: neighbours, Mali, the model's zones, corridors, town names.

``draw_base(ax, towns, corridors)`` draws it all (the app calls it through ``maps.ControlMap``).  The
north/centre/south zones come from the towns' `zone` column: each zone is shaded where its towns are
the nearest, inside Mali's border, so no town is named here and a change of the data shows at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.text import Annotation

from vacuum_sim.factions import ZONES
from vacuum_sim.views.style import ZONE_TINTS

BORDERS_PATH = Path(__file__).parent.parent / "inputs" / "data" / "borders.geojson"
MAP_EXTENT = (-13.8, 4.9, 9.7, 25.4)  # lon/lat window around Mali
MAP_ASPECT = 1 / np.cos(np.radians(17.5))  # keeps shapes undistorted at Mali's mid-latitude
NEIGHBOUR_LABELS = {  # (lon, lat, rotation): inside each country and the map window
    "Algeria": (0.6, 24.4, 0), "Mauritania": (-9.6, 21.0, 0), "Niger": (3.4, 13.4, 0),
    "Burkina Faso": (-1.4, 12.4, 0), "Côte d'Ivoire": (-6.2, 10.0, 0), "Guinea": (-10.9, 10.6, 0),
    "Senegal": (-13.3, 13.9, 90),
}
CORRIDOR_STYLES = {
    "paved": {"color": "#6b6b6b", "linewidth": 1.3, "linestyle": "-"},
    "track": {"color": "#9a9a9a", "linewidth": 0.8, "linestyle": (0, (4, 2))},
    "seasonal": {"color": "#9a9a9a", "linewidth": 0.9, "linestyle": (0, (1, 1.5))},
    "river": {"color": "#7aa6c8", "linewidth": 1.8, "linestyle": "-"},
}
CORRIDOR_LABELS = {"paved": "paved road", "track": "track", "seasonal": "seasonal track", "river": "river route"}
LABEL_POPULATION = 150_000  # towns this large are named on every map, as is every UN camp
# Marker area (points²) grows with the square root of population against a fixed reference,
# so sizes are comparable across figures and a capital does not swamp the desert towns.
POP_REFERENCE = 4_000_000
SIZE_MIN, SIZE_MAX, SIZE_UNKNOWN = 12.0, 320.0, 10.0
ZONE_CELL = 0.08  # degrees: resolution of the zone shading
LABEL_ROOM = 0.45  # degrees of room a zone name needs inside its zone


def as_bool(values: pd.Series) -> np.ndarray:
    """Read yes/no, True/False and 1/0 columns alike (CSV round trips change the type)."""
    if values.dtype == bool:
        return values.to_numpy()
    return values.astype(str).str.strip().str.lower().isin(["yes", "true", "1", "y"]).to_numpy()


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
    pop = pd.to_numeric(pd.Series(population), errors="coerce").to_numpy(dtype=float)
    scaled = SIZE_MIN + (SIZE_MAX - SIZE_MIN) * np.sqrt(np.clip(pop, 0, None) / POP_REFERENCE)
    return np.where(np.isnan(pop), SIZE_UNKNOWN, np.minimum(scaled, SIZE_MAX))


def un_square_sizes(towns: pd.DataFrame) -> np.ndarray:
    """Square marker areas that frame each town's circle with a visible margin."""
    return np.maximum(150.0, town_sizes(towns["population"]) * 2.2)


# ---------------------------------------------------------------- zones


@lru_cache(maxsize=4)
def _zone_grid(points: tuple) -> tuple[np.ndarray, ...]:
    """Each grid cell's zone (that of the nearest town: a Voronoi map of the towns' zones) and its room
    for a word: the smaller of its distance to the nearest town and to the nearest other zone, with
    horizontal distances counted at a third (words are wide)."""
    lon, lat, zone = map(np.asarray, zip(*points))
    west, east, south, north = MAP_EXTENT
    xs = np.arange(west, east + ZONE_CELL, ZONE_CELL)
    ys = np.arange(south, north + ZONE_CELL, ZONE_CELL)
    gx, gy = np.meshgrid(xs, ys)
    dx, dy = (gx[..., None] - lon) / MAP_ASPECT, gy[..., None] - lat  # a degree of longitude is shorter
    d = np.hypot(dx, dy)
    nearest = zone[np.argmin(d, axis=-1)]
    own = d.min(axis=-1)
    other = np.where(zone == nearest[..., None], np.inf, d).min(axis=-1)
    room = np.minimum(np.hypot(dx / 3, dy).min(axis=-1), (other - own) / 2)
    return xs, ys, nearest, room


def _border_room(path: MplPath, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Distance (horizontal at a third, as for `room`) from each point to the nearest segment of `path`."""
    a, b = path.vertices[:-1], path.vertices[1:]
    p = np.column_stack([x, y])[:, None, :]
    t = np.clip(((p - a) * (b - a)).sum(-1) / np.maximum(((b - a) ** 2).sum(-1), 1e-12), 0, 1)
    gap = p - (a + t[..., None] * (b - a))
    return np.hypot(gap[..., 0] / MAP_ASPECT / 3, gap[..., 1]).min(axis=-1)


def zone_grid(towns: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """(lons, lats, zone index per cell, room per cell), zones numbered as in ``factions.ZONES``; from `zone`."""
    index = towns["zone"].map({z: i for i, z in enumerate(ZONES)})
    if index.isna().any():
        raise ValueError(f"unknown zone {towns['zone'][index.isna()].iloc[0]!r}; expected one of {ZONES}")
    return _zone_grid(tuple(zip(towns["lon"].round(4), towns["lat"].round(4), index.astype(int))))


def _roomiest(border: MplPath, cells: tuple[np.ndarray, np.ndarray], room: np.ndarray) -> tuple[tuple, float]:
    """The cell with most room for a word, also counting the distance to Mali's border; and that room."""
    best = np.argsort(room)[-300:]
    best = best[np.isfinite(room[best])]
    score = np.minimum(room[best], _border_room(border, cells[0][best], cells[1][best]))
    at = best[np.argmax(score)]
    return (cells[0][at], cells[1][at]), float(score.max())


def draw_zones(ax, towns: pd.DataFrame, clip: PathPatch, fontsize: float = 12) -> None:
    """The model's north/centre/south zones inside Mali: pale tints, dashed boundaries and names.

    A zone is drawn as the area nearer to its towns than to any other zone's towns, so the map
    follows the towns' `zone` column and names no town; each name goes where there is most room."""
    xs, ys, grid, room = zone_grid(towns)
    tints = np.array([[int(ZONE_TINTS[z][i:i + 2], 16) / 255 for i in (1, 3, 5)] for z in ZONES])
    half = ZONE_CELL / 2
    extent = (xs[0] - half, xs[-1] + half, ys[0] - half, ys[-1] + half)
    image = ax.imshow(tints[grid], origin="lower", extent=extent, interpolation="nearest", zorder=3.5, gid="zones")
    image.set_clip_path(clip)
    for i in range(len(ZONES)):
        lines = ax.contour(xs, ys, (grid == i).astype(float), levels=[0.5], colors="#7a6f5a", linewidths=1.1,
                           linestyles=[(0, (5, 3))], zorder=4)
        lines.set_clip_path(clip)
    gx, gy = np.meshgrid(xs, ys)
    inside = clip.get_path().contains_points(np.column_stack([gx.ravel(), gy.ravel()])).reshape(gx.shape)
    flat = (gx.ravel(), gy.ravel())
    for i, zone in enumerate(ZONES):
        here = (grid == i).ravel()
        inner = _roomiest(clip.get_path(), flat, np.where(here & inside.ravel(), room.ravel(), -np.inf))
        style = {"ha": "center", "va": "center", "fontsize": fontsize, "weight": "bold", "color": "#9c927c",
                 "zorder": 4.5, "gid": f"zone_label:{zone}"}
        if inner[1] >= LABEL_ROOM:
            ax.text(*inner[0], zone.upper(), **style)
        else:  # no room inside (a small zone full of towns): name it just outside Mali, pointing in
            far = np.hypot((flat[0] - inner[0][0]) / MAP_ASPECT, flat[1] - inner[0][1]) >= 1.5  # room for the arrow
            outer = _roomiest(clip.get_path(), flat, np.where(here & ~inside.ravel() & far, room.ravel(), -np.inf))
            ax.annotate(zone.upper(), inner[0], xytext=outer[0],
                        arrowprops={"arrowstyle": "-|>", "color": "#7a6f5a", "linewidth": 1.4},
                        **style)
    ax.set_xlim(MAP_EXTENT[:2])  # imshow would otherwise widen the view to the grid
    ax.set_ylim(MAP_EXTENT[2:])


# ---------------------------------------------------------------- the static base


class TownNames(Artist):
    """Town names placed when drawn, with the map's true scale: each name goes right of its town, else
    left, above, below or diagonally, whichever covers no earlier name and no town marker; the least
    overlap otherwise (covering a name counts ten times covering a marker).  Largest towns first."""

    def __init__(self, ax, named: pd.DataFrame, towns: pd.DataFrame, fontsize: float):
        super().__init__()
        self.set_figure(ax.figure)
        self.axes = ax
        self.set_zorder(12)
        self.set_in_layout(False)
        halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]
        self.texts = [Annotation(name, (lon, lat), xytext=(0, 0), textcoords="offset points", fontsize=fontsize,
                                 path_effects=halo, annotation_clip=True)
                      for name, lon, lat in zip(named["name"], named["lon"], named["lat"])]
        for text in self.texts:
            text.set_figure(ax.figure)
            text.axes = ax
            text.set_transform(ax.transData)
        self.anchor = named[["lon", "lat"]].to_numpy(float)
        self.gap = np.sqrt(un_square_sizes(named)) / 2 + 2  # points: clear of a UN camp square
        self.obstacles = towns[["lon", "lat"]].to_numpy(float), np.sqrt(town_sizes(towns["population"])) / 2
        self._placed_for = None

    def get_children(self):
        return list(self.texts)

    def draw(self, renderer):
        if not self.get_visible():
            return
        key = (self.axes.transData.get_matrix().tobytes(), renderer.points_to_pixels(1.0))
        if key != self._placed_for:  # the map moved or was resized: place the names again
            self._place(renderer)
            self._placed_for = key
        for text in self.texts:
            text.draw(renderer)

    def _place(self, renderer) -> None:
        scale = renderer.points_to_pixels(1.0)
        xy, radius = self.obstacles
        centres, radius = self.axes.transData.transform(xy), radius * scale
        markers = np.column_stack([centres - radius[:, None], centres + radius[:, None]])
        placed = []
        for text, (x, y), gap in zip(self.texts, self.axes.transData.transform(self.anchor), self.gap * scale):
            w, h, _ = renderer.get_text_width_height_descent(text.get_text(), text.get_fontproperties(), ismath=False)
            d = gap * 0.75
            candidates = [((gap, 0), "left", "center", (x + gap, y - h / 2, x + gap + w, y + h / 2)),
                          ((-gap, 0), "right", "center", (x - gap - w, y - h / 2, x - gap, y + h / 2)),
                          ((0, gap), "center", "bottom", (x - w / 2, y + gap, x + w / 2, y + gap + h)),
                          ((0, -gap), "center", "top", (x - w / 2, y - gap - h, x + w / 2, y - gap)),
                          ((d, d), "left", "bottom", (x + d, y + d, x + d + w, y + d + h)),
                          ((d, -d), "left", "top", (x + d, y - d - h, x + d + w, y - d)),
                          ((-d, d), "right", "bottom", (x - d - w, y + d, x - d, y + d + h)),
                          ((-d, -d), "right", "top", (x - d - w, y - d - h, x - d, y - d))]
            cost = [10 * _overlap(box, placed) + _overlap(box, markers) for *_, box in candidates]
            offset, ha, va, box = candidates[next((i for i, c in enumerate(cost) if c < 1), int(np.argmin(cost)))]
            placed.append(box)
            text.xyann = (offset[0] / scale, offset[1] / scale)
            text.set_horizontalalignment(ha)
            text.set_verticalalignment(va)


def _overlap(box, others) -> float:
    """Total area (pixels²) that `box` shares with the boxes in `others` (x0, y0, x1, y1)."""
    if not len(others):
        return 0.0
    o = np.asarray(others)
    dx = np.clip(np.minimum(box[2], o[:, 2]) - np.maximum(box[0], o[:, 0]), 0, None)
    dy = np.clip(np.minimum(box[3], o[:, 3]) - np.maximum(box[1], o[:, 1]), 0, None)
    return float((dx * dy).sum())


def named_towns(towns: pd.DataFrame, also: Iterable[str] = ()) -> pd.DataFrame:
    """The towns named on a map: every UN camp, every town of at least LABEL_POPULATION people, and `also`."""
    big = pd.to_numeric(towns["population"], errors="coerce").fillna(0) >= LABEL_POPULATION
    keep = as_bool(towns["un_base"]) | big.to_numpy() | towns["name"].isin(list(also)).to_numpy()
    return towns[keep].sort_values("population", ascending=False, na_position="last")


def draw_base(ax, towns: pd.DataFrame, corridors: pd.DataFrame, also_named: Iterable[str] = (),
              fontsize: float = 7.5) -> TownNames:
    """Static layers: countries, zones, corridors, town names, map window.  Returns the town names,
    which must stay above the town markers."""
    borders = load_borders()
    for name, rings in borders.items():
        if name == "Mali":
            continue
        for ring in rings:
            ax.fill(ring[:, 0], ring[:, 1], facecolor="#eeeeee", edgecolor="#a0a0a0", linewidth=0.6, zorder=1)
        if name in NEIGHBOUR_LABELS:
            lon, lat, rotation = NEIGHBOUR_LABELS[name]
            ax.text(lon, lat, name, rotation=rotation, ha="center", va="center", fontsize=8, style="italic",
                    color="#808080", zorder=2, clip_on=True)
    mali = borders["Mali"]
    vertices = np.concatenate(mali)
    codes = np.concatenate([[MplPath.MOVETO] + [MplPath.LINETO] * (len(r) - 2) + [MplPath.CLOSEPOLY] for r in mali])
    clip = PathPatch(MplPath(vertices, codes), facecolor="#fdfcf7", edgecolor="none", zorder=3,
                     transform=ax.transData)
    ax.add_patch(clip)
    draw_zones(ax, towns, clip, fontsize=1.6 * fontsize)
    for ring in mali:
        ax.plot(ring[:, 0], ring[:, 1], color="#111111", linewidth=1.6, zorder=5)

    xy = towns.set_index("name")[["lon", "lat"]]
    for kind, style in CORRIDOR_STYLES.items():
        legs = corridors[corridors["kind"] == kind]
        for source, target in zip(legs["source"], legs["target"]):
            if source in xy.index and target in xy.index:
                ax.plot(xy.loc[[source, target], "lon"], xy.loc[[source, target], "lat"], zorder=6,
                        solid_capstyle="round", **style)

    west, east, south, north = MAP_EXTENT
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(MAP_ASPECT)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("#f6f6f6")

    names = TownNames(ax, named_towns(towns, also_named), towns, fontsize)
    ax.add_artist(names)
    return names
