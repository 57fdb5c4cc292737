"""``vacuum-sim validate-patterns``: how well the sourced 2023 patterns emerge, over replicates, as a Markdown report.

Every pattern of ``observed/data/patterns_2023.csv`` (the calibration's and the held-out ones) is measured in
replicate runs of the historical scenario, from the runs' tables only (``observed.patterns``).  The seeds are
fixed (0, 1, …), so the report is reproducible and the number of workers never changes it.  A sensitivity
section moves each key parameter of ``observed/data/sensitivity_2023.csv`` to its low and high plausible value
on the first few seeds and reports the median's shift against the same seeds at the defaults (common random
numbers, so that the shift is not seed noise).  A missed pattern's report says what the sensitivity runs show
about it: whether one of its key parameters, at a plausible value, brings it inside the observed range (then the
miss is a matter of calibration) or none does (then these parameters alone cannot fix it).  The report is
regenerated whenever the mechanisms change.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from vacuum_sim import __version__
from vacuum_sim.inputs.geography import load_map
from vacuum_sim.inputs.params import BY_NAME
from vacuum_sim.inputs.scenario import DEFAULT_SCENARIO, ScenarioError, apply_changes, load_scenario
from vacuum_sim.observed.patterns import PatternError, describe, load_patterns
from vacuum_sim.runs.runner import git_commit
from vacuum_sim.sweeps.calibration import jobs as pl
from vacuum_sim.sweeps.calibration.targets import Targets
from vacuum_sim.sweeps.runners import pool

SENSITIVITY_FILE = "sensitivity_2023.csv"
REPRODUCED = 0.6  # least share of replicates inside the observed range for a pattern to count as reproduced
BAND = (0.1, 0.9)  # the quantiles of the reported range


@dataclass(frozen=True)
class Validation:
    """The runs of one validation: every pattern's value in every run, and what produced them."""

    patterns: pd.DataFrame  # the pattern table (observed.patterns.load_patterns)
    sensitivity: pd.DataFrame  # parameter, low, high, patterns, why, default
    values: pd.DataFrame  # one row per run: parameter ('' at the defaults), level, value, seed, then one column per pattern
    scenario: str
    start: pd.Timestamp
    days: int
    seeds: list[int]
    sensitivity_seeds: list[int]
    seconds: float  # wall time of all the runs (for the record; the results do not depend on it)


def load_sensitivity(patterns: pd.DataFrame, source: str = SENSITIVITY_FILE) -> pd.DataFrame:
    """The key parameters and their plausible values, checked against the pattern table and the parameter table."""
    with files("vacuum_sim.observed").joinpath("data", source).open(encoding="utf-8") as f:
        return check_sensitivity(pd.read_csv(f, dtype=str, keep_default_na=False), patterns, source)


def check_sensitivity(t: pd.DataFrame, patterns: pd.DataFrame, source: str) -> pd.DataFrame:
    """A sensitivity table (all columns text) checked before any run: its parameters exist, its patterns too."""
    known = set(patterns["name"])
    for row in t.itertuples():
        if row.parameter not in BY_NAME:
            raise PatternError(source, f"{row.parameter}.parameter", "not a parameter of the model (see "
                               "`vacuum-sim params`); rename or remove the row")
        unknown = sorted(set(row.patterns.split()) - known)
        if unknown or not row.patterns:
            raise PatternError(source, f"{row.parameter}.patterns", f"{' '.join(unknown) or 'none given'}: "
                               f"give names from the pattern table ({', '.join(patterns['name'])})")
        for level in ("low", "high"):
            try:
                float(getattr(row, level))
            except ValueError:
                raise PatternError(source, f"{row.parameter}.{level}", f"must be a number, "
                                   f"got {getattr(row, level)!r}") from None
    return t.astype({"low": float, "high": float})


def run_validation(replicates: int, sensitivity_replicates: int, workers: int = 1,
                   patterns: pd.DataFrame | None = None, sensitivity: pd.DataFrame | None = None,
                   scenario: str = DEFAULT_SCENARIO) -> Validation:
    """Run the replicates (seeds 0 … replicates − 1) and the sensitivity runs; measure every pattern in each."""
    if replicates < 1:
        raise ScenarioError("--replicates", str(replicates), "must be a whole number >= 1")
    if not 0 <= sensitivity_replicates <= replicates:
        raise ScenarioError("--sensitivity-replicates", str(sensitivity_replicates),
                            f"must be a whole number in [0, --replicates = {replicates}] (they reuse its first seeds)")
    patterns = load_patterns(held_out=True) if patterns is None else patterns
    sensitivity = load_sensitivity(patterns) if sensitivity is None else sensitivity
    mali = load_map()
    base = load_scenario(scenario, mali)
    start = pd.Timestamp(base.start_date)
    if patterns["start"].min() < start:
        raise PatternError(scenario, "start_date", f"the scenario starts on {base.start_date}, after the first pattern")
    days = (patterns["end"].max() - start).days + 1  # through the last day of the last pattern's window
    base = replace(base, days=days)
    seeds, s_seeds = list(range(replicates)), list(range(sensitivity_replicates))
    designs = [("", "default", np.nan, base, seeds)]
    for row in sensitivity.itertuples():
        for level in ("low", "high"):
            value = getattr(row, level)
            scn = apply_changes(base, {"params": {row.parameter: value}}, SENSITIVITY_FILE, mali)
            designs.append((row.parameter, level, scn.params[row.parameter], scn, s_seeds))
    targets = Targets(patterns, None, None)
    jobs = [pl.Job(scn, seed, targets) for *_, scn, ss in designs for seed in ss]
    clock = time.perf_counter()
    with pool(workers, None, 0) as runners:
        results = runners.map(pl.run_job, jobs)
    seconds = time.perf_counter() - clock
    keys = [(p, level, v, seed) for p, level, v, _, ss in designs for seed in ss]
    values = pd.DataFrame([r[0] for r in results], columns=list(patterns["name"]))
    values.insert(0, "seed", [k[3] for k in keys])
    values.insert(0, "value", [k[2] for k in keys])
    values.insert(0, "level", [k[1] for k in keys])
    values.insert(0, "parameter", [k[0] for k in keys])
    sensitivity = sensitivity.assign(default=[base.params[p] for p in sensitivity["parameter"]])
    return Validation(patterns, sensitivity, values, base.name, start, days, seeds, s_seeds, seconds)


def summary(v: Validation) -> pd.DataFrame:
    """Per pattern: the replicates' median, 10–90 % range, share inside the observed range, verdict and its reason."""
    runs = v.values[v.values["parameter"] == ""]
    rows = []
    for p in v.patterns.itertuples():
        x = runs[p.name].to_numpy()
        inside = np.mean((np.isnan(p.low) | (x >= p.low)) & (np.isnan(p.high) | (x <= p.high)))
        median = float(np.median(x))
        lo, hi = np.quantile(x, BAND)
        rows.append({"pattern": p.name, "median": median, "p10": float(lo), "p90": float(hi), "inside": float(inside),
                     "verdict": "reproduced" if inside >= REPRODUCED else "missed", "reason": _reason(p, x, inside)})
    return pd.DataFrame(rows)


def _reason(p, x: np.ndarray, inside: float) -> str:
    """Why a pattern is missed, as far as the replicates' values ``x`` tell (a person fills in the mechanism)."""
    median = float(np.median(x))
    if not np.isnan(p.low) and median < p.low:
        how = "far below" if median < p.low / 2 else "below"
        return f"model {how} the observed range: median {_num(median)} against {observed(p)}"
    if not np.isnan(p.high) and median > p.high:
        how = "far above" if median > 2 * p.high else "above"
        return f"model {how} the observed range: median {_num(median)} against {observed(p)}"
    spread = f"median inside the observed range, but only {inside:.0%} of the replicates are: the runs spread widely"
    if not np.all(x == np.round(x)) or np.isnan(p.low) or np.isnan(p.high):
        return spread
    # A count: how much of a Poisson count with the same mean the observed range could hold at best.
    chance = stats.poisson.cdf(p.high, x.mean()) - stats.poisson.cdf(p.low - 1, x.mean())
    return (f"{spread} (a Poisson count with the replicates' mean, {_num(float(x.mean()))}, would fall inside in "
            f"{chance:.0%}: a range this narrow holds a varying count only so often)")


def _what_moves(p, median: float, moves: pd.DataFrame | None) -> str:
    """Whether a key parameter at a plausible value brings a missed pattern's median inside its observed range."""
    if _inside(p, median):
        return "nothing to move: the median is inside at the defaults; what misses is the spread of the replicates."
    if moves is None:
        return "no sensitivity runs in this report (rerun with --sensitivity-replicates)."
    mine = moves[moves["pattern"] == p.Index]
    if mine.empty:
        return "it has no key parameter in the sensitivity table."
    tried = [(r.parameter, level, getattr(r, level), getattr(r, f"median_{level}"))
             for r in mine.itertuples() for level in ("low", "high")]
    inside = [t for t in tried if _inside(p, t[3])]
    if inside:
        return "; ".join(f"at `{name}` = {_value(x)} ({level}) the median is {_num(m)}, inside the observed range"
                         for name, level, x, m in inside) + ": within plausible values, a question of calibration."
    name, _, x, m = min(tried, key=lambda t: _gap(p, t[3]))
    names = ", ".join(f"`{n}`" for n in dict.fromkeys(mine["parameter"]))
    return (f"none of its key parameters ({names}) at its low or high plausible value brings the median inside "
            f"the observed range (closest: `{name}` = {_value(x)}, median {_num(m)}), so these parameters alone "
            "do not fix it.")


def _inside(p, x: float) -> bool:
    return (np.isnan(p.low) or x >= p.low) and (np.isnan(p.high) or x <= p.high)


def _gap(p, x: float) -> float:
    """How far ``x`` lies outside a pattern's observed range."""
    return max(0.0 if np.isnan(p.low) else p.low - x, 0.0 if np.isnan(p.high) else x - p.high, 0.0)


def shifts(v: Validation) -> pd.DataFrame:
    """Per pattern and key parameter: the medians at the default, low and high value over the sensitivity seeds."""
    at_default = v.values[(v.values["parameter"] == "") & v.values["seed"].isin(v.sensitivity_seeds)]
    rows = []
    for p in v.patterns.itertuples():
        keys = v.sensitivity[[p.name in names.split() for names in v.sensitivity["patterns"]]]
        for s in keys.itertuples():
            row = {"pattern": p.name, "parameter": s.parameter, "default": s.default,
                   "median_default": float(np.median(at_default[p.name]))}
            for level in ("low", "high"):
                runs = v.values[(v.values["parameter"] == s.parameter) & (v.values["level"] == level)]
                row[level] = float(runs["value"].iloc[0])
                row[f"median_{level}"] = float(np.median(runs[p.name]))
                row[f"shift_{level}"] = row[f"median_{level}"] - row["median_default"]
            rows.append(row)
    return pd.DataFrame(rows, columns=["pattern", "parameter", "default", "median_default", "low", "median_low",
                                       "shift_low", "high", "median_high", "shift_high"])


def observed(p) -> str:
    """A pattern's observed range in words: '16–24', 'at least 20', 'exactly 1'."""
    if np.isnan(p.high):
        return f"at least {_num(p.low)}"
    if np.isnan(p.low):
        return f"at most {_num(p.high)}"
    return f"exactly {_num(p.low)}" if p.low == p.high else f"{_num(p.low)}–{_num(p.high)}"


def _num(x: float) -> str:
    """A number as the report prints it: whole numbers without decimals, others with one."""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def _value(x: float) -> str:
    """A parameter's value, as precise as it is given."""
    return f"{x:,g}"


def _signed(x: float) -> str:
    return "±0" if x == 0 else ("+" if x > 0 else "−") + _num(abs(x))


def _seeds(seeds: list[int]) -> str:
    """'0–49 (50 replicates)'."""
    first = f"{seeds[0]}–{seeds[-1]}" if len(seeds) > 1 else str(seeds[0])
    return f"{first} ({len(seeds)} replicate{'s' * (len(seeds) > 1)})"


def report(v: Validation, command: str) -> str:
    """The Markdown report of a validation; ``command`` is the command line that regenerates it."""
    s = summary(v)
    commit = git_commit()
    tree = _tree_state(commit)
    runs = len(v.values)
    lines = [
        "# Validation against the 2023 patterns", "",
        f"Generated by `{command}`; do not edit by hand: rerun the command whenever the model's mechanisms change.",
        "",
        f"- Package version {__version__}, git commit {commit or 'unknown (not run from a git checkout)'}{tree}.",
        f"- Scenario `{v.scenario}` from {v.start.date()}, {v.days} days (to the end of the last pattern's window).",
        f"- Seeds {_seeds(v.seeds)}"
        + (f"; sensitivity runs: seeds {_seeds(v.sensitivity_seeds)} at each low and high value."
           if v.sensitivity_seeds else "; no sensitivity runs."),
        (f"- Generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {runs} runs in {v.seconds:.0f} s (timing only: "
         "the results depend on the seeds, never on the number of workers)."),
        "",
        "## How to read it", "",
        (f"Each pattern is measured in every replicate from the run's tables only (daily metrics, event log, "
         f"control table; see `vacuum_sim/observed/patterns.py`). A pattern is **reproduced** when at least "
         f"{REPRODUCED:.0%} of the replicates fall inside the observed range (bounds included); otherwise it is "
         f"**missed**. The range shown is the {BAND[0]:.0%}–{BAND[1]:.0%} quantile range over the replicates "
         "(linear interpolation). *Fitted* patterns are targets of `vacuum-sim calibrate`, so reproducing them is "
         "not independent evidence; the others are held out of the fit."),
        "",
        "## Patterns", "",
        "| pattern | observed | model measure | fitted | median | 10–90 % | inside | verdict |",
        "|---|---|---|---|---:|---:|---:|---|",
    ]
    for p, r in zip(v.patterns.itertuples(), s.itertuples(), strict=True):
        lines.append(f"| `{p.name}` | {observed(p)} | {describe(p)} | {p.fitted} | {_num(r.median)} | "
                     f"{_num(r.p10)}–{_num(r.p90)} | {r.inside:.0%} | **{r.verdict}** |")
    lines += ["", f"Reproduced: {(s['verdict'] == 'reproduced').sum()} of {len(s)}.", "", "### Sources", ""]
    lines += [f"- `{p.name}`: {p.source}" for p in v.patterns.itertuples()]
    missed = s[s["verdict"] == "missed"]
    if len(missed):
        lines += ["", "## Misses", "",
                  ("What the sensitivity runs below say about each miss (medians over their seeds; a person who has "
                   "read the mechanisms can say more, in the model's documentation, not here)."), ""]
        moves = shifts(v) if v.sensitivity_seeds else None
        for r, p in zip(missed.itertuples(), v.patterns.set_index("name").loc[missed["pattern"]].itertuples(),
                        strict=True):
            lines += [f"- `{r.pattern}`: {r.reason}.", f"  What moves it: {_what_moves(p, r.median, moves)}"]
    lines += _sensitivity_lines(v)
    return "\n".join(lines) + "\n"


def _sensitivity_lines(v: Validation) -> list[str]:
    if not v.sensitivity_seeds:
        return []
    t = shifts(v)
    lines = ["", "## Sensitivity", "",
             (f"Each key parameter at its low and high plausible value, the others at their defaults, over seeds "
              f"{_seeds(v.sensitivity_seeds)}, fewer than above; each shift is the median at that value minus "
              "the median of the same seeds at the default."), "",
             "| pattern | parameter | median at default | low value: median (shift) | high value: median (shift) |",
             "|---|---|---:|---:|---:|"]
    for r in t.itertuples():
        lines.append(f"| `{r.pattern}` | `{r.parameter}` = {_value(r.default)} | {_num(r.median_default)} | "
                     f"{_value(r.low)}: {_num(r.median_low)} ({_signed(r.shift_low)}) | "
                     f"{_value(r.high)}: {_num(r.median_high)} ({_signed(r.shift_high)}) |")
    lines += ["", "### Plausible values", "", "| parameter | default | low | high | why |", "|---|---:|---:|---:|---|"]
    lines += [f"| `{s.parameter}` | {_value(s.default)} | {_value(s.low)} | {_value(s.high)} | {s.why} |"
              for s in v.sensitivity.itertuples()]
    return lines


def _tree_state(commit: str | None) -> str:
    """', with uncommitted changes in vacuum_sim/' when the package differs from its commit (a report says so)."""
    if commit is None:
        return ""
    package = Path(__file__).parents[1]
    out = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "."], cwd=package,
                         capture_output=True, text=True, check=False, timeout=10)
    return ", with uncommitted changes in vacuum_sim/" if out.stdout.strip() else ""


def check_out(out: Path) -> None:
    """Refuse an --out that cannot be written before any run starts."""
    if out.is_dir():
        raise ScenarioError("--out", str(out), "is a folder; give the path of the Markdown file to write")
    if not out.parent.is_dir():
        raise ScenarioError("--out", str(out), f"its folder {out.parent} does not exist")
    if not os.access(out.parent, os.W_OK):
        raise ScenarioError("--out", str(out), f"its folder {out.parent} is not writable")


def write(text: str, out: Path) -> Path:
    """Write the report whole or not at all (through a temporary file renamed into place)."""
    partial = out.with_name(f".{out.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return out
