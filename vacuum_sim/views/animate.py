"""Animated control map: the map every few days, with a date stamp and a running share strip.

Static layers (borders, zones, corridors, legends, the full share strip) are rendered once to an
Agg canvas; each frame restores that background and redraws only what changes (town colours, UN
camp markers, the date, a cover hiding the strip's future) through ``maps.ControlMap.update``, so a
two-year run renders in seconds.  The app can reuse the same pattern: one ``ControlMap``, then
``update`` per frame.
"""

from __future__ import annotations

import time
from pathlib import Path

import imageio.v2 as imageio_v2
import imageio.v3 as imageio
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import PercentFormatter
from matplotlib.transforms import blended_transform_factory
from PIL import Image

from vacuum_sim.views.maps import ControlMap, controller_handles, key_handles
from vacuum_sim.views.run_figures import holders
from vacuum_sim.views.style import COLOURS, LABELS, LEGEND_STYLE, SHARE_ORDER, add_footer, date_axis, format_date

# 960 x 800 pixels: both multiples of 16, so the MP4 encoder needs no resizing.
FIGSIZE, DPI = (9.6, 8.0), 100
LAST_FRAME_HOLD_MS = 2000


def frame_dates(index: pd.DatetimeIndex, every: int) -> pd.DatetimeIndex:
    """Dates every `every` days from the start (snapped back to simulated dates), plus the end."""
    targets = pd.date_range(index[0], index[-1], freq=f"{every}D")
    picked = index[np.unique(index.get_indexer(targets, method="pad"))]
    return picked if picked[-1] == index[-1] else picked.append(index[-1:])


def ffmpeg_available() -> bool:
    """True when imageio-ffmpeg's bundled (or a system) ffmpeg binary can be found."""
    try:
        import imageio_ffmpeg

        imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        return False
    return True


class _ControlFrames:
    """The figure with its static background cached and the map that changes."""

    def __init__(self, towns, corridors, control, metrics, metadata):
        self.fig = Figure(figsize=FIGSIZE, dpi=DPI)
        self.canvas = FigureCanvasAgg(self.fig)
        self.map_ax = self.fig.add_axes((0.01, 0.24, 0.70, 0.70))
        self.map = ControlMap(self.map_ax, towns, corridors)
        self.stamp = self.map_ax.text(0.02, 0.975, "", transform=self.map_ax.transAxes, ha="left", va="top",
                                      fontsize=16, weight="bold", bbox={"facecolor": "white", "edgecolor": "#888888"})
        self.fig.text(0.02, 0.965, "Who holds Mali's towns as the UN mission withdraws", fontsize=14, va="bottom")
        self.fig.legend(handles=controller_handles(set(np.unique(control.to_numpy()))), title="Town held by",
                        loc="upper left", bbox_to_anchor=(0.72, 0.93), **LEGEND_STYLE)
        self.fig.legend(handles=key_handles(set(corridors["kind"])), title="Key", loc="upper left",
                        bbox_to_anchor=(0.72, 0.67), labelspacing=0.6, **LEGEND_STYLE)
        add_footer(self.fig, metadata)

        strip = self.fig.add_axes((0.07, 0.07, 0.62, 0.13))
        held = holders(control, towns)
        shares = pd.DataFrame({c: held.eq(c).mean(axis=1) for c in SHARE_ORDER})
        shares = shares.loc[:, shares.gt(0).any()]
        layers = strip.stackplot(shares.index, *(shares[c] for c in shares.columns),
                                 colors=[COLOURS[c] for c in shares.columns], linewidth=0)
        for layer, c in zip(layers, shares.columns):
            if c == "after_UN":
                layer.set_hatch("////")
                layer.set_edgecolor(COLOURS["FAMa"])
        strip.legend(handles=[Patch(facecolor=COLOURS["after_UN"], edgecolor=COLOURS["FAMa"], hatch="////",
                                    label=LABELS["after_UN"].replace(", in", ",\nin"))],
                     loc="center left", bbox_to_anchor=(1.01, 0.5), **LEGEND_STYLE)
        strip.set_xlim(shares.index[0], shares.index[-1])
        strip.set_ylim(0, 1)
        strip.yaxis.set_major_formatter(PercentFormatter(1.0))
        strip.set_title("Share of all towns held, to date (colours as on the map)", loc="left", fontsize=9)
        for side in ("top", "right", "bottom"):
            strip.spines[side].set_visible(False)
        date_axis(strip)
        self.strip_end = mdates.date2num(shares.index[-1])
        self.cover = strip.add_patch(Rectangle((0, 0), 0, 1, facecolor="white", edgecolor="none",
                                               transform=blended_transform_factory(strip.transData, strip.transAxes)))
        self.now = strip.axvline(shares.index[0], color="black", linewidth=1.2)

        self.dynamic = (*self.map.artists, self.stamp, self.cover, self.now)
        for artist in self.dynamic:
            artist.set_animated(True)
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(self.fig.bbox)
        self.palette = self._palette(np.asarray(self.canvas.buffer_rgba())[..., :3])

    @staticmethod
    def _palette(background: np.ndarray) -> Image.Image:
        """One 256-colour GIF palette for all frames, from the static background plus solid
        blocks of every controller colour, so a colour rare in one frame is not lost."""
        colours = [*COLOURS.values(), "white", "black", "#222222", "#555555"]
        block = background.shape[1] // len(colours) + 1
        swatches = np.repeat(np.array([to_rgb(c) for c in colours]) * 255, block, axis=0)
        swatches = np.broadcast_to(swatches[: background.shape[1]], (80, *background.shape[1:]))
        source = np.vstack([background, swatches.astype(np.uint8)])
        return Image.fromarray(source).quantize(256)

    def render(self, row: pd.Series) -> np.ndarray:
        """RGB frame for one control row (its name is the date)."""
        date = row.name
        self.map.update(row)
        self.stamp.set_text(format_date(date))
        now = mdates.date2num(date)
        self.cover.set_x(now)
        self.cover.set_width(max(self.strip_end - now, 0))
        self.now.set_xdata([date, date])

        self.canvas.restore_region(self.background)
        for artist in self.dynamic:
            self.fig.draw_artist(artist)
        return np.asarray(self.canvas.buffer_rgba())[..., :3].copy()

    def to_gif_colours(self, image: np.ndarray) -> np.ndarray:
        """The frame mapped onto the shared palette (an RGB array with at most 256 colours)."""
        indexed = Image.fromarray(image).quantize(palette=self.palette, dither=Image.Dither.NONE)
        return np.asarray(indexed.convert("RGB"))


def animate_control(
    towns: pd.DataFrame,
    corridors: pd.DataFrame,
    control: pd.DataFrame,
    metrics: pd.DataFrame,
    out_path,
    fps: int = 8,
    every: int = 7,
    metadata=None,
    mp4: bool = True,
) -> dict:
    """Write a GIF of the control map (and an MP4 beside it when ffmpeg is available).

    One frame every `every` days plus the last day, which is held for two seconds.
    Returns the paths written, the frame count and the seconds taken.
    """
    started = time.perf_counter()
    gif_path = Path(out_path).with_suffix(".gif")
    gif_path.parent.mkdir(parents=True, exist_ok=True)
    mp4_path = gif_path.with_suffix(".mp4") if mp4 and ffmpeg_available() else None

    frames = _ControlFrames(towns, corridors, control, metrics, metadata)
    dates = frame_dates(control.index, every)
    durations = [round(1000 / fps)] * (len(dates) - 1) + [LAST_FRAME_HOLD_MS]
    video = (
        imageio_v2.get_writer(
            mp4_path, format="FFMPEG", fps=fps, codec="libx264", pixelformat="yuv420p", ffmpeg_log_level="error"
        )
        if mp4_path
        else None
    )
    # Frames arrive with at most 256 colours, so the writer's own per-frame quantisation
    # (bits=8, which also keeps memory low until the GIF is saved on close) is exact.
    with imageio.imopen(gif_path, "w", plugin="pillow") as gif:
        for date in dates:
            image = frames.render(control.loc[date])
            gif.write(frames.to_gif_colours(image), duration=durations, loop=0, bits=8)
            if video:
                video.append_data(image)
    if video:
        for _ in range(fps * LAST_FRAME_HOLD_MS // 1000):
            video.append_data(image)
        video.close()

    seconds = time.perf_counter() - started
    print(f"animation: {len(dates)} frames in {seconds:.1f} s -> {gif_path}" + (f", {mp4_path}" if mp4_path else ""))
    return {"gif": gif_path, "mp4": mp4_path, "frames": len(dates), "seconds": seconds}
