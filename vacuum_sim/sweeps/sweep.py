"""Scenario sweeps: an experiment file → a design of runs → a resumable Parquet store.

An experiment (``experiments/<study>/experiment.toml``) names a base scenario, the
factors to vary (parameters of :mod:`vacuum_sim.params`), a design (full grid,
Latin hypercube, or Saltelli's Sobol' design, both sampled by SALib), one seed list
shared by every design point (common random numbers: the model draws each random
process from its own stream) and the metrics to keep, at what time resolution.

A sweep folder holds::

    manifest.json              the experiment, package version and the state of every run
    experiment.toml            the experiment file as written
    design.parquet             one row per design point
    runs/run-000042.parquet    one finished run in tidy long form (run, point, factors, seed, day, date, metric, value)
    failed/run-000042.json     one run that raised, with its traceback
    summary.parquet            one row per run: state and each metric on the last day (written at the end)

Each run file is written under a hidden temporary name and renamed, so a file on
disk is a finished run.  What is finished is always read from the folder, never
kept in memory: after ``kill -9``, ``resume=True`` runs exactly the missing runs.
"""

from __future__ import annotations

import concurrent.futures as cf
import fnmatch
import hashlib
import itertools
import json
import multiprocessing
import os
import shutil
import threading
import time
import tomllib
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from vacuum_sim import __version__
from vacuum_sim.inputs.geography import MaliMap, load_map
from vacuum_sim.model.metrics import METRICS
from vacuum_sim.inputs.params import BY_NAME
from vacuum_sim.runs.runner import git_commit, simulate
from vacuum_sim.inputs.scenario import DEFAULT_SCENARIO, Scenario, ScenarioError, load_scenario

TOP_KEYS = ("description", "scenario", "days", "replicates", "seeds", "design", "factors", "output")
DESIGN_KEYS = {"full_factorial": ("type",), "latin_hypercube": ("type", "n", "seed"),
               "sobol": ("type", "n", "seed", "second_order")}
KINDS = ("lever", "uncertainty")
FAIL_RUNS_ENV = "VACUUM_SIM_FAIL_RUNS"  # test hook: comma-separated run ids that raise instead of running


class ExperimentError(ScenarioError):
    """Bad experiment input; like a scenario error, it names the file, the key and what is allowed."""


@dataclass(frozen=True)
class Factor:
    name: str
    kind: str  # "lever" or "uncertainty"
    levels: tuple = ()  # for the full factorial design
    bounds: tuple = ()  # (low, high) for the sampled designs

    def spec(self) -> dict:
        values = {"levels": list(self.levels)} if self.levels else {"range": list(self.bounds)}
        return {"name": self.name, "kind": self.kind, **values}


@dataclass(frozen=True, eq=False)
class Experiment:
    name: str
    source: str
    text: str  # the file as written, copied into the sweep folder
    description: str
    scenario: Scenario  # the base, with the experiment's horizon
    factors: tuple[Factor, ...]
    design: dict  # type and its options (n, seed, second_order)
    points: pd.DataFrame  # one row per design point, one column per factor
    seeds: tuple[int, ...]
    metrics: tuple[str, ...]
    every: int | str  # days between kept days, or "month"

    @property
    def n_runs(self) -> int:
        return len(self.points) * len(self.seeds)

    @cached_property
    def kept_days(self) -> tuple[int, ...]:
        """Day 0, then every ``every`` days (or each month's last day), and always the horizon."""
        days = self.scenario.days
        if self.every == "month":
            ends = np.flatnonzero(pd.date_range(self.scenario.start_date, periods=days + 1).is_month_end)
        else:
            ends = np.arange(self.every, days + 1, self.every)
        return tuple(int(d) for d in np.unique(np.r_[0, ends, days]))

    @cached_property
    def fingerprint(self) -> str:
        """Everything that decides the runs' results, so a folder is only resumed by the same experiment."""
        spec = {"scenario": self.scenario.to_toml(), "points": self.points.to_dict("split"), "seeds": self.seeds,
                "metrics": self.metrics, "days": self.kept_days, "version": __version__}
        return hashlib.sha256(json.dumps(spec, default=str).encode()).hexdigest()

    def tasks(self):
        """Every run, in run-id order: run = point × number of seeds + seed index."""
        base = self.scenario
        failing = os.environ.get(FAIL_RUNS_ENV, "").split(",")
        for point, row in enumerate(self.points.to_dict("records")):
            values = {k: BY_NAME[k].dtype(v) for k, v in row.items()}
            scn = replace(base, name=f"{self.name}/point{point}", params={**base.params, **values})
            for i, seed in enumerate(self.seeds):
                run = point * len(self.seeds) + i
                yield Task(run, point, seed, scn, values, self.metrics, self.kept_days, str(run) in failing)


# ---------------------------------------------------------------------- loading
def experiment_file(path: str | Path) -> Path:
    """``experiments/<study>`` or its ``experiment.toml``."""
    p = Path(path)
    p = p / "experiment.toml" if p.is_dir() else p
    if not p.is_file():
        raise ExperimentError(str(p), "(file)", "no such experiment file (give a study folder holding experiment.toml)")
    return p


def load_experiment(path: str | Path, mali: MaliMap | None = None) -> Experiment:
    """Read and validate an experiment; every error names the file, the key and what is allowed."""
    path = experiment_file(path)
    src = str(path)

    def fail(key, message):
        raise ExperimentError(src, key, message)

    text = path.read_text(encoding="utf-8")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        fail("(syntax)", f"malformed TOML: {e}")
    for key in raw:
        if key not in TOP_KEYS:
            fail(key, f"unknown key; allowed: {', '.join(TOP_KEYS)}")
    description = raw.get("description", "")
    if not isinstance(description, str):
        fail("description", "must be a string")

    base = raw.get("scenario", DEFAULT_SCENARIO)
    if not isinstance(base, str):
        fail("scenario", "must be a bundled scenario name or a .toml path relative to the experiment")
    try:
        scenario = load_scenario(path.parent / base if base.endswith(".toml") else base, mali or load_map())
    except ScenarioError as e:
        fail("scenario", str(e))
    days = raw.get("days", scenario.days)
    if not _whole(days, 1) or days > 3650:
        fail("days", f"must be a whole number in [1, 3650], got {days!r}")
    scenario = replace(scenario, days=days)

    design = _design(raw.get("design"), fail)
    factors = _factors(raw.get("factors"), design["type"], fail)
    seeds = _seeds(raw, fail)
    output = raw.get("output", {})
    if not isinstance(output, dict):
        fail("output", "must be a table with metrics and every")
    for key in output:
        if key not in ("metrics", "every"):
            fail(f"output.{key}", "unknown key; allowed: metrics, every")
    metrics = _metrics(output.get("metrics", ["*"]), fail)
    every = output.get("every", 1)
    if every != "month" and not _whole(every, 1):
        fail("output.every", f'must be a whole number of days >= 1 or "month", got {every!r}')

    name = path.parent.name if path.name == "experiment.toml" else path.stem
    return Experiment(name, src, text, description, scenario, factors, design, design_points(factors, design),
                      seeds, metrics, every)


def _design(design, fail) -> dict:
    if not isinstance(design, dict) or "type" not in design:
        fail("design", f"required table with type = one of {', '.join(DESIGN_KEYS)}")
    kind = design["type"]
    if kind not in DESIGN_KEYS:
        fail("design.type", f"unknown design {kind!r}; allowed: {', '.join(DESIGN_KEYS)}")
    for key in design:
        if key not in DESIGN_KEYS[kind]:
            fail(f"design.{key}", f"not an option of {kind}; allowed: {', '.join(DESIGN_KEYS[kind])}")
    out = {"type": kind}
    if kind != "full_factorial":
        n = design.get("n")
        if not _whole(n, 2):
            fail("design.n", f"required whole number >= 2 (sample size), got {n!r}")
        if kind == "sobol" and n & (n - 1):
            fail("design.n", f"Saltelli's sample size N must be a power of 2 (e.g. 16, 32, 64), got {n}")
        seed = design.get("seed", 0)
        if not _whole(seed, 0):
            fail("design.seed", f"must be a whole number >= 0 (seeds the sampler), got {seed!r}")
        out |= {"n": n, "seed": seed}
    if kind == "sobol":
        second = design.get("second_order", False)
        if not isinstance(second, bool):
            fail("design.second_order", "must be true or false")
        out["second_order"] = second
    return out


def _factors(table, design: str, fail) -> tuple[Factor, ...]:
    if not isinstance(table, dict) or not table:
        fail("factors", "required table: one entry per parameter to vary, e.g. north_share = { range = [0.3, 0.9] }")
    factors = []
    for name, spec in table.items():
        key = f"factors.{name}"
        if name not in BY_NAME:
            fail(key, f"unknown parameter; allowed: {', '.join(BY_NAME)}")
        param = BY_NAME[name]
        if not isinstance(spec, dict):
            fail(key, "must be a table with levels = [...] or range = [low, high], and optionally kind")
        for k in spec:
            if k not in ("levels", "range", "kind"):
                fail(f"{key}.{k}", "unknown key; allowed: levels, range, kind")
        kind = spec.get("kind", param.kind)
        if kind not in KINDS:
            fail(f"{key}.kind", f"must be one of {', '.join(KINDS)}, got {kind!r}")
        if design == "full_factorial":
            levels = spec.get("levels")
            if "range" in spec or not isinstance(levels, list) or not levels:
                fail(key, "the full_factorial design needs levels = [v1, v2, ...]")
            levels = tuple(_checked(param, v, f"{key}.levels", fail) for v in levels)
            if len(set(levels)) != len(levels):
                fail(f"{key}.levels", "levels must be distinct")
            factors.append(Factor(name, kind, levels=levels))
        else:
            bounds = spec.get("range")
            if param.dtype is bool:
                fail(key, f"a true/false parameter cannot be sampled by {design}; use the full_factorial design")
            if "levels" in spec or not isinstance(bounds, list) or len(bounds) != 2:
                fail(key, f"the {design} design samples a range = [low, high]")
            low, high = (_checked(param, v, f"{key}.range", fail) for v in bounds)
            if not low < high:
                fail(f"{key}.range", f"low must be below high, got [{low}, {high}]")
            factors.append(Factor(name, kind, bounds=(low, high)))
    return tuple(factors)


def _whole(value, least: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


def _checked(param, value, key: str, fail):
    try:
        return param.check(value)
    except ValueError as e:
        fail(key, str(e))


def _seeds(raw: dict, fail) -> tuple[int, ...]:
    if ("replicates" in raw) == ("seeds" in raw):
        fail("replicates", "give either replicates = N (seeds 0 … N-1) or seeds = [...], not both or neither")
    if "replicates" in raw:
        n = raw["replicates"]
        if not _whole(n, 1):
            fail("replicates", f"must be a whole number >= 1, got {n!r}")
        return tuple(range(n))
    seeds = raw["seeds"]
    if not isinstance(seeds, list) or not seeds or not all(_whole(s, 0) for s in seeds):
        fail("seeds", f"must be a non-empty list of whole numbers >= 0, got {seeds!r}")
    if len(set(seeds)) != len(seeds):
        fail("seeds", "seeds must be distinct")
    return tuple(seeds)


def _metrics(patterns, fail) -> tuple[str, ...]:
    if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) for p in patterns):
        fail("output.metrics", "must be a non-empty list of metric names (patterns like n_towns_*_centre allowed)")
    keep = []
    for p in patterns:
        hits = fnmatch.filter(METRICS, p)
        if not hits:
            fail("output.metrics", f"{p!r} matches no metric; allowed: {', '.join(METRICS)}")
        keep += [m for m in hits if m not in keep]
    return tuple(keep)


def design_points(factors: tuple[Factor, ...], design: dict) -> pd.DataFrame:
    """The design matrix: a full grid of levels, or a Latin hypercube or Saltelli sample from SALib."""
    names = [f.name for f in factors]
    if design["type"] == "full_factorial":
        points = pd.DataFrame(list(itertools.product(*(f.levels for f in factors))), columns=names)
    else:
        from SALib.sample import latin, sobol

        problem = {"num_vars": len(factors), "names": names, "bounds": [list(f.bounds) for f in factors]}
        if design["type"] == "latin_hypercube":
            x = latin.sample(problem, design["n"], seed=design["seed"])
        else:
            x = sobol.sample(problem, design["n"], calc_second_order=design["second_order"], seed=design["seed"])
        points = pd.DataFrame(x, columns=names)
        for name in names:  # whole-number parameters take the nearest whole number
            if BY_NAME[name].dtype is int:
                points[name] = points[name].round().astype(int)
    points.index.name = "point"
    return points


# ---------------------------------------------------------------------- one run, in a worker
@dataclass(frozen=True)
class Task:
    run: int
    point: int
    seed: int
    scenario: Scenario
    values: dict  # factor -> value at this design point
    metrics: tuple[str, ...]
    days: tuple[int, ...]
    inject_failure: bool = False  # set through FAIL_RUNS_ENV, to test that a failing run is isolated


@dataclass(frozen=True)
class Outcome:
    run: int
    parquet: bytes | None  # the run's tidy table, or None if it raised
    error: str | None
    seconds: float  # time inside the model


_worker = threading.local()


def _map() -> MaliMap:
    """The map, loaded once per worker thread (a model writes its travel speeds onto the graph's edges)."""
    if not hasattr(_worker, "mali"):
        _worker.mali = load_map()
    return _worker.mali


def execute(task: Task) -> Outcome:
    """Run one task; a model error comes back as data so the sweep goes on."""
    start = time.perf_counter()
    try:
        if task.inject_failure:
            raise RuntimeError(f"failure injected through {FAIL_RUNS_ENV} (test hook)")
        model = simulate(task.scenario, task.seed, _map())
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
    table |= {"seed": np.full(n, task.seed, np.int64), "day": np.tile(days.astype(np.int16), len(cols)),
              "date": np.tile(start + days, len(cols)), "metric": np.repeat(task.metrics, len(days)),
              "value": kept.T.ravel()}
    return pa.table(table)


# ---------------------------------------------------------------------- the store
class Store:
    """A sweep folder.  The files in it are the only record of which runs are finished."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.runs, self.failed = self.root / "runs", self.root / "failed"
        self.manifest = self.root / "manifest.json"

    def part(self, run: int) -> Path:
        return self.runs / f"run-{run:06d}.parquet"

    def failure(self, run: int) -> Path:
        return self.failed / f"run-{run:06d}.json"

    def states(self) -> dict[int, str]:
        """Finished runs, read from the folder: run id -> "done" or "failed"."""
        out = {}
        for folder, state in ((self.runs, "done"), (self.failed, "failed")):
            for p in folder.glob("run-*.*"):
                out[int(p.stem.split("-")[1])] = state
        return out

    def write(self, path: Path, data: bytes) -> None:
        """Write whole or not at all: a hidden temporary file, then an atomic rename."""
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)

    def check(self, exp: Experiment, resume: bool) -> bool:
        """Whether this folder resumes ``exp`` (True) or is free for a new sweep (False); raises otherwise."""
        if self.manifest.is_file():
            if not resume:
                raise FileExistsError(f"{self.root} holds a sweep; finish it with --resume or choose another --out")
            if json.loads(self.manifest.read_text(encoding="utf-8"))["fingerprint"] != exp.fingerprint:
                raise ExperimentError(str(self.manifest), "fingerprint", "this folder holds a different experiment "
                                      "(or one run by another package version); choose another --out")
            return True
        if self.root.exists() and any(self.root.iterdir()):
            raise FileExistsError(f"{self.root} exists and is not a sweep folder; choose another --out")
        return False

    def create(self, exp: Experiment) -> None:
        """Lay out a new sweep folder beside it and rename it into place, so it is whole or absent."""
        tmp = Store(self.root.with_name(f".{self.root.name}.partial"))
        shutil.rmtree(tmp.root, ignore_errors=True)
        tmp.runs.mkdir(parents=True)
        tmp.failed.mkdir()
        tmp.write(tmp.root / "experiment.toml", exp.text.encode())
        sink = pa.BufferOutputStream()
        pq.write_table(pa.Table.from_pandas(exp.points.reset_index(), preserve_index=False), sink)
        tmp.write(tmp.root / "design.parquet", sink.getvalue().to_pybytes())
        tmp.write_manifest(exp)
        os.replace(tmp.root, self.root)  # also replaces an empty folder

    def clean(self) -> None:
        """Remove temporary files of writes cut short by a kill."""
        for tmp in itertools.chain(self.runs.glob(".*.tmp"), self.failed.glob(".*.tmp")):
            tmp.unlink()

    def write_manifest(self, exp: Experiment) -> dict:
        """The experiment, package version and state of every run, as read from the folder now."""
        old = json.loads(self.manifest.read_text(encoding="utf-8")) if self.manifest.is_file() else {}
        states = self.states()
        runs = []
        for run, (point, i) in enumerate(itertools.product(range(len(exp.points)), range(len(exp.seeds)))):
            entry = {"run": run, "point": point, "seed": exp.seeds[i], "state": states.get(run, "pending")}
            if entry["state"] == "failed":
                entry["error"] = self.error(run).strip().splitlines()[-1]
            runs.append(entry)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        counts = {s: sum(r["state"] == s for r in runs) for s in ("done", "failed", "pending")}
        manifest = {
            "experiment": exp.name, "description": exp.description, "source": exp.source,
            "version": __version__, "git_commit": git_commit(), "fingerprint": exp.fingerprint,
            "created": old.get("created", now), "updated": now,
            "scenario": exp.scenario.name, "start_date": exp.scenario.start_date.isoformat(), "days": exp.scenario.days,
            "design": exp.design, "factors": [f.spec() for f in exp.factors], "seeds": list(exp.seeds),
            "metrics": list(exp.metrics), "every": exp.every, "kept_days": list(exp.kept_days),
            "counts": counts, "runs": runs,
        }
        self.write(self.manifest, json.dumps(manifest, indent=1).encode())
        return manifest

    def error(self, run: int) -> str:
        return json.loads(self.failure(run).read_text(encoding="utf-8"))["error"]

    def write_summary(self, exp: Experiment) -> None:
        """One row per run: its state, error and every kept metric on the last day."""
        runs = pd.DataFrame(json.loads(self.manifest.read_text(encoding="utf-8"))["runs"])
        runs = runs.join(exp.points, on="point")
        if "error" not in runs:
            runs["error"] = None
        last = pd.read_parquet(self.runs, columns=["run", "metric", "value"],
                               filters=[("day", "==", exp.scenario.days)]) if (runs.state == "done").any() else None
        if last is not None:
            runs = runs.join(last.pivot(index="run", columns="metric", values="value")[list(exp.metrics)], on="run")
        sink = pa.BufferOutputStream()
        pq.write_table(pa.Table.from_pandas(runs, preserve_index=False), sink)
        self.write(self.root / "summary.parquet", sink.getvalue().to_pybytes())


# ---------------------------------------------------------------------- the sweep
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

    @property
    def pending(self) -> int:
        return self.total - self.done - self.failed

    def __str__(self) -> str:
        lines = [f"sweep {self.out}: {self.done}/{self.total} runs done, {self.failed} failed, {self.pending} pending"]
        if self.ran:
            lines.append(f"  this call ran {self.ran} runs on {self.workers} workers in {self.wall_seconds:.1f} s "
                         f"({self.ran / self.wall_seconds:.2f} runs/s, mean {self.model_seconds / self.ran:.2f} s "
                         "in the model per run)")
        lines += [f"  run {run} failed: {error}" for run, error in self.failures[:5]]
        if len(self.failures) > 5:
            lines.append(f"  … and {len(self.failures) - 5} more failures (see {self.out / 'failed'})")
        if self.pending:
            lines.append("  unfinished runs remain: rerun with --resume")
        return "\n".join(lines)


def sweep(experiment: str | Path | Experiment, out: str | Path | None = None, workers: int | None = None,
          scheduler: str | None = None, resume: bool = False, progress: bool = True) -> SweepReport:
    """Run every unfinished run of an experiment, streaming each result to the sweep folder as it finishes.

    ``scheduler`` is a Dask scheduler address; without it a local process pool of
    ``workers`` processes (default: all CPUs) runs the same tasks.
    """
    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    store = Store(Path(out) if out else Path("sweeps") / exp.name)
    resuming = store.check(exp, resume)  # before any worker starts or any file is written
    start = time.perf_counter()
    with _executor(workers or os.cpu_count() or 1, scheduler) as (pool, slots):
        if resuming:
            store.clean()
        else:
            store.create(exp)
        finished = store.states()
        todo = (t for t in exp.tasks() if t.run not in finished)
        report = SweepReport(store.root, exp.n_runs, 0, 0, 0, slots, 0.0, 0.0)
        bar = tqdm(total=exp.n_runs, initial=len(finished), unit="run", desc=exp.name, disable=None if progress else True)
        try:
            for outcome in _stream(pool, todo, window=2 * slots):
                report.ran += 1
                report.model_seconds += outcome.seconds
                if outcome.error is None:
                    store.write(store.part(outcome.run), outcome.parquet)
                else:
                    store.write(store.failure(outcome.run), json.dumps({"run": outcome.run, "error": outcome.error}).encode())
                    report.failures.append((outcome.run, outcome.error.strip().splitlines()[-1]))
                bar.update()
                bar.set_postfix(failed=len(report.failures), refresh=False)
        finally:
            bar.close()
            counts = store.write_manifest(exp)["counts"]
    store.write_summary(exp)
    report.done, report.failed = counts["done"], counts["failed"]
    report.wall_seconds = time.perf_counter() - start
    return report


@contextmanager
def _executor(workers: int, scheduler: str | None):
    """A local process pool, or a Dask cluster behind the same ``concurrent.futures`` interface; yields (pool, slots)."""
    if scheduler:
        from distributed import Client

        try:
            client = Client(scheduler, set_as_default=False, timeout="10s")
        except OSError as e:
            raise ExperimentError("--scheduler", scheduler, f"cannot reach a Dask scheduler there: {e}") from None
        with client:
            yield client.get_executor(pure=False), sum(client.nthreads().values())
    else:
        # forkserver: workers fork from one clean process that has imported the model once (fast, thread-safe start)
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        with cf.ProcessPoolExecutor(workers, mp_context=context) as pool:
            yield pool, workers


def _stream(pool: cf.Executor, tasks, window: int):
    """Outcomes as they finish, with at most ``window`` runs in flight so memory stays flat."""
    running = {pool.submit(execute, t) for t in itertools.islice(tasks, window)}
    while running:
        done, running = cf.wait(running, return_when=cf.FIRST_COMPLETED)
        running |= {pool.submit(execute, t) for t in itertools.islice(tasks, len(done))}
        for future in done:
            yield future.result()


__all__ = ["Experiment", "ExperimentError", "Factor", "Store", "SweepReport", "design_points", "execute",
           "load_experiment", "sweep"]
