"""One run: scenario + seed → tables (a :class:`~vacuum_sim.results.RunResult`), optionally written to a run folder."""

from __future__ import annotations

import platform
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd

from vacuum_sim import __version__

from vacuum_sim.model import metrics
from vacuum_sim.inputs.geography import MaliMap, load_map
from vacuum_sim.model.model import VacuumModel
from vacuum_sim.runs.results import RunResult, write
from vacuum_sim.inputs.scenario import DEFAULT_SCENARIO, Scenario, load_scenario, with_overrides


def git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent, capture_output=True, check=False,
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
                  "created": datetime.now(UTC).isoformat(timespec="seconds"),
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
