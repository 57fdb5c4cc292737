"""One run: scenario + seed → tables (a :class:`~vacuum_sim.results.RunResult`), optionally written to a run folder."""

from __future__ import annotations

import platform
import subprocess
from collections.abc import Callable
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd

from vacuum_sim import __version__
from vacuum_sim.inputs.geography import MaliMap, load_map
from vacuum_sim.inputs.scenario import (
    DEFAULT_SCENARIO,
    Scenario,
    apply_changes,
    check_seed,
    load_scenario,
    toml_value,
    with_overrides,
)
from vacuum_sim.model import metrics
from vacuum_sim.model.model import VacuumModel
from vacuum_sim.runs.results import RunResult, run_folder, write


def git_commit(path: Path = Path(__file__)) -> str | None:
    """The commit of the checkout this package runs from, or None when it is not running from one.

    Installed from a wheel into a folder that happens to lie inside some other git checkout, the package is not
    tracked there: that repository's HEAD says nothing about this code, so it is not reported.
    """
    def git(*args):
        return subprocess.run(["git", *args], cwd=path.parent, capture_output=True, check=False, text=True, timeout=5)

    try:
        if git("ls-files", "--error-unmatch", path.name).returncode != 0:
            return None
        out = git("rev-parse", "HEAD")
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def assignments(overrides: dict | list[str] | None) -> list[str]:
    """Overrides as ``--set`` assignments (``key=value``), the form they are recorded in."""
    if isinstance(overrides, list):
        return list(overrides)
    return [f"{k}={toml_value(v)}" for k, v in (overrides or {}).items()]


def resolve(scenario: str | Path | Scenario = DEFAULT_SCENARIO, days: int | None = None,
            overrides: dict | list[str] | None = None, mali: MaliMap | None = None) -> Scenario:
    """The scenario with ``days`` and ``overrides`` (``{"param": value}`` or ``["param=value"]``) applied."""
    mali = mali or load_map()
    scn = scenario if isinstance(scenario, Scenario) else load_scenario(scenario, mali)
    sets = assignments(overrides)
    if sets:
        scn = with_overrides(scn, sets, mali)
    return scn if days is None else apply_changes(scn, {"days": days}, "--days", mali)


def simulate(scn: Scenario, seed: int, mali: MaliMap | None = None) -> VacuumModel:
    model = VacuumModel(scn, rng=seed, mali=mali)
    while model.running:
        model.step()
    return model


def run(scenario: str | Path | Scenario = DEFAULT_SCENARIO, seed: int = 0, days: int | None = None,
        overrides: dict | list[str] | None = None, out: str | Path | None = None,
        finish: Callable[[Path], object] | None = None) -> RunResult:
    """Run one scenario with one seed; return its tables, and write them to the new folder ``out`` if given.

    ``finish`` is called with the still-unfinished folder after the tables are written (the CLI draws the
    figures there), so that the folder appears under its name only when everything in it is written.
    """
    mali = load_map()
    scn = resolve(scenario, days, overrides, mali)
    seed = check_seed(seed)
    with run_folder(out) if out is not None else nullcontext() as folder:
        model = simulate(scn, seed, mali)
        result = RunResult(
            metrics=model.history.metrics_frame(model),
            control=model.history.control_frame(model),
            events=metrics.events_frame(model),
            towns=towns_table(model),
            corridors=mali.corridors,
            metadata={"scenario": scn.name, "description": scn.description, "seed": seed, "version": __version__,
                      "git_commit": git_commit(), "start_date": scn.start_date.isoformat(), "days": scn.days,
                      "overrides": assignments(overrides), "created": datetime.now(UTC).isoformat(timespec="seconds"),
                      "python": platform.python_version()},
            scenario_toml=scn.to_toml(),
        )
        if folder is not None:
            write(result, folder)
            if finish is not None:
                finish(folder)
    return result


def towns_table(model: VacuumModel) -> pd.DataFrame:
    """The map's towns plus the date each UN site closes in this scenario (empty if it never does)."""
    towns = model.mali.towns.reset_index(drop=True)
    closing = {v: (model.start_date + timedelta(days=d)).isoformat() for d, vs in model.closures.items() for v in vs}
    towns["un_closure"] = [closing.get(v, "") for v in towns["node"]]
    return towns
