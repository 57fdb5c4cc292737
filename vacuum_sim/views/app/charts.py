"""The app's charts: the report's own figure builders (``run_figures``), drawn in a helper process.

A chart costs several times a map frame (a constrained layout, date ticks, stacked areas), so it is
drawn beside the play loop, in one process of its own: Play never waits for a chart, and while one
is drawn a newer request replaces any older one still waiting, so a busy machine skips chart frames
instead of falling behind.  The helper keeps one Figure per chart and the builders clear and reuse it.
"""

from __future__ import annotations

import concurrent.futures as cf
import threading
import traceback
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from vacuum_sim.views import run_figures
from vacuum_sim.views.app import workers
from vacuum_sim.views.app.map import encode

# The report figures' 8-point legends would be 11 pixels on screen: drawn 15 % larger (a smaller figure at a higher
# resolution), they fill the same 940 x 540 pixels as the map with text a class can read.
SCALE = 1.15
DPI = 100 * SCALE
SIZE = (9.4 / SCALE, 5.4 / SCALE)
# Tab label -> what it draws.  "compare" is the replicate bands of the several-seeds tab.
CHARTS = {
    "Who holds the towns": "control",
    "Army operations": "operations",
    "Capacity": "capacity",
    "Atrocities and recruits": "violence",
}


@dataclass(frozen=True)
class Job:
    """One chart to draw: which, from what tables, over which dates (the whole run, so lines grow rightwards)."""

    kind: str  # a value of CHARTS, or "bands"
    span: tuple[pd.Timestamp, pd.Timestamp]
    towns: pd.DataFrame
    metrics: pd.DataFrame | None = None
    control: pd.DataFrame | None = None
    previous: tuple[pd.DataFrame, pd.DataFrame] | None = None  # the previous run's (metrics, control)
    controls: tuple[pd.DataFrame, ...] = ()  # replicates, for "bands"


# ---------------------------------------------------------------- in the helper process

_figures: dict[str, Figure] = {}


def draw(job: Job) -> bytes:
    """PNG bytes of one chart (runs in the helper process)."""
    if job.kind not in _figures:
        _figures[job.kind] = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
        FigureCanvasAgg(_figures[job.kind])
    fig = _figures[job.kind]
    previous = job.previous
    if job.kind == "control":
        run_figures.control_share(job.control, job.towns, fig=fig,
                                  previous=None if previous is None else (previous[1], job.towns))
    elif job.kind == "bands":
        run_figures.control_share_bands(list(job.controls), job.towns, fig=fig)
    else:
        build = {"operations": run_figures.operations_panel, "capacity": run_figures.capacity_panel,
                 "violence": run_figures.violence_panel}[job.kind]
        build(job.metrics, fig=fig, previous=None if previous is None else previous[0])
    for ax in fig.axes:
        ax.set_xlim(*job.span)
    for text in fig.texts:  # the figure's title: the tab above already names the chart, and the legend needs the room
        if text.get_text() == fig.get_suptitle():
            text.set_visible(False)
            text.set_in_layout(False)
    fig.canvas.draw()
    return encode(np.asarray(fig.canvas.buffer_rgba()))


# ---------------------------------------------------------------- in the app's process


class Painter:
    """Hands chart jobs to the helper process, newest first; ``on_done(key, png, error)`` gets each result."""

    def __init__(self, on_done):
        self.on_done = on_done
        self._lock = threading.Lock()
        self._busy = False
        self._waiting: tuple | None = None

    def request(self, key, job: Job) -> None:
        with self._lock:
            if self._busy:
                self._waiting = key, job  # replaces an older request that has not started
                return
            self._busy = True
        self._submit(key, job)

    def _submit(self, key, job: Job) -> None:
        try:
            future = workers.pool("charts").submit(draw, job)
        except RuntimeError as e:  # the pool broke or shut down between two requests
            future = cf.Future()
            future.set_exception(e)
        # Waited for in a thread started here, not in a callback of the pool's own thread: a thread belongs
        # to the page of the thread that starts it (Solara's rule), and the result is drawn into this page.
        threading.Thread(target=self._done, args=(key, future), name="vacuum-sim chart", daemon=True).start()

    def _done(self, key, future: cf.Future) -> None:
        try:
            png, error = future.result(), None
        except Exception as e:  # noqa: BLE001 -- shown on the page in place of the chart
            traceback.print_exception(e)
            png, error = None, f"{type(e).__name__}: {e}"
        with self._lock:
            waiting, self._waiting = self._waiting, None
            self._busy = waiting is not None
        if waiting is not None:
            self._submit(*waiting)
        self.on_done(key, png, error)
