"""Where a calibration's or a forecast's simulations run: a local process pool or a Dask cluster, in order.

A batch is mapped in submission order, so results depend on the seeds alone, never
on which worker finished first.  The sweep's own runners are built around the
sweep's task and store; these jobs return a few numbers or an event log instead.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vacuum_sim.inputs.geography import MaliMap, load_map
from vacuum_sim.inputs.scenario import Scenario, ScenarioError
from vacuum_sim.model import metrics
from vacuum_sim.runs.runner import simulate


@dataclass(frozen=True)
class Job:
    scenario: Scenario  # with the particle's parameters applied
    seed: int
    targets: object | None  # a targets.Targets: return its statistics; None: return the event log


_local = threading.local()


def _map() -> MaliMap:
    if not hasattr(_local, "mali"):
        _local.mali = load_map()
    return _local.mali


def run_job(job: Job):
    """One simulation: (pattern values, cell counts, seconds in the model), or its event log for a forecast."""
    start = time.perf_counter()
    model = simulate(job.scenario, job.seed, _map())
    events = metrics.events_frame(model)
    if job.targets is None:
        return events
    values, cells = job.targets.statistics(model.history.metrics_frame(model), events,
                                           model.history.control_frame(model))
    return values, cells, time.perf_counter() - start


@contextmanager
def executor(workers: int, scheduler: str | None = None):
    """A local pool of ``workers`` processes, or a Dask cluster's executor; yields (executor, slots)."""
    if scheduler:
        from distributed import Client

        try:
            client = Client(scheduler, set_as_default=False, timeout="10s")
        except OSError as e:
            raise ScenarioError("--scheduler", scheduler, f"cannot reach a Dask scheduler there: {e}") from None
        with client:
            yield client.get_executor(pure=False), sum(client.nthreads().values())
        return
    if workers == 1:
        yield _Serial(), 1
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    with cf.ProcessPoolExecutor(workers, mp_context=context) as pool:
        yield pool, workers


class _Serial:
    """In this process, for one worker (no start-up cost, and tracebacks stay readable)."""

    def map(self, fn, jobs):
        return map(fn, jobs)


def run_batch(pool, jobs: list[Job]) -> list:
    return list(pool.map(run_job, jobs))


def seeds(rng: np.random.Generator, k: int) -> list[int]:
    """Seeds for ``k`` simulations, drawn from the calibration's own stream."""
    return [int(s) for s in rng.integers(0, 2**31 - 1, size=k)]


def event_frames(results: list[pd.DataFrame]) -> pd.DataFrame:
    """Forecast members' event logs in one table with a ``member`` column."""
    return pd.concat([e.assign(member=k) for k, e in enumerate(results)], ignore_index=True)
