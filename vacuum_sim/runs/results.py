"""A run's tables and the run folder that stores them (no model import: plots and analysis read these).

A run folder is written under a temporary name and renamed when complete, so an
interrupted or failed run never leaves partial output, and an existing folder is
never overwritten.
"""

from __future__ import annotations

import json
import os
import shutil
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


def write(result: RunResult, out: Path) -> None:
    """Write a run folder atomically: into ``.<name>.partial`` first, then rename."""
    tmp = out.parent / f".{out.name}.partial"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    try:
        for name in TABLES:
            frame = getattr(result, name)
            frame.to_csv(tmp / f"{name}.csv", index=name in ("metrics", "control"))
        (tmp / "scenario.toml").write_text(result.scenario_toml, encoding="utf-8")
        (tmp / "metadata.json").write_text(json.dumps(result.metadata, indent=2), encoding="utf-8")
        os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


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
