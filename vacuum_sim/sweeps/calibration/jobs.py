"""The simulations of a calibration, a forecast or the pattern validation, as tasks for the sweeps' runners.

They run on the same pool as a sweep (``vacuum_sim.sweeps.runners``) through its
``map``, which returns results in submission order: with each task's seed fixed
before it is sent, results never depend on which worker finished first or on how many
workers there are.  A task returns a few numbers (its pattern values and event counts)
or, for a forecast, its event log, instead of a sweep's tidy table.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vacuum_sim.inputs.scenario import Scenario
from vacuum_sim.model import metrics
from vacuum_sim.runs.runner import simulate
from vacuum_sim.sweeps import worker


@dataclass(frozen=True)
class Job:
    scenario: Scenario  # with the particle's parameters applied
    seed: int
    targets: object | None  # a targets.Targets: return its statistics; None: return the event log
    attempt: int = 0  # raised by the pool when the job's worker died and it is run again


def run_job(job: Job):
    """One simulation: (pattern values, cell counts, seconds in the model), or its event log for a forecast."""
    start = time.perf_counter()
    model = simulate(job.scenario, job.seed, worker.shared_map())
    events = metrics.events_frame(model)
    if job.targets is None:
        return events
    values, cells = job.targets.statistics(model.history.metrics_frame(model), events,
                                           model.history.control_frame(model))
    return values, cells, time.perf_counter() - start


def seeds(rng: np.random.Generator, k: int) -> list[int]:
    """Seeds for ``k`` simulations, drawn from the calibration's own stream."""
    return [int(s) for s in rng.integers(0, 2**31 - 1, size=k)]


def event_frames(results: list[pd.DataFrame]) -> pd.DataFrame:
    """Forecast members' event logs in one table with a ``member`` column."""
    return pd.concat([e.assign(member=k) for k, e in enumerate(results)], ignore_index=True)
