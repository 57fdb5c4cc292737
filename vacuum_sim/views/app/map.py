"""The app's map: the report's ``maps.ControlMap``, drawn once per run and then blitted a frame at a time.

The borders, zones, corridors and legends are rendered once into a background; each frame restores
that background and draws only what changes (town colours, UN camp squares, force triangles and the
town names above them), then encodes the pixels as a PNG.  That is what keeps a weekly frame cheap.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from PIL import Image

from vacuum_sim.factions import CONTROL_LABELS
from vacuum_sim.views import maps
from vacuum_sim.views.app.session import Frame
from vacuum_sim.views.style import LEGEND_STYLE

# Shown 1:1 in the page: 940 x 540 pixels fit beside the controls on a 1280 x 720 projector.
SIZE, DPI = (9.4, 5.4), 100
FONT = 9.5  # points; 13 pixels at this resolution, readable from the back of a classroom
# Towns the lessons name that are neither UN camps nor large enough to be named anyway (a test reads the lessons).
LESSON_TOWNS = ("Boni", "Léré", "Anéfis", "Tinzaouaten", "Bourem", "Ansongo")


class MapPicture:
    """The map of one run as PNG bytes, one frame at a time."""

    def __init__(self, towns, corridors, factions: set[str]):
        self.fig = Figure(figsize=SIZE, dpi=DPI)
        self.canvas = FigureCanvasAgg(self.fig)
        ax = self.fig.add_axes((0.0, 0.0, 0.645, 1.0))
        self.map = maps.ControlMap(ax, towns, corridors, also_named=LESSON_TOWNS, fontsize=FONT - 1)
        style = {**LEGEND_STYLE, "fontsize": FONT, "title_fontsize": FONT + 1}
        possible = [c for c in CONTROL_LABELS if c in factions or c in ("contested", "none")]
        held = self.fig.legend(handles=maps.controller_handles(possible), title="Town held by",
                               loc="upper left", bbox_to_anchor=(0.66, 0.995), **style)
        self.fig.legend(handles=key_handles(corridors), title="Key", loc="upper left",
                        bbox_to_anchor=(0.66, 0.995 - _height(held, self)), **style)
        for artist in self.map.artists:
            artist.set_animated(True)
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(self.fig.bbox)

    def png(self, frame: Frame) -> bytes:
        """The map on the frame's day."""
        open_camps, _ = maps.un_site_status(frame.towns, frame.date)  # this run's closure dates, not the first run's
        artists = self.map.update(frame.control.iloc[-1], un_open=frame.towns["name"][open_camps], forces=frame.forces)
        self.canvas.restore_region(self.background)
        for artist in artists:
            self.fig.draw_artist(artist)
        return encode(np.asarray(self.canvas.buffer_rgba()))

    @property
    def names(self) -> list[str]:
        """The town names written on the map."""
        return [text.get_text() for text in self.map.names.texts]


def key_handles(corridors) -> list:
    """The report map's key, with one entry for the force triangles instead of one per side (their colours
    are the sides' colours in "Town held by")."""
    key = [h for h in maps.key_handles(set(corridors["kind"])) if not h.get_label().endswith(" force")]
    forces = Line2D([], [], marker="^", linestyle="none", markersize=9, color="#9a9a9a", markeredgecolor="#222222",
                    label="armed forces in a town (colour: side,\nsize: personnel)")
    return [*key[:5], forces, *key[5:]]


def _height(legend, picture: MapPicture) -> float:
    """A legend's height as a fraction of the figure (drawn once to measure it)."""
    box = legend.get_window_extent(picture.canvas.get_renderer())
    return box.height / picture.fig.bbox.height + 0.01


def encode(rgba: np.ndarray) -> bytes:
    """PNG bytes of an RGBA buffer, compressed lightly: a frame is sent once, to this machine."""
    out = io.BytesIO()
    Image.fromarray(rgba[..., :3]).save(out, format="png", compress_level=1)
    return out.getvalue()
