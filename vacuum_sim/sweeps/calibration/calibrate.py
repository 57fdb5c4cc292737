"""``vacuum-sim calibrate``: fit the uncertain parameters to the 2023 patterns and, optionally, to event counts.

A calibration file (``experiments/<study>/calibration.toml``)::

    description = "..."
    scenario = "historical_2023"       # bundled name, or a .toml path relative to this file
    days = 210                         # horizon of every simulation
    [priors]                           # uniform on [low, high]; only parameters of kind "uncertainty"
    jnim_attack_rate = [0.005, 0.08]
    [targets]
    patterns = true                    # observed/data/patterns_2023.csv
    data = "events.csv"                # optional: an ACLED or UCDP GED export (events per admin1 × month × type)
    [abc]                              # APMC settings (see apmc.py); all optional
    particles = 200
    alpha = 0.5
    generations = 6
    p_acc_min = 0.05
    seed = 0
    checks = 20                        # posterior-predictive simulations after the fit

It writes a calibration folder (whole or absent): ``posterior.json``, every
simulation (``simulations.csv``), the tolerance schedule (``generations.csv``), the
posterior-predictive check (``predictive.csv``) and ``report.txt``.
"""

from __future__ import annotations

import time
import tomllib
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from vacuum_sim import __version__
from vacuum_sim.inputs.geography import load_map
from vacuum_sim.inputs.params import BY_NAME
from vacuum_sim.inputs.scenario import DEFAULT_SCENARIO, Scenario, ScenarioError, load_scenario
from vacuum_sim.runs.results import run_folder
from vacuum_sim.runs.runner import git_commit
from vacuum_sim.sweeps.calibration import jobs as jb
from vacuum_sim.sweeps.calibration.apmc import History, apmc
from vacuum_sim.sweeps.calibration.posterior import write_posterior
from vacuum_sim.sweeps.calibration.targets import CalibrationError, Targets, build
from vacuum_sim.sweeps.runners import pool, probe

TOP_KEYS = ("description", "scenario", "days", "priors", "targets", "abc")
SCHEDULER_TIMEOUT = 10.0  # seconds a Dask scheduler has to answer
ABC_DEFAULTS = {"particles": 200, "alpha": 0.5, "generations": 6, "p_acc_min": 0.05, "seed": 0, "checks": 20}


@dataclass(frozen=True)
class Calibration:
    name: str
    source: str
    text: str
    description: str
    scenario: Scenario
    scenario_source: str  # bundled name or absolute path: what a forecast loads again
    names: tuple[str, ...]
    bounds: np.ndarray  # parameters × 2
    targets: Targets
    abc: dict

    def scenario_with(self, theta: np.ndarray) -> Scenario:
        values = {n: (round(v) if BY_NAME[n].dtype is int else float(v)) for n, v in zip(self.names, theta)}
        return replace(self.scenario, params={**self.scenario.params, **values})


def calibration_file(path: str | Path) -> Path:
    p = Path(path)
    p = p / "calibration.toml" if p.is_dir() else p
    if not p.is_file():
        raise CalibrationError(str(p), "(file)", "no such calibration file (give a study folder holding "
                               "calibration.toml)")
    return p


def load_calibration(path: str | Path) -> Calibration:
    """Read and check a calibration file; every error names the file, the key and what is allowed."""
    path = calibration_file(path)
    src = str(path)

    def fail(key, message):
        raise CalibrationError(src, key, message)

    text = path.read_text(encoding="utf-8")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        fail("(syntax)", f"malformed TOML: {e}")
    for key in raw:
        if key not in TOP_KEYS:
            fail(key, f"unknown key; allowed: {', '.join(TOP_KEYS)}")
    base = raw.get("scenario", DEFAULT_SCENARIO)
    if not isinstance(base, str):
        fail("scenario", "must be a bundled scenario name or a .toml path relative to this file")
    base = str((path.parent / base).resolve()) if base.endswith(".toml") else base
    try:
        scenario = load_scenario(base, load_map())
    except ScenarioError as e:
        fail("scenario", str(e))
    days = raw.get("days", scenario.days)
    if not isinstance(days, int) or isinstance(days, bool) or not 30 <= days <= 3650:
        fail("days", f"must be a whole number in [30, 3650], got {days!r}")
    scenario = replace(scenario, days=days)
    priors = raw.get("priors")
    if not isinstance(priors, dict) or not priors:
        fail("priors", "required table: one uncertain parameter per line, e.g. jnim_attack_rate = [0.005, 0.08]")
    bounds = []
    for name, rng in priors.items():
        if name not in BY_NAME:
            fail(f"priors.{name}", f"unknown parameter; allowed: {', '.join(BY_NAME)}")
        p = BY_NAME[name]
        if p.kind != "uncertainty":
            fail(f"priors.{name}", f"is a {p.kind} (a policy choice), not an uncertainty; calibrate uncertainties only")
        if p.dtype is bool or not (isinstance(rng, list) and len(rng) == 2 and all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in rng)):
            fail(f"priors.{name}", "must be [low, high], two numbers")
        if not p.low <= rng[0] < rng[1] <= p.high:
            fail(f"priors.{name}", f"must satisfy {p.low:g} <= low < high <= {p.high:g} (the parameter's range)")
        bounds.append([float(rng[0]), float(rng[1])])
    tgt = raw.get("targets", {})
    if not isinstance(tgt, dict) or set(tgt) - {"patterns", "data"}:
        fail("targets", "a table with patterns = true/false and optionally data = \"export.csv\"")
    if not isinstance(tgt.get("patterns", True), bool):
        fail("targets.patterns", "must be true or false")
    data = tgt.get("data")
    if data is not None and not isinstance(data, str):
        fail("targets.data", "must be the path of an ACLED or UCDP GED export")
    if not tgt.get("patterns", True) and data is None:
        fail("targets", "nothing to fit: set patterns = true or give data")
    targets = build(tgt.get("patterns", True), str(path.parent / data) if data else None,
                    scenario.start_date, days, src)
    abc = dict(ABC_DEFAULTS)
    given = raw.get("abc", {})
    for key, value in given.items():
        if key not in ABC_DEFAULTS:
            fail(f"abc.{key}", f"unknown key; allowed: {', '.join(ABC_DEFAULTS)}")
        if isinstance(value, bool) or not isinstance(value, type(ABC_DEFAULTS[key])) and not (
                isinstance(ABC_DEFAULTS[key], float) and isinstance(value, int)):
            fail(f"abc.{key}", f"must be a {type(ABC_DEFAULTS[key]).__name__}, got {value!r}")
        abc[key] = value
    if abc["particles"] < 4 or not 0 < abc["alpha"] < 1 or abc["generations"] < 1 or abc["checks"] < 0:
        fail("abc", "needs particles >= 4, 0 < alpha < 1, generations >= 1, checks >= 0")
    name = path.resolve().parent.name if path.name == "calibration.toml" else path.stem
    return Calibration(name, src, text, raw.get("description", ""), scenario, base, tuple(priors), np.array(bounds),
                       targets, abc)


@dataclass
class CalibrationResult:
    calibration: Calibration
    history: History
    simulations: pd.DataFrame  # every simulation: generation, parameters, seed, distance, pattern values
    predictive: pd.DataFrame  # posterior-predictive runs: parameters, seed, distance, pattern values
    predictive_cells: np.ndarray  # checks × data cells (empty without data)
    wall_seconds: float
    model_seconds: float
    workers: int

    @property
    def n_simulations(self) -> int:
        return len(self.simulations) + len(self.predictive)


def run_calibration(cal: Calibration, workers: int = 1, scheduler: str | None = None) -> CalibrationResult:
    """Fit by APMC on a local pool or a Dask cluster; the same seed gives the same posterior on either."""
    rng = np.random.default_rng([cal.abc["seed"], 1])  # the simulations' seeds; APMC has its own stream
    rows, model_seconds = [], 0.0
    pattern_names = list(cal.targets.patterns["name"]) if cal.targets.patterns is not None else []
    if scheduler:
        probe(scheduler, SCHEDULER_TIMEOUT)
    start = time.perf_counter()
    with pool(workers, scheduler, SCHEDULER_TIMEOUT) as runners:

        def evaluate(theta: np.ndarray, generation: int, record: list) -> np.ndarray:
            nonlocal model_seconds
            seeds = jb.seeds(rng, len(theta))
            out = runners.map(jb.run_job, [jb.Job(cal.scenario_with(t), s, cal.targets) for t, s in zip(theta, seeds)])
            dist = []
            for t, s, (values, cells, seconds) in zip(theta, seeds, out):
                d = cal.targets.distance(values, cells)
                model_seconds += seconds
                dist.append(d)
                record.append((generation, *t, s, d, *values, cells))
            return np.array(dist)

        history = apmc(cal.bounds, lambda th, g: evaluate(th, g, rows), cal.abc["particles"], cal.abc["alpha"],
                       cal.abc["generations"], cal.abc["p_acc_min"], seed=cal.abc["seed"])
        final = history.final
        checks = []
        if cal.abc["checks"]:
            pick = np.random.default_rng([cal.abc["seed"], 2]).choice(len(final.theta), size=cal.abc["checks"],
                                                                      p=final.weights)
            evaluate(final.theta[pick], -1, checks)
    columns = ["generation", *cal.names, "seed", "distance", *pattern_names, "cells"]
    sims = pd.DataFrame(rows, columns=columns)
    pred = pd.DataFrame(checks, columns=columns)
    cells = np.vstack(pred.pop("cells").to_list()) if len(pred) else np.zeros((0, 0))
    sims.pop("cells")
    return CalibrationResult(cal, history, sims, pred.drop(columns="generation"), cells,
                             time.perf_counter() - start, model_seconds, runners.slots)


def report(result: CalibrationResult) -> str:
    cal, h = result.calibration, result.history
    lines = [(f"calibration {cal.name} ({cal.source}): scenario {cal.scenario.name}, {cal.scenario.days} days, "
             f"vacuum-sim {__version__}"),
             (f"  {result.n_simulations} simulations ({len(result.predictive)} of them the predictive check) on "
             f"{result.workers} workers in {result.wall_seconds:.1f} s: "
             f"{result.n_simulations / result.wall_seconds:.2f} runs/s, "
             f"mean {result.model_seconds / result.n_simulations:.3f} s in the model per run"),
             "  generation  tolerance  accepted-share  simulations"]
    lines += [f"  {g:>10}  {p.epsilon:9.4f}  {p.p_acc:14.2f}  {p.simulations:11}" for g, p in enumerate(h.populations)]
    from vacuum_sim.sweeps.calibration.posterior import Posterior

    post = Posterior("", cal.names, h.final.theta, h.final.weights, {})
    lines.append("  posterior (weighted median and 90 % interval) within the prior range:")
    for name, row in post.interval().iterrows():
        lo, hi = cal.bounds[cal.names.index(name)]
        lines.append(f"    {name:24s} {row['median']:.4g}  [{row['low']:.4g}, {row['high']:.4g}]  prior "
                     f"[{lo:g}, {hi:g}]")
    if cal.targets.patterns is not None and len(result.predictive):
        lines.append("  predictive check: pattern (target) median [5 %, 95 %] of the posterior's runs")
        for p in cal.targets.patterns.itertuples():
            v = result.predictive[p.name]
            target = f"[{'' if np.isnan(p.low) else f'{p.low:g}'}, {'' if np.isnan(p.high) else f'{p.high:g}'}]"
            lines.append(f"    {p.name:24s} {target:12s} {v.median():.4g} [{v.quantile(0.05):.4g}, "
                         f"{v.quantile(0.95):.4g}]")
    return "\n".join(lines)


def write(result: CalibrationResult, out: Path, figures: dict | None = None) -> Path:
    """The calibration folder, whole or absent."""
    cal = result.calibration
    with run_folder(out) as tmp:  # whole or absent, as a run folder
        meta = {"calibration": cal.name, "source": cal.source, "scenario": cal.scenario.name,
                "scenario_source": cal.scenario_source, "scenario_params": cal.scenario.params,
                "scenario_toml": cal.scenario.to_toml(), "start_date": cal.scenario.start_date.isoformat(),
                "days": cal.scenario.days, "priors": {n: list(b) for n, b in zip(cal.names, cal.bounds.tolist())},
                "abc": cal.abc, "method": "APMC (Lenormand et al. 2013)",
                "epsilon": [p.epsilon for p in result.history.populations],
                "simulations": result.n_simulations, "wall_seconds": round(result.wall_seconds, 1),
                "model_seconds": round(result.model_seconds, 1), "workers": result.workers,
                "seed": cal.abc["seed"], "version": __version__,
                "git_commit": git_commit(), "created": datetime.now(UTC).isoformat(timespec="seconds")}
        write_posterior(tmp / "posterior.json", cal.names, result.history.final.theta,
                        result.history.final.weights, meta)
        (tmp / "calibration.toml").write_text(cal.text, encoding="utf-8")
        result.simulations.to_csv(tmp / "simulations.csv", index=False)
        result.predictive.to_csv(tmp / "predictive.csv", index=False)
        pd.DataFrame([{"generation": g, "tolerance": p.epsilon, "accepted_share": p.p_acc,
                       "simulations": p.simulations} for g, p in enumerate(result.history.populations)]
                     ).to_csv(tmp / "generations.csv", index=False)
        (tmp / "report.txt").write_text(report(result) + "\n", encoding="utf-8")
        for name, fig in (figures or {}).items():
            fig.savefig(tmp / name, dpi=130)
    return out
