"""Every number of the lesson ``docs/teaching/capacity_gap.md``, regenerated from the model.

    .venv/bin/python experiments/lesson/generate.py [--seeds N] [--days D] [--workers W] [--lesson MD] [--record JSON]

Runs each arm of ``lesson.toml`` (a preset and levers moved, exactly as the app's Reset runs them) over
seeds 0 … N − 1 on the sweeps' local pool, then rewrites the lesson's generated blocks (between
``<!-- begin generated: NAME -->`` and ``<!-- end generated: NAME -->``) and writes ``numbers.json``: the
arms, seeds, package version, git commit, the numbers, and a hash of the sources they depend on (the model,
its inputs, the app's levers and numbers, this generator).  ``tests/test_lesson.py`` fails when that hash
no longer matches the sources: rerun this command.  Numbers are medians with the 10–90 % range over the
seeds, in the units the app shows them in.  About 2 minutes for 7 arms x 20 seeds on 2 workers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from vacuum_sim import __version__
from vacuum_sim.factions import STATE, UN, ZONES
from vacuum_sim.inputs.geography import MapError, load_map
from vacuum_sim.inputs.scenario import ScenarioError, available
from vacuum_sim.model.metrics import BENCHMARK_PER_1000, METRICS
from vacuum_sim.model.model import VacuumModel
from vacuum_sim.runs.runner import git_commit, resolve
from vacuum_sim.sweeps.runners import LocalPool
from vacuum_sim.sweeps.worker import Task
from vacuum_sim.views.app.levers import BY_PARAM, LEVERS
from vacuum_sim.views.app.replicates import NUMBERS
from vacuum_sim.views.app.session import Settings

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DEFINITION = HERE / "lesson.toml"
LESSON = ROOT / "docs" / "teaching" / "capacity_gap.md"
RECORD = HERE / "numbers.json"
COMMAND = "python experiments/lesson/generate.py"
# What the numbers depend on: a change in any of these files makes the lesson's numbers stale.
SOURCES = ("vacuum_sim/model", "vacuum_sim/inputs", "scenarios", "vacuum_sim/views/app/levers.py",
           "vacuum_sim/views/app/replicates.py", "experiments/lesson/lesson.toml", "experiments/lesson/generate.py")
# A generated block: multi-line ones start on the line after their begin marker; inline ones (a lever's label) do not.
BLOCK = re.compile(r"(<!-- begin generated: (?P<name>[\w-]+) -->)(.*?)(<!-- end generated: (?P=name) -->)", re.DOTALL)
BEFORE, ONE_YEAR = "2023-07-01", "2024-03-31"  # before the first UN camp closes; a year after the start
MONTH = 365.25 / 12
MOST = 0.65  # share of seeds that must agree for a seed-by-seed comparison to say "lower" or "higher"


# ---------------------------------------------------------------- the numbers, read from a run's daily metrics


@dataclass(frozen=True)
class Measure:
    label: str  # in the app's words and units
    read: Callable[[pd.DataFrame], float]  # NaN when the run does not reach the day it needs
    kind: str = "count"  # how it is printed: count, rate, troops, index, date
    reported: str = ""  # what the October 2023 analysis reported, where it did


def _on(column: str, day: str) -> Callable[[pd.DataFrame], float]:
    return lambda m: float(m.at[pd.Timestamp(day), column]) if pd.Timestamp(day) in m.index else np.nan


def _per_month(column: str, start: str, end: str) -> Callable[[pd.DataFrame], float]:
    """A flow's average per month over a window: what the monthly bars and the chart's black lines show."""
    def read(m: pd.DataFrame) -> float:
        first, last = pd.Timestamp(start), pd.Timestamp(end)
        if m.index[0] > first or m.index[-1] < last:
            return np.nan
        return float(m.loc[first:last, column].sum()) / (((last - first).days + 1) / MONTH)
    return read


def _whole_run_per_month(column: str) -> Callable[[pd.DataFrame], float]:
    return lambda m: float(m[column].sum()) / (len(m) / MONTH)


def _first_day(column: str) -> Callable[[pd.DataFrame], float]:
    """The day (from the start) a flag is first set; NaN if never."""
    return lambda m: float(np.argmax(m[column].to_numpy() > 0)) if (m[column] > 0).any() else np.nan


def _app(label: str) -> Measure:
    """One of the numbers the app's "Several seeds" table shows, read exactly as the app reads it."""
    number = {n.label: n for n in NUMBERS}[label]
    return Measure(number.label, number.read, "troops" if "troops" in label else "count", number.reported)


MEASURES = {
    "per1000_north_before": Measure("North: army, Wagner and UN personnel per 1,000 inhabitants, 1 July 2023",
                                    _on("security_per_1000_north", BEFORE), "rate"),
    "per1000_north_after": Measure("North: army, Wagner and UN personnel per 1,000 inhabitants, 31 March 2024",
                                   _on("security_per_1000_north", ONE_YEAR), "rate"),
    "per1000_national_after": Measure("All Mali: army, Wagner and UN personnel per 1,000 inhabitants, 31 March 2024",
                                      _on("security_per_1000_national", ONE_YEAR), "rate"),
    "needed_before": Measure("Gauge, 1 July 2023: troops needed", _on("n_troops_needed", BEFORE), "troops"),
    "available_before": Measure("Gauge, 1 July 2023: troops the army and Wagner have",
                                _on("n_troops_available", BEFORE), "troops"),
    "needed_after": Measure("Gauge, 31 March 2024: troops needed", _on("n_troops_needed", ONE_YEAR), "troops"),
    "available_after": Measure("Gauge, 31 March 2024: troops the army and Wagner have",
                               _on("n_troops_available", ONE_YEAR), "troops"),
    "largest_gap": _app("Largest capacity gap: troops needed minus available"),
    "ops_centre_before": Measure("Army operations in the centre per month, April–July 2023",
                                 _per_month("new_ops_centre", "2023-04-01", "2023-07-31"), "rate", "≈ 5"),
    "ops_north_month": Measure("Army operations in the north per month, 1 Aug–25 Oct 2023",
                               _per_month("new_ops_north", "2023-08-01", "2023-10-25"), "rate", "≥ 7.1"),
    "ops_centre_month": Measure("Army operations in the centre per month, 1 Aug–25 Oct 2023",
                                _per_month("new_ops_centre", "2023-08-01", "2023-10-25"), "rate", "0.7"),
    "ops_north_window": _app("Army operations in the north, 1 Aug–25 Oct 2023"),
    "ops_centre_window": _app("Army operations in the centre, 1 Aug–25 Oct 2023"),
    "vacated_state": _app("Vacated UN camps held by the army or Wagner after one year"),
    "jnim_centre": _app("Central towns held by JNIM after one year"),
    "csp_north": _app("Northern towns held by the rebels (CSP) after one year"),
    "jnim_south": Measure("Southern towns held by JNIM after one year", _on("n_towns_JNIM_south", ONE_YEAR)),
    "atrocities_wagner_month": Measure("Atrocities by Wagner per month, over the whole run",
                                       _whole_run_per_month("new_atrocities_Wagner"), "rate"),
    "grievance_north": Measure("Mean grievance in the north at the end (0–1)", lambda m: float(
        m["mean_grievance_north"].iloc[-1]), "index"),
    "grievance_centre": Measure("Mean grievance in the centre at the end (0–1)", lambda m: float(
        m["mean_grievance_centre"].iloc[-1]), "index"),
    "recruits_jnim": _app("Recruits who joined JNIM, whole run"),
    "recruits_csp": Measure("Recruits who joined the rebels (CSP), whole run",
                            lambda m: float(m["cum_recruits_CSP"].iloc[-1])),
    "joint_strikes": _app("JNIM–rebel strikes on the same place, whole run"),
    "war_date": Measure("The rebels (CSP) go to war with the state (ticker)", _first_day("n_csp_at_war"), "date",
                        "11 Sep 2023"),
}


# ---------------------------------------------------------------- the lesson's definition


class LessonError(ScenarioError):
    """Bad lesson input; the message names the file or flag, the key and what is allowed."""


@dataclass(frozen=True)
class Arm:
    key: str
    title: str
    settings: Settings  # what the app runs on Reset


def load_definition(path: Path = DEFINITION) -> dict:
    """The lesson's arms and experiments, checked: every preset bundled, every lever on the app's slider."""
    src = str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    try:
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise LessonError(src, None, f"cannot read it: {e}") from None
    presets = available()
    arms = {}
    for key, arm in spec.get("arms", {}).items():
        if arm.get("preset") not in presets:
            raise LessonError(src, f"arms.{key}.preset", f"{arm.get('preset')!r}; bundled: {', '.join(presets)}")
        settings = Settings.of_preset(arm["preset"])
        for param, value in arm.get("levers", {}).items():
            lever = BY_PARAM.get(param)
            if lever is None:
                raise LessonError(src, f"arms.{key}.levers.{param}", f"not a lever of the app; its levers: "
                                  f"{', '.join(BY_PARAM)}")
            if not isinstance(value, int | float) or lever.snap(value) != value:
                raise LessonError(src, f"arms.{key}.levers.{param}", f"{value!r} is not on the app's slider "
                                  f"({lever.shown(lever.low)}–{lever.shown(lever.high)}, step {lever.step:g})")
            settings = settings.with_lever(param, value)
        arms[key] = Arm(key, arm.get("title", key), settings)
    if spec.get("base") not in arms:
        raise LessonError(src, "base", f"{spec.get('base')!r}; give one of the arms: {', '.join(arms)}")
    for i, exp in enumerate(spec.get("experiments", [])):
        for field, known in (("arms", arms), ("numbers", MEASURES), ("compare", MEASURES)):
            unknown = [x for x in exp.get(field, []) if x not in known]
            if unknown:
                raise LessonError(src, f"experiments[{i}].{field}", f"unknown {', '.join(unknown)}; known: "
                                  f"{', '.join(known)}")
    return {"seeds": spec.get("seeds", 20), "base": spec["base"], "arms": arms, "experiments": spec["experiments"]}


def sources_hash(root: Path = ROOT) -> str:
    """SHA-256 over the files the numbers depend on (paths and contents, in a fixed order)."""
    files = []
    for entry in SOURCES:
        path = root / entry
        if path.is_file():
            files.append(path)
        for folder, dirs, names in os.walk(path, followlinks=True):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            files += [Path(folder) / n for n in names if not n.endswith((".pyc", ".partial"))]
    digest = hashlib.sha256()
    for file in sorted(files, key=lambda f: f.relative_to(root).as_posix()):
        digest.update(file.relative_to(root).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


# ---------------------------------------------------------------- running the arms


def starting_forces(scenario, mali) -> dict:
    """Per zone on the first day: census inhabitants, army and Wagner, UN (inputs, the same in every seed)."""
    model = VacuumModel(scenario, rng=0, mali=mali)
    out = {}
    for z, zone in enumerate(ZONES):
        here = np.asarray(model.zone) == z
        out[zone] = {"inhabitants": float(model.catchment[here].sum()),
                     "state": float(model.presence[here][:, list(STATE)].sum()),
                     "un": float(model.presence[here, UN].sum())}
    return out


def measure(definition: dict, seeds: int, days: int | None, workers: int) -> dict:
    """Run every arm over seeds 0 … seeds − 1 on the sweeps' local pool; the record of the numbers."""
    sources, commit = sources_hash(), git_commit()  # before the runs: what they run
    mali = load_map()
    arms = list(definition["arms"].values())
    scenarios = {arm.key: resolve(arm.settings.preset, days, dict(arm.settings.levers), mali) for arm in arms}
    tasks = [Task(run=i * seeds + seed, point=i, seed=seed, scenario=scenarios[arm.key], values={},
                  metrics=METRICS, days=tuple(range(scenarios[arm.key].days + 1)))
             for i, arm in enumerate(arms) for seed in range(seeds)]
    values: dict[str, dict[str, list[float]]] = {arm.key: {k: [np.nan] * seeds for k in MEASURES} for arm in arms}
    clock = time.perf_counter()
    pool = LocalPool(workers)
    try:
        for outcome in pool.outcomes(tasks):
            task = tasks[outcome.run]
            if outcome.error is not None or outcome.parquet is None:
                raise RuntimeError(f"arm {arms[task.point].key}, seed {task.seed}: {outcome.error}")
            table = pq.read_table(pa.BufferReader(outcome.parquet)).to_pandas()
            m = table.pivot(index="date", columns="metric", values="value")[list(METRICS)]
            m.index = pd.DatetimeIndex(m.index, name="date")
            for key, spec in MEASURES.items():
                values[arms[task.point].key][key][task.seed] = spec.read(m)
    finally:
        pool.close()
    seconds = time.perf_counter() - clock
    start = min(s.start_date for s in scenarios.values())
    return {
        "command": COMMAND, "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "version": __version__, "git_commit": commit, "sources_sha256": sources,
        "sources": list(SOURCES), "starting_forces": starting_forces(scenarios[definition["base"]], mali),
        "seeds": list(range(seeds)), "workers": workers, "runs": len(tasks),
        "seconds": round(seconds, 1), "start_date": start.isoformat(),
        "arms": {arm.key: {"title": arm.title, "preset": arm.settings.preset, "scenario": scenarios[arm.key].name,
                           "days": scenarios[arm.key].days,
                           "levers": {p: v for p, v in arm.settings.levers
                                      if v != Settings.of_preset(arm.settings.preset).lever(p)}}
                 for arm in arms},
        "values": {arm: {k: [None if np.isnan(v) else v for v in vs] for k, vs in numbers.items()}
                   for arm, numbers in values.items()},  # null: the run does not reach that day (or never does it)
    }


# ---------------------------------------------------------------- writing them into the lesson


def _number(x: float, kind: str, start: str, year: bool = True) -> str:
    if np.isnan(x):
        return "—"
    if kind == "date":
        return f"{pd.Timestamp(start) + pd.Timedelta(days=round(x)):%-d %b{' %Y' * year}}"
    if kind == "rate":
        return f"{x:,.1f}"
    if kind == "index":
        return f"{x:.2f}"
    if kind == "troops":
        return f"{round(x, -2):,.0f}"
    return f"{x:,.0f}" if float(x).is_integer() or abs(x) >= 10 else f"{x:,.1f}"


def spread(values: list[float], kind: str, start: str) -> str:
    """'5 (3–7)': the median and the 10–90 % range over the seeds, and how many runs never reach it."""
    x = np.array(values, dtype=float)
    finite = x[np.isfinite(x)]
    if not len(finite):
        return "never" if kind == "date" else "—"
    low, median, high = np.percentile(finite, [10, 50, 90])
    short = kind == "date" and _number(low, kind, start)[-4:] == _number(high, kind, start)[-4:]  # one year
    text = (f"{_number(median, kind, start)} ({_number(low, kind, start, not short)}–"
            f"{_number(high, kind, start, not short)})")
    missing = len(x) - len(finite)
    return text + (f"; never in {missing} of {len(x)} runs" if missing and kind == "date" else "")


def compared(base: list[float], other: list[float]) -> str:
    """Seed by seed (the same chance events): a verdict, then in how many runs the arm is lower, higher or equal.

    The verdict says "lower" or "higher" only when at least :data:`MOST` of the seeds agree."""
    a, b = np.array(base, dtype=float), np.array(other, dtype=float)
    both = np.isfinite(a) & np.isfinite(b)
    n = int(both.sum())
    if not n:
        return "not reached in these runs"
    lower, higher = int(np.sum(b[both] < a[both])), int(np.sum(b[both] > a[both]))
    verdict = "lower in most seeds" if lower >= MOST * n else "higher in most seeds" if higher >= MOST * n else \
        "no clear difference"
    return f"**{verdict}** (lower in {lower}, higher in {higher}, equal in {n - lower - higher} of {n} seeds)"


def render(record: dict, definition: dict) -> dict[str, str]:
    """The lesson's generated blocks, from the record and the app's own labels (so labels cannot drift)."""
    start, arms, base = record["start_date"], definition["arms"], definition["base"]
    seeds = record["seeds"]
    blocks = {"provenance": (
        f"Generated by `{record['command']}` on {record['generated'][:10]}: {len(arms)} arms × {len(seeds)} seeds "
        f"(seeds {seeds[0]}–{seeds[-1]}, the seeds of the app's *Several seeds* tab), {record['runs']} runs of "
        f"{max(a['days'] for a in record['arms'].values())} days in {record["seconds"]:.0f} s on "
        f"{record['workers']} worker{'s' * (record['workers'] > 1)}; package {record['version']}, git commit "
        f"{(record['git_commit'] or 'unknown')[:10]}, sources hash {record['sources_sha256'][:12]} "
        "(full record: `experiments/lesson/numbers.json`).\n")}
    blocks["levers"] = "| lever, as the app labels it | slider | `historical_2023` |\n|---|---|---|\n" + "".join(
        f"| {lever.label} | {lever.shown(lever.low)} to {lever.shown(lever.high)}, step {lever.shown(lever.step)} "
        f"| {lever.shown(Settings.of_preset('historical_2023').lever(lever.param))} |\n" for lever in LEVERS)
    rows = [("| zone | inhabitants (2022 census) | army and Wagner | UN | per 1,000 with the UN | per 1,000 without "
            f"the UN | needed at {BENCHMARK_PER_1000} per 1,000 |\n"), "|---|" + "---:|" * 6 + "\n"]
    for zone, f in record["starting_forces"].items():
        people = f["inhabitants"]
        rows.append(f"| {zone} | {people:,.0f} | {f['state']:,.0f} | {f['un']:,.0f} | "
                    f"{1000 * (f['state'] + f['un']) / people:.1f} | {1000 * f['state'] / people:.1f} | "
                    f"{BENCHMARK_PER_1000 * people / 1000:,.0f} |\n")
    blocks["arithmetic"] = "".join(rows)
    presets = available()
    for exp in definition["experiments"]:
        key = exp["key"]
        lines = []
        for name in exp["arms"]:
            arm = arms[name]
            moved = Settings.of_preset(arm.settings.preset).changes(arm.settings)
            moved_from_base = Settings.of_preset("historical_2023").changes(Settings.of_preset(arm.settings.preset))
            how = f"Preset **`{arm.settings.preset}`** ({presets[arm.settings.preset].rstrip('.')})"
            levers = [m for m in moved_from_base if not m.startswith("preset ")]
            if levers:
                how += "; against `historical_2023` it moves " + "; ".join(f"**{m}**" for m in levers)
            if moved:
                how += "; then move " + "; ".join(f"**{m}**" for m in moved)
            lines.append(f"- *{arm.title}*: {how}; press **Reset**.\n")
        blocks[f"setup-{key}"] = "".join(lines)
        header = "| number | " + " | ".join(arms[a].title for a in exp["arms"]) + " | reported (2023) |\n"
        rows = [header, "|---|" + "---:|" * len(exp["arms"]) + "---|\n"]
        for number in exp["numbers"]:
            spec = MEASURES[number]
            cells = [spread(record["values"][a][number], spec.kind, start) for a in exp["arms"]]
            rows.append(f"| {spec.label} | " + " | ".join(cells) + f" | {spec.reported or '—'} |\n")
        text = "".join(rows)
        notes = [f"- {MEASURES[number].label}: *{arms[a].title}* against *{arms[base].title}*: "
                 f"{compared(record['values'][base][number], record['values'][a][number])}.\n"
                 for number in exp.get("compare", []) for a in exp["arms"] if a != base]
        if notes:
            text += "\nSeed by seed (each seed gives both runs the same chance events):\n\n" + "".join(notes)
        blocks[f"numbers-{key}"] = text
    blocks = {name: "\n\n" + text + "\n" for name, text in blocks.items()}  # blank lines around: plain Markdown
    blocks |= {f"label-{lever.param}": f"**{lever.label}**" for lever in LEVERS}
    for key, arm in arms.items():
        moved = preset_levers(arm.settings.preset)
        blocks[f"moved-{key}"] = " and ".join(f"**{BY_PARAM[p].label}**" for p in moved) or None  # see fill()
    return blocks


def preset_levers(preset: str) -> list[str]:
    """The levers a preset sets apart from ``historical_2023`` (the app shows them moved when it is chosen)."""
    mine, base = Settings.of_preset(preset), Settings.of_preset("historical_2023")
    return [p for p, v in mine.levers if v != base.lever(p)]


def fill(text: str, blocks: dict[str, str], source: str, required: list[str]) -> str:
    """``text`` with every generated block replaced; a required block missing, or an unknown one, is an error."""
    found = [m.group("name") for m in BLOCK.finditer(text)]
    missing, unknown = sorted(set(required) - set(found)), sorted(set(found) - set(blocks))
    if missing or unknown:
        what = "; ".join(filter(None, [missing and f"no block for {', '.join(missing)}",
                                       unknown and f"unknown blocks {', '.join(unknown)}"]))
        raise LessonError(source, "generated blocks", f"{what} (each '<!-- begin generated: NAME -->' needs its "
                          "'<!-- end generated: NAME -->')")
    empty = sorted({name for name in found if blocks[name] is None})
    if empty:
        raise LessonError(source, "generated blocks", f"{', '.join(empty)}: the arm's preset moves no lever of the "
                          "app, so the lesson cannot name one (change the preset, or the sentence)")
    return BLOCK.sub(lambda m: m.group(1) + blocks[m.group("name")] + m.group(4), text)


def blocks_in(text: str) -> dict[str, str]:
    """The generated blocks as they stand in a lesson (what a test compares with :func:`render`)."""
    return {m.group("name"): m.group(3) for m in BLOCK.finditer(text)}


def as_json(record: dict) -> str:
    """The record, indented, with each list of numbers on one line (a regenerated record diffs line by line)."""
    text = json.dumps(record, indent=1, ensure_ascii=False)
    return re.sub(r"\[\s*([^\[\]{}]*?)\s*\]", lambda m: "[" + re.sub(r",\s+", ", ", m.group(1)) + "]", text) + "\n"


def _write(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, help="replicates per arm (seeds 0 … N−1; default: lesson.toml's)")
    parser.add_argument("--days", type=int, help="shorten every run (tests); default: each preset's own length")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--lesson", type=Path, default=LESSON, help="the lesson to write the numbers into")
    parser.add_argument("--record", type=Path, default=RECORD, help="where to write the JSON record")
    args = parser.parse_args(argv)
    try:
        definition = load_definition()
        seeds = definition["seeds"] if args.seeds is None else args.seeds
        if seeds < 1 or args.workers < 1:
            raise LessonError("--seeds" if seeds < 1 else "--workers", None, "must be a whole number >= 1")
        for path, flag in ((args.lesson, "--lesson"), (args.record, "--record")):
            if not path.parent.is_dir() or not os.access(path.parent, os.W_OK):
                raise LessonError(flag, str(path), "its folder does not exist or is not writable")
        try:
            lesson = args.lesson.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise LessonError("--lesson", str(args.lesson), f"cannot read it: {e}") from None
        names = render_names(definition)
        fill(lesson, dict.fromkeys(names + inline_names(definition), ""), str(args.lesson), names)  # checked first
        record = measure(definition, seeds, args.days, args.workers)
        lesson = args.lesson.read_text(encoding="utf-8")  # again: the text may have been edited during the runs
        text = fill(lesson, render(record, definition), str(args.lesson), names)
    except (ScenarioError, MapError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    _write(args.lesson, text)
    _write(args.record, as_json(record))
    print(f"{args.lesson}: {record['runs']} runs in {record['seconds']:.0f} s on {args.workers} workers; "
          f"record {args.record}")
    return 0


def inline_names(definition: dict) -> list[str]:
    """The inline blocks a lesson may use: a lever's label, and the labels of the levers an arm's preset moves."""
    return [*(f"label-{lever.param}" for lever in LEVERS), *(f"moved-{arm}" for arm in definition["arms"])]


def render_names(definition: dict) -> list[str]:
    """The names of the generated blocks a lesson must have."""
    return ["provenance", "levers", "arithmetic", *(f"{p}-{e['key']}" for e in definition["experiments"] for p in ("setup",
                                                                                                        "numbers"))]


if __name__ == "__main__":
    sys.exit(main())
