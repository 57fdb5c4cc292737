"""Save the run on screen: the run folder ``vacuum-sim run`` writes, with the report figures and the animation.

The run is not copied out of the app but made again from its settings and seed, up to the day on
screen: same scenario + same seed gives the same run, and the folder records both, so anyone can
make it again with the command line.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

from vacuum_sim.runs.results import load_run
from vacuum_sim.runs.runner import run
from vacuum_sim.views.animate import animate_control
from vacuum_sim.views.app.session import Settings
from vacuum_sim.views.run_figures import save_run_figures

RUNS = Path("runs")  # under the folder the app was started from, like `vacuum-sim run`


def save(settings: Settings, day: int, root: Path = RUNS) -> Path:
    """Write days 0 … ``day`` of the settings' run, its figures and its animation to a new folder under ``root``."""
    out = Path(root) / f"app_{settings.preset}_seed{settings.seed}_day{day}_{datetime.now():%Y%m%d-%H%M%S}"
    run(settings.preset, seed=settings.seed, days=day, overrides=dict(settings.levers), out=out, finish=_draw)
    return out


def _draw(folder: Path) -> None:
    result = load_run(folder)
    save_run_figures(result, folder / "figures")
    animate_control(result.towns, result.corridors, result.control, result.metrics, folder / "figures" / "control.gif",
                    metadata=result.metadata)


def zipped(folder: Path) -> bytes:
    """The folder as a zip archive (for the browser's download button)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                archive.write(path, Path(folder.name) / path.relative_to(folder))
    return buffer.getvalue()
