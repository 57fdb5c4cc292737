"""One run: scenario + seed → tables, written to a run folder that records how it was made.

A run folder is written under a temporary name and renamed when complete, so an
interrupted or failed run never leaves partial output, and an existing folder is
never overwritten.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd

from . import __version__, metrics
from .geography import MaliMap, load_map
from .model import VacuumModel
from .scenario import DEFAULT_SCENARIO, Scenario, ScenarioError, load_scenario, with_overrides

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


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent, capture_output=True,
                             text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def resolve(scenario: str | Path | Scenario = DEFAULT_SCENARIO, days: int | None = None,
            overrides: dict | list[str] | None = None, mali: MaliMap | None = None) -> Scenario:
    """The scenario with ``days`` and ``overrides`` (``{"param": value}`` or ``["param=value"]``) applied."""
    mali = mali or load_map()
    scn = scenario if isinstance(scenario, Scenario) else load_scenario(scenario, mali)
    sets = list(overrides) if isinstance(overrides, list) else [f"{k}={_literal(v)}" for k, v in (overrides or {}).items()]
    if days is not None:
        sets.append(f"days={days}")
    return with_overrides(scn, sets, mali) if sets else scn


def _literal(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str) and v != "never":
        return f'"{v}"'
    return str(v)


def simulate(scn: Scenario, seed: int, mali: MaliMap | None = None) -> VacuumModel:
    model = VacuumModel(scn, rng=seed, mali=mali)
    while model.running:
        model.step()
    return model


def run(scenario: str | Path | Scenario = DEFAULT_SCENARIO, seed: int = 0, days: int | None = None,
        overrides: dict | list[str] | None = None, out: str | Path | None = None) -> RunResult:
    """Run one scenario with one seed; return its tables, and write them to ``out`` if given."""
    mali = load_map()
    scn = resolve(scenario, days, overrides, mali)
    if out is not None:
        out = Path(out)
        if out.exists():
            raise FileExistsError(f"{out} exists; choose another --out (runs never overwrite each other)")
    model = simulate(scn, seed, mali)
    result = RunResult(
        metrics=model.history.metrics_frame(model),
        control=model.history.control_frame(model),
        events=metrics.events_frame(model),
        towns=towns_table(model),
        corridors=mali.corridors,
        metadata={"scenario": scn.name, "description": scn.description, "seed": int(seed), "version": __version__,
                  "git_commit": git_commit(), "start_date": scn.start_date.isoformat(), "days": scn.days,
                  "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                  "python": platform.python_version()},
        scenario_toml=scn.to_toml(),
    )
    if out is not None:
        write(result, out)
    return result


def towns_table(model: VacuumModel) -> pd.DataFrame:
    """The map's towns plus the date each UN site closes in this scenario (empty if it never does)."""
    towns = model.mali.towns.reset_index(drop=True)
    closing = {v: (model.start_date + timedelta(days=d)).isoformat() for d, vs in model.closures.items() for v in vs}
    towns["un_closure"] = [closing.get(v, "") for v in towns["node"]]
    return towns


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


__all__ = ["RunResult", "ScenarioError", "load_run", "resolve", "run", "simulate"]
