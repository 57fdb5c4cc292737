"""A run's tables and the run folder that stores them (no model import: plots and analysis read these).

A run folder is either complete or visibly incomplete: everything (tables, then
figures) is written into ``<name>.partial``, created before the simulation starts
so that a bad ``--out`` costs nothing, and renamed to ``<name>`` only when all is
written.  A failure removes the partial folder; only a killed process leaves one
behind, under that telling name.  An existing folder is never overwritten.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from vacuum_sim.model import metrics

TABLES = ("metrics", "control", "events", "towns", "corridors")


@dataclass
class RunResult:
    """The tables of one run (DataFrames) and the metadata that reproduces it."""

    metrics: pd.DataFrame  # daily, indexed by date
    control: pd.DataFrame  # controller label of every town by date
    events: pd.DataFrame  # ACLED-like event log
    towns: pd.DataFrame
    corridors: pd.DataFrame
    metadata: dict
    scenario_toml: str

    def monthly_operations(self) -> pd.DataFrame:
        return metrics.monthly_operations(self.metrics)


class RunFolderError(ValueError):
    """``--out`` cannot become a new run folder; the message names it and says why."""


def partial_path(out: Path) -> Path:
    return out.with_name(out.name + ".partial")


@contextmanager
def run_folder(out: str | Path) -> Iterator[Path]:
    """Yield the folder to write a run into (``<out>.partial``), created now; rename it to ``out`` once the body ends.

    If the body fails, the partial folder is removed and nothing is left.
    """
    out = Path(out)
    partial = partial_path(out)
    try:
        if out.exists() or out.is_symlink():
            what = "an existing folder" if out.is_dir() else "a file"
            raise RunFolderError(f"--out {out}: is {what}; runs never overwrite: give a folder that does not exist yet")
        blocker = next((p for p in out.parents if p.exists() and not p.is_dir()), None)
        if blocker is not None:
            raise RunFolderError(f"--out {out}: {blocker} is a file, so no folder can be made under it")
        partial.mkdir(parents=True)
    except FileExistsError:
        raise RunFolderError(f"--out {out}: {partial} exists (a run into it is under way or was killed); "
                             "remove it or choose another folder") from None
    except OSError as e:
        raise RunFolderError(f"--out {out}: cannot create a folder there ({e.strerror or e})") from None
    try:
        yield partial
        os.rename(partial, out)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise


def write(result: RunResult, folder: Path) -> None:
    """Write the tables, the resolved scenario and the metadata into ``folder`` (see :func:`run_folder`)."""
    for name in TABLES:
        getattr(result, name).to_csv(folder / f"{name}.csv", index=name in ("metrics", "control"))
    (folder / "scenario.toml").write_text(result.scenario_toml, encoding="utf-8")
    (folder / "metadata.json").write_text(json.dumps(result.metadata, indent=2), encoding="utf-8")


def load_run(path: str | Path) -> RunResult:
    """Read a run folder written by :func:`run`."""
    path = Path(path)
    if not (path / "metadata.json").is_file():
        raise FileNotFoundError(f"{path} is not a run folder (no metadata.json)")
    def read(name, **kw):
        return pd.read_csv(path / f"{name}.csv", **kw)

    return RunResult(
        metrics=read("metrics", index_col="date", parse_dates=["date"]),
        control=read("control", index_col="date", parse_dates=["date"]),
        events=read("events", keep_default_na=False),
        towns=read("towns"),
        corridors=read("corridors"),
        metadata=json.loads((path / "metadata.json").read_text(encoding="utf-8")),
        scenario_toml=(path / "scenario.toml").read_text(encoding="utf-8"),
    )


def write_section(path: Path, start: str, end: str, section: str) -> None:
    """Replace the block from marker ``start`` to marker ``end`` in the file at ``path`` by ``section`` (which
    carries both markers): how the studies' READMEs keep their generated numbers current.  Raises ValueError,
    writing nothing, when a marker is missing."""
    before, _, rest = path.read_text(encoding="utf-8").partition(start)
    _, found, after = rest.partition(end)
    if not found:
        raise ValueError(f"{path}: the markers {start!r} … {end!r} are missing")
    path.write_text(before + section + after, encoding="utf-8")
