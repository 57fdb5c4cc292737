"""A sweep: an experiment's runs on a pool of workers, each result streamed into the store as it finishes.

What is finished is read from the store, never kept only in memory: after ``kill -9``,
``resume=True`` runs exactly the runs the manifest does not vouch for.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from vacuum_sim.sweeps.experiment import (
    MAX_RUNS,
    MAX_VALUES,
    Experiment,
    ExperimentError,
    check_size,
    load_experiment,
)
from vacuum_sim.sweeps.runners import pool, probe
from vacuum_sim.sweeps.store import Store
from vacuum_sim.sweeps.worker import Task, faults

SCHEDULER_TIMEOUT = 5.0  # seconds to wait for a Dask scheduler to answer
PROGRESS_SECONDS = 10.0  # without a terminal, a progress line at least this often (and every tenth of the runs)


@dataclass
class SweepReport:
    out: Path
    total: int
    done: int
    failed: int
    ran: int  # runs executed by this call (the rest were on disk already)
    workers: int
    wall_seconds: float
    model_seconds: float  # time inside the model, summed over this call's runs
    failures: list[tuple[int, str]] = field(default_factory=list)  # (run, last line of its error)
    retried: int = 0  # runs tried again because the worker process running them died
    corrupt: list[int] = field(default_factory=list)  # runs whose file failed its checksum on resume, run again
    unrecorded: int = 0  # runs finished after the manifest's last update before a kill, run again

    @property
    def pending(self) -> int:
        return self.total - self.done - self.failed

    @property
    def all_failed(self) -> bool:
        return self.failed > 0 and self.done == 0

    def __str__(self) -> str:
        lines = [f"sweep {self.out}: {self.done}/{self.total} runs done, {self.failed} failed, {self.pending} pending"]
        if self.corrupt:
            lines.append(f"  run {', '.join(map(str, self.corrupt))}: file missing, corrupted or truncated (checksum "
                         "mismatch); run again")
        if self.unrecorded:
            lines.append(f"  {self.unrecorded} runs finished after the last manifest update before the sweep stopped; "
                         "run again")
        if self.ran:
            lines.append(f"  this call ran {self.ran} runs on {self.workers} workers in {self.wall_seconds:.1f} s "
                         f"({self.ran / self.wall_seconds:.2f} runs/s, mean {self.model_seconds / self.ran:.2f} s "
                         "in the model per run)")
        if self.retried:
            lines.append(f"  {self.retried} runs were tried again because the worker process running them died")
        lines += [f"  run {run} failed: {error}" for run, error in self.failures[:5]]
        if len(self.failures) > 5:
            lines.append(f"  … and {len(self.failures) - 5} more failures (see {self.out / 'failed'})")
        if self.pending:
            lines.append("  unfinished runs remain: rerun with --resume")
        return "\n".join(lines)


class Progress:
    """A bar on a terminal; in a log or a pipe, a plain line every tenth of the runs or every ten seconds."""

    def __init__(self, name: str, total: int, initial: int, enabled: bool):
        self.name, self.total, self.count, self.failed = name, total, initial, 0
        self.enabled, self.tty = enabled, sys.stderr.isatty()
        self.bar = tqdm(total=total, initial=initial, unit="run", desc=name) if enabled and self.tty else None
        self.start = self.last = time.monotonic()
        self.step, self.next = max(1, total // 10), initial + max(1, total // 10)

    def update(self, failed: bool) -> None:
        self.count += 1
        self.failed += failed
        if self.bar is not None:
            self.bar.update()
            self.bar.set_postfix(failed=self.failed, refresh=False)
        elif self.enabled and (self.count >= self.next or time.monotonic() - self.last >= PROGRESS_SECONDS
                               or self.count == self.total):
            self.next, self.last = self.count + self.step, time.monotonic()
            print(f"{self.name}: {self.count}/{self.total} runs, {self.failed} failed this call, "
                  f"{self.last - self.start:.0f} s", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def sweep(experiment: str | Path | Experiment, out: str | Path | None = None, workers: int | None = None,
          scheduler: str | None = None, resume: bool = False, progress: bool = True,
          scheduler_timeout: float = SCHEDULER_TIMEOUT, max_runs: int = MAX_RUNS,
          max_values: int = MAX_VALUES) -> SweepReport:
    """Run every unfinished run of an experiment, streaming each result to the sweep folder as it finishes.

    ``scheduler`` is a Dask scheduler address, waited for at most ``scheduler_timeout``
    seconds; without it a local pool of ``workers`` processes (default: all CPUs)
    runs the same tasks.  Everything that can be refused is refused before any run.
    """
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise ExperimentError("--workers", str(workers), "must be a whole number >= 1")
    if not 0 < scheduler_timeout <= 3600:
        raise ExperimentError("--scheduler-timeout", str(scheduler_timeout), "must be a number of seconds in (0, 3600]")
    if isinstance(experiment, Experiment):  # built in code (e.g. crossed with posterior draws): check it here
        exp = experiment
        check_size(exp.source, exp.n_runs, len(exp.kept_days), len(exp.metrics), max_runs, max_values)
    else:
        exp = load_experiment(experiment, max_runs=max_runs, max_values=max_values)
    hooks = faults()
    if scheduler:
        probe(scheduler, scheduler_timeout)
    start = time.perf_counter()
    with Store(Path(out) if out else Path("sweeps") / exp.name).claim(exp, resume) as store:
        report = SweepReport(store.root, exp.n_runs, 0, 0, 0, 0, 0.0, 0.0, corrupt=store.corrupt,
                             unrecorded=store.unrecorded)
        todo = (Task(run, point, seed, exp.scenario_at(point), exp.values[point], exp.metrics, exp.kept_days,
                     fault=hooks.get(run)) for run, point, seed in exp.runs() if run not in store.entries)
        bar = Progress(exp.name, exp.n_runs, len(store.entries), progress)
        try:
            with pool(workers or os.cpu_count() or 1, scheduler, scheduler_timeout) as runners:
                report.workers = runners.slots
                for outcome in runners.outcomes(todo):
                    store.record(exp, outcome)
                    report.ran += 1
                    report.model_seconds += outcome.seconds
                    if outcome.error is not None:
                        report.failures.append((outcome.run, outcome.error.strip().splitlines()[-1]))
                    bar.update(outcome.error is not None)
                report.retried = runners.retried
        finally:
            bar.close()
        manifest = store.write_manifest(exp)
        store.write_summary(exp, manifest)
    report.done, report.failed = manifest["counts"]["done"], manifest["counts"]["failed"]
    report.wall_seconds = time.perf_counter() - start
    return report
