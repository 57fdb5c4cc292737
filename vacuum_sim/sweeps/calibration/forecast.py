"""``vacuum-sim forecast``: a frozen ensemble forecast from a posterior, to be scored when the data arrive.

Each member runs the calibrated scenario from its start to the end of the forecast
window with one posterior draw and its own seed; the events of the forecast months
are what ``vacuum-sim compare FORECAST_DIR DATA.csv`` scores later.  The folder
records the scenario, seeds, draws, the posterior's hash, package version, git commit
and the time it was issued, and is never overwritten.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from vacuum_sim import __version__
from vacuum_sim.inputs.geography import load_map
from vacuum_sim.inputs.scenario import load_scenario
from vacuum_sim.observed.compare import FORECAST_FILE
from vacuum_sim.runs.results import run_folder
from vacuum_sim.runs.runner import git_commit
from vacuum_sim.sweeps.calibration import jobs as jb
from vacuum_sim.sweeps.calibration.calibrate import SCHEDULER_TIMEOUT
from vacuum_sim.sweeps.calibration.posterior import read_posterior
from vacuum_sim.sweeps.calibration.targets import CalibrationError
from vacuum_sim.sweeps.runners import pool, probe


def forecast(posterior_path: str | Path, start: str, months: int, out: str | Path, members: int = 20,
             seed: int = 0, workers: int = 1, scheduler: str | None = None) -> Path:
    """Write a forecast folder for ``months`` calendar months from the month of ``start`` (YYYY-MM-DD)."""
    post = read_posterior(posterior_path)
    if "scenario_source" not in post.meta:
        raise CalibrationError(post.path, "scenario_source", "missing: not written by vacuum-sim calibrate")
    try:
        first = pd.Period(date.fromisoformat(start), "M")
    except ValueError:
        raise CalibrationError("--from", start, "expected a date as YYYY-MM-DD") from None
    if months < 1 or members < 2:
        raise CalibrationError("--months", str(months), "a forecast needs months >= 1 and --members >= 2")
    out = Path(out)
    with run_folder(out) as tmp:  # whole or absent, as a run folder
        base = load_scenario(post.meta["scenario_source"], load_map())  # the calibrated scenario, then its values
        scn = replace(base, params={**base.params, **post.meta["scenario_params"]})
        (tmp / "scenario.toml").write_text(post.meta["scenario_toml"], encoding="utf-8")  # as fitted, for the record
        first_day = pd.Timestamp(scn.start_date)
        if first.start_time < first_day:
            raise CalibrationError("--from", start, f"the scenario starts on {scn.start_date}; forecast after it")
        days = ((first + months).start_time - first_day).days
        draws = post.draws(members, seed)
        seeds = [seed + k for k in range(members)]
        jobs = [jb.Job(replace(scn, days=days, params={**scn.params, **row}), s, None)
                for row, s in zip(draws.to_dict("records"), seeds)]
        if scheduler:
            probe(scheduler, SCHEDULER_TIMEOUT)
        with pool(workers, scheduler, SCHEDULER_TIMEOUT) as runners:
            events = jb.event_frames(runners.map(jb.run_job, jobs))
        events.to_csv(tmp / "events.csv", index=False)
        draws.assign(member=range(members), seed=seeds).to_csv(tmp / "draws.csv", index=False)
        shutil.copyfile(post.path, tmp / "posterior.json")
        meta = {"scenario": scn.name, "start_date": scn.start_date.isoformat(), "days": days,
                "from": str(first), "months": months, "members": members, "seed": seeds,
                "posterior": post.path, "posterior_sha256": post.sha256, "version": __version__,
                "git_commit": git_commit(), "issued": datetime.now(UTC).isoformat(timespec="seconds")}
        (tmp / FORECAST_FILE).write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return out
