"""One run of a sweep, as a worker process (or a Dask worker) executes it: a task in, a tidy Parquet table out.

A worker of the local pool (:func:`serve`) takes one task at a time over its own
pipe, ignores Ctrl-C (the parent decides what stops) and exits as soon as the parent
is gone, even in the middle of a run, so that killing a sweep leaves nothing behind.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import traceback
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from vacuum_sim.inputs.geography import MaliMap, load_map
from vacuum_sim.inputs.scenario import Scenario
from vacuum_sim.model.metrics import METRICS
from vacuum_sim.runs.runner import simulate

# Test hook: "run=fault,…" makes those runs misbehave, to test that a sweep survives them.  Faults: "raise" (the run
# raises), "kill-once" (the run kills its own worker on its first attempt), "kill" (on every attempt).
FAULTS_ENV = "VACUUM_SIM_FAULTS"
FAULTS = ("raise", "kill-once", "kill")


@dataclass(frozen=True)
class Task:
    run: int
    point: int
    seed: int
    scenario: Scenario
    values: dict  # factor -> value at this design point
    metrics: tuple[str, ...]
    days: tuple[int, ...]
    attempt: int = 0  # 1 when the run is retried because its worker died
    fault: str | None = None  # one of FAULTS, set through FAULTS_ENV


@dataclass(frozen=True)
class Outcome:
    run: int
    parquet: bytes | None  # the run's tidy table, or None if it raised
    error: str | None
    seconds: float  # time inside the model


def faults() -> dict[int, str]:
    """The faults asked for through :data:`FAULTS_ENV` (read by the parent, which hands them to the tasks)."""
    out = {}
    for item in filter(None, os.environ.get(FAULTS_ENV, "").split(",")):
        run, _, fault = item.partition("=")
        if fault not in FAULTS or not run.isdigit():
            raise ValueError(f"{FAULTS_ENV}: {item!r}: expected run=fault with fault one of {', '.join(FAULTS)}")
        out[int(run)] = fault
    return out


_local = threading.local()


def shared_map() -> MaliMap:
    """The map, loaded once per worker thread (a model writes its travel speeds onto the graph's edges)."""
    if not hasattr(_local, "mali"):
        _local.mali = load_map()
    return _local.mali


def execute(task: Task) -> Outcome:
    """Run one task; a model error comes back as data so the sweep goes on."""
    if task.fault == "kill" or (task.fault == "kill-once" and task.attempt == 0):
        os.kill(os.getpid(), signal.SIGKILL)
    start = time.perf_counter()
    try:
        if task.fault == "raise":
            raise RuntimeError(f"failure injected through {FAULTS_ENV} (test hook)")
        model = simulate(task.scenario, task.seed, shared_map())
        seconds = time.perf_counter() - start
        values = model.history.values[: model.history.rows]
    except Exception:  # noqa: BLE001 -- whatever a run raises is recorded, and the sweep goes on
        return Outcome(task.run, None, traceback.format_exc(), time.perf_counter() - start)
    sink = pa.BufferOutputStream()
    pq.write_table(tidy(values, task), sink)
    return Outcome(task.run, sink.getvalue().to_pybytes(), None, seconds)


def tidy(values: np.ndarray, task: Task) -> pa.Table:
    """Kept metrics on kept days, one row each: stocks as they stand, flows (``new_``) summed since the last kept day."""
    days = np.asarray(task.days)
    cols = [METRICS.index(m) for m in task.metrics]
    daily = values[:, cols]
    cum = np.vstack([np.zeros(len(cols)), np.cumsum(daily, axis=0)])
    flows = cum[days + 1] - cum[np.r_[-1, days[:-1]] + 1]
    is_flow = np.array([m.startswith("new_") for m in task.metrics])
    kept = np.where(is_flow, flows, daily[days])  # days × metrics
    n = kept.size
    start = np.datetime64(task.scenario.start_date, "D")
    table = {"run": np.full(n, task.run, np.int32), "point": np.full(n, task.point, np.int32)}
    table |= {k: np.full(n, v) for k, v in task.values.items()}
    table |= {"seed": np.full(n, task.seed, np.uint64), "day": np.tile(days.astype(np.int16), len(cols)),
              "date": np.tile(start + days, len(cols)), "metric": np.repeat(task.metrics, len(days)),
              "value": kept.T.ravel()}
    return pa.table(table)


def serve(tasks, parent_alive) -> None:
    """A local-pool worker: run the (function, task) pairs that arrive on ``tasks`` until the parent closes it or is
    gone (a sweep sends :func:`execute`; a calibration its own function).

    ``parent_alive`` is the read end of a pipe that only the parent can write to and
    never does: it reads as closed the moment the parent exits, however it exits.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # also when another caller started the forkserver without ignoring it
    threading.Thread(target=_exit_when_closed, args=(parent_alive,), daemon=True).start()
    while True:
        try:
            fn, task = tasks.recv()
        except EOFError:
            return
        tasks.send(fn(task))


def _exit_when_closed(parent_alive) -> None:
    parent_alive.poll(None)  # returns at end of file: the parent is gone
    os._exit(1)
