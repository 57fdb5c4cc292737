"""Experiment files: what a sweep runs, read and checked before anything runs or is written.

An experiment (``experiments/<study>/experiment.toml``) names a base scenario, the
factors to vary (parameters of :mod:`vacuum_sim.inputs.params`), a design (see
:mod:`vacuum_sim.sweeps.designs`), one seed list shared by every design point
(common random numbers: the model draws each random process from its own stream)
and the metrics to keep, at what time resolution.  Every value a design sets goes
through :func:`vacuum_sim.inputs.scenario.apply_changes`, the one entry point that
also serves ``--set`` and scenario files, so it meets the same checks.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import tomllib
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from vacuum_sim import __version__
from vacuum_sim.inputs.geography import MaliMap, load_map
from vacuum_sim.inputs.params import BY_NAME
from vacuum_sim.inputs.scenario import (
    DEFAULT_SCENARIO,
    Scenario,
    ScenarioError,
    apply_changes,
    check_seed,
    load_scenario,
)
from vacuum_sim.model.metrics import METRICS
from vacuum_sim.sweeps.designs import KINDS, Factor, design_options, design_points, n_points, whole

TOP_KEYS = ("description", "scenario", "days", "replicates", "seeds", "design", "factors", "output")
# Above these an experiment is refused unless the caller raises them (--max-runs, --max-values): a typo such as
# replicates = 100000 should cost a message, not a day of computing, a full disk or a parent that runs out of memory.
MAX_RUNS = 100_000
MAX_VALUES = 100_000_000  # runs × kept days × kept metrics: the rows of the store's tidy table


class ExperimentError(ScenarioError):
    """Bad experiment input; like a scenario error, it names the file, the key and what is allowed."""


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
    mali: MaliMap  # the map the scenarios are checked against

    @property
    def n_runs(self) -> int:
        return len(self.points) * len(self.seeds)

    @cached_property
    def kept_days(self) -> tuple[int, ...]:
        return kept_days(self.scenario, self.every)

    @cached_property
    def fingerprint(self) -> str:
        """Everything that decides the runs' results, so a folder is only resumed by the same experiment."""
        spec = {"scenario": self.scenario.to_toml(), "points": self.points.to_dict("split"), "seeds": self.seeds,
                "metrics": self.metrics, "days": self.kept_days, "version": __version__}
        return hashlib.sha256(json.dumps(spec, default=str).encode()).hexdigest()

    def runs(self):
        """(run, point, seed) of every run, in run-id order: run = point × number of seeds + seed index."""
        for point in range(len(self.points)):
            for i, seed in enumerate(self.seeds):
                yield point * len(self.seeds) + i, point, seed

    @cached_property
    def values(self) -> list[dict]:
        """The factors' values at each design point, as Python numbers and booleans."""
        return self.points.to_dict("records")

    def scenario_at(self, point: int) -> Scenario:
        """The base scenario with a design point's values applied, through the one entry point for changes."""
        scn = apply_changes(self.scenario, {"params": self.values[point]}, f"{self.source}: design point {point}",
                            self.mali)
        return replace(scn, name=f"{self.name}/point{point}")


def kept_days(scenario: Scenario, every: int | str) -> tuple[int, ...]:
    """Day 0, then every ``every`` days (or each month's last day), and always the horizon."""
    days = scenario.days
    if every == "month":
        ends = np.flatnonzero(pd.date_range(scenario.start_date, periods=days + 1).is_month_end)
    else:
        ends = np.arange(every, days + 1, every)
    return tuple(int(d) for d in np.unique(np.r_[0, ends, days]))


def check_size(source: str, runs: int, days: int, metrics: int, max_runs: int = MAX_RUNS,
               max_values: int = MAX_VALUES) -> None:
    """Refuse an experiment above the limits, from its counts alone (before anything is drawn or allocated)."""
    values = runs * days * metrics
    if runs > max_runs or values > max_values:
        raise ExperimentError(source, "(size)", f"{runs:,} runs × {days:,} kept days × {metrics} "
                              f"metric{'s' * (metrics > 1)} = {values:,} values, above the limits of {max_runs:,} "
                              f"runs and {max_values:,} values; shrink the design, or raise the limits with "
                              "--max-runs / --max-values")


def experiment_file(path: str | Path) -> Path:
    """``experiments/<study>`` or its ``experiment.toml``."""
    p = Path(path)
    p = p / "experiment.toml" if p.is_dir() else p
    if not p.is_file():
        raise ExperimentError(str(p), "(file)", "no such experiment file (give a study folder holding experiment.toml)")
    return p


def load_experiment(path: str | Path, mali: MaliMap | None = None, max_runs: int = MAX_RUNS,
                    max_values: int = MAX_VALUES) -> Experiment:
    """Read and validate an experiment; every error names the file, the key and what is allowed.

    Its size is checked against ``max_runs`` and ``max_values`` before any design point is drawn.
    """
    path = experiment_file(path)
    src = str(path)

    def fail(key, message):
        raise ExperimentError(src, key, message)

    try:
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text)
    except UnicodeDecodeError:
        fail("(file)", "not a text file (experiment files are UTF-8 TOML)")
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
    mali = mali or load_map()
    try:
        scenario = load_scenario(path.parent / base if base.endswith(".toml") else base, mali)
    except ScenarioError as e:
        fail("scenario", str(e))
    if "days" in raw:
        scenario = apply_changes(scenario, {"days": raw["days"]}, src, mali)

    design = design_options(raw.get("design"), src, fail)
    factors = _factors(raw.get("factors"), design["type"], scenario, mali, src, fail)
    seeds = _seeds(raw, src, fail)
    output = raw.get("output", {})
    if not isinstance(output, dict):
        fail("output", "must be a table with metrics and every")
    for key in output:
        if key not in ("metrics", "every"):
            fail(f"output.{key}", "unknown key; allowed: metrics, every")
    metrics = _metrics(output.get("metrics", ["*"]), fail)
    every = output.get("every", 1)
    if every != "month" and not whole(every, 1):
        fail("output.every", f'must be a whole number of days >= 1 or "month", got {every!r}')

    check_size(src, n_points(factors, design) * len(seeds), len(kept_days(scenario, every)), len(metrics), max_runs,
               max_values)

    name = path.parent.name if path.name == "experiment.toml" else path.stem
    exp = Experiment(name, src, text, description, scenario, factors, design, design_points(factors, design),
                     seeds, metrics, every, mali)
    for point in range(len(exp.points)):  # every point through the one entry point now, not half-way through a sweep
        exp.scenario_at(point)
    return exp


def _factors(table, design: str, base: Scenario, mali: MaliMap, src: str, fail) -> tuple[Factor, ...]:
    if not isinstance(table, dict) or not table:
        fail("factors", "required table: one entry per parameter to vary, e.g. reclaim_weight = { range = [0.3, 0.9] }")
    factors = []
    for name, spec in table.items():
        key = f"factors.{name}"
        if name not in BY_NAME:
            fail(key, f"unknown parameter; allowed: {', '.join(BY_NAME)}")
        if not isinstance(spec, dict):
            fail(key, "must be a table with levels = [...] or range = [low, high], and optionally kind")
        for k in spec:
            if k not in ("levels", "range", "kind"):
                fail(f"{key}.{k}", "unknown key; allowed: levels, range, kind")
        kind = spec.get("kind", BY_NAME[name].kind)
        if kind not in KINDS:
            fail(f"{key}.kind", f"must be one of {', '.join(KINDS)}, got {kind!r}")

        if design == "full_factorial":
            levels = spec.get("levels")
            if "range" in spec or not isinstance(levels, list) or not levels:
                fail(key, "the full_factorial design needs levels = [v1, v2, ...]")
            levels = tuple(_applied(base, name, v, f"{src}: {key}.levels", mali) for v in levels)
            if len(set(levels)) != len(levels):
                fail(f"{key}.levels", "levels must be distinct")
            factors.append(Factor(name, kind, levels=levels))
        else:
            bounds = spec.get("range")
            if BY_NAME[name].dtype is bool:
                fail(key, f"a true/false parameter cannot be sampled by {design}; use the full_factorial design")
            if "levels" in spec or not isinstance(bounds, list) or len(bounds) != 2:
                fail(key, f"the {design} design samples a range = [low, high]")
            low, high = (_applied(base, name, v, f"{src}: {key}.range", mali) for v in bounds)
            if not low < high:
                fail(f"{key}.range", f"low must be below high, got [{low}, {high}]")
            factors.append(Factor(name, kind, bounds=(low, high)))
    return tuple(factors)


def _applied(base: Scenario, name: str, value, source: str, mali: MaliMap):
    """``value`` as the scenario takes it, through the one entry point for changes (the same checks as --set)."""
    return apply_changes(base, {"params": {name: value}}, source, mali).params[name]


def _seeds(raw: dict, src: str, fail) -> tuple[int, ...]:
    if ("replicates" in raw) == ("seeds" in raw):
        fail("replicates", "give either replicates = N (seeds 0 … N-1) or seeds = [...], not both or neither")
    if "replicates" in raw:
        n = raw["replicates"]
        if not whole(n, 1):
            fail("replicates", f"must be a whole number >= 1, got {n!r}")
        return tuple(range(n))
    seeds = raw["seeds"]
    if not isinstance(seeds, list) or not seeds:
        fail("seeds", f"must be a non-empty list of whole numbers in [0, 2**64 - 1], got {seeds!r}")
    seeds = [check_seed(s, f"{src}: seeds[{i}]") for i, s in enumerate(seeds)]
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
