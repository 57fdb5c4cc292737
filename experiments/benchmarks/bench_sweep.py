"""Sweep benchmark: speed-up with two workers, per-run overhead, memory at scale, and Mesa's batch_run.

    .venv/bin/python experiments/benchmarks/bench_sweep.py        (about 5 minutes on 2 cores)

Every measurement runs in a fresh child process (this script with ``--child``), so
each pays its own worker start-up and imports, and the parent samples the memory
of the child's whole process tree: the proportional set size (PSS) summed over its
processes, which counts a page shared by forked workers once, not once per process.
Other work on the machine skews the timings, so the load average is printed first.
It ends with the line
``sweep ratios: workers2/1=<x> overhead=<y>% memory1000/50=<z> vs_batch_run=<w>``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import mesa
import psutil

from vacuum_sim.inputs.geography import load_map
from vacuum_sim.inputs.scenario import apply_changes
from vacuum_sim.model.metrics import METRICS
from vacuum_sim.model.model import VacuumModel
from vacuum_sim.runs.runner import resolve
from vacuum_sim.sweeps.sweep import sweep

SPEED_RUNS = {"days": 1095, "seeds": 4, "levels": {"fama_manpower": [9000, 12000, 18000], "reclaim_weight": [0.5, 0.9]}}
SHORT_DAYS = 20  # the memory runs: short, so that 1,000 of them take half a minute
KEEP = ["n_towns_JNIM_centre", "n_towns_CSP_north", "n_vacated_held_state", "n_vacated_held_CSP", "n_troops_needed",
        "n_troops_available", "new_ops_north", "new_ops_centre", "cum_recruits_JNIM", "mean_influence_JNIM_centre"]


def experiment(folder: Path, days: int, seeds: int, levels: dict, metrics: list[str] | None, every: int) -> Path:
    folder.mkdir(parents=True)
    factors = "\n".join(f"{k} = {{ levels = {json.dumps(v)} }}" for k, v in levels.items())
    output = f"metrics = {json.dumps(metrics)}\n" if metrics else ""
    (folder / "experiment.toml").write_text(f'days = {days}\nreplicates = {seeds}\n[design]\ntype = "full_factorial"\n'
                                            f"[factors]\n{factors}\n[output]\n{output}every = {every}\n")
    return folder


def measure(*args) -> tuple[dict, float]:
    """Run this script as ``--child *args``; return its JSON answer and the peak PSS of its process tree (MB)."""
    proc = subprocess.Popen([sys.executable, __file__, "--child", *map(str, args)], stdout=subprocess.PIPE, text=True)
    root, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        total = 0
        for p in [root, *root.children(recursive=True)]:
            try:
                total += p.memory_full_info().pss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass  # a worker that just ended
        peak = max(peak, total)
        time.sleep(0.1)
    out = proc.stdout.read()
    if proc.returncode:
        raise SystemExit(f"child {args} failed with status {proc.returncode}")
    return json.loads(out.strip().splitlines()[-1]), peak / 2**20


# ------------------------------------------------------------------- children
def today(metric: str):
    """A model reporter: the metric's value recorded today."""
    i = METRICS.index(metric)
    return lambda model: model.history.values[model.history.rows - 1, i]


class BatchRunModel(VacuumModel):
    """VacuumModel as ``mesa.batch_run`` needs it: keyword parameters, ``rng`` and a ``datacollector``."""

    MAP = load_map()  # once per process, as the sweep's workers do

    def __init__(self, rng=None, days=365, keep="", **params):
        base = resolve("historical_2023", days=days, mali=self.MAP)
        super().__init__(apply_changes(base, {"params": params}, "batch_run", self.MAP), rng=rng, mali=self.MAP)
        self.datacollector = mesa.DataCollector({m: today(m) for m in (keep.split(",") if keep else METRICS)})
        self.datacollector.collect(self)

    def step(self):
        super().step()
        self.datacollector.collect(self)


def child_sweep(exp: str, out: str, workers: str) -> dict:
    start = time.perf_counter()
    report = sweep(exp, out=out, workers=int(workers), progress=False)
    return {"wall": time.perf_counter() - start, "model": report.model_seconds, "runs": report.done}


def child_batch_run(days: str, seeds: str, levels: str, keep: str, period: str, workers: str) -> dict:
    """``keep``: comma-separated metrics ("" for all), a string so that batch_run does not sweep over it."""
    start = time.perf_counter()
    rows = mesa.batch_run(BatchRunModel, {**json.loads(levels), "days": int(days), "keep": keep}, rng=range(int(seeds)),
                          number_processes=int(workers), data_collection_period=int(period), max_steps=int(days),
                          display_progress=False)
    return {"wall": time.perf_counter() - start, "runs": len({r["RunId"] for r in rows})}


# ------------------------------------------------------------------- the benchmark
def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench_sweep_"))
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    s = SPEED_RUNS
    speed = experiment(tmp / "speed", s["days"], s["seeds"], s["levels"], KEEP, 7)
    start_up, _ = measure("sweep", experiment(tmp / "one", 1, 1, {"reclaim_weight": [0.5]}, KEEP, 7), tmp / "one_out", 1)
    one, _ = measure("sweep", speed, tmp / "speed1", 1)
    two, mem_two = measure("sweep", speed, tmp / "speed2", 2)
    per_run = one["model"] / one["runs"]
    print(f"speed: {one['runs']} runs of {s['days']} days, {len(KEEP)} metrics every 7 days")
    print(f"  1 worker : {one['wall']:6.1f} s  ({one['runs'] / one['wall']:.3f} runs/s; {per_run:.2f} s in the model per run)")
    print(f"  2 workers: {two['wall']:6.1f} s  ({two['runs'] / two['wall']:.3f} runs/s; "
          f"{two['model'] / two['runs']:.2f} s in the model per run: the two cores slow each other down)")
    speedup = one["wall"] / two["wall"]
    print(f"  throughput 2 workers / 1 = {speedup:.2f} (target >= 1.8)")
    fixed = start_up["wall"] - start_up["model"]
    extra = one["wall"] - one["model"]
    overhead = 100 * extra / one["model"]
    print(f"  overhead, 1 worker: {extra:.2f} s = {overhead:.1f} % of model time (target <= 5 %): {fixed:.2f} s once per "
          f"sweep (worker pool start and imports, manifest, summary) + {1000 * (extra - fixed) / one['runs']:.1f} ms "
          f"per run (task pickling, Parquet encoding, writing) = {100 * (extra - fixed) / one['model']:.1f} %")

    batch, mem_batch = measure("batch_run", s["days"], s["seeds"], json.dumps(s["levels"]), ",".join(KEEP), 7, 2)
    vs_batch = batch["wall"] / two["wall"]
    print(f"  mesa.batch_run, same design and data, 2 processes: {batch['wall']:6.1f} s; "
          f"sweep throughput / batch_run = {vs_batch:.2f} (target >= 1.5); peak memory {mem_batch:.0f} MB vs sweep "
          f"{mem_two:.0f} MB")

    print(f"memory: short runs ({SHORT_DAYS} days), every metric every day, 2 workers")
    peaks = {}
    for n in (50, 1000):
        levels = {"reclaim_weight": [round(0.3 + 0.6 * i / (n // 10 - 1), 6) for i in range(n // 10)]}
        exp = experiment(tmp / f"memory{n}", SHORT_DAYS, 10, levels, None, 1)
        result, peaks[n] = measure("sweep", exp, tmp / f"memory{n}_out", 2)
        print(f"  sweep     {result['runs']:4d} runs: {result['wall']:5.1f} s, peak memory of the process tree "
              f"{peaks[n]:.0f} MB")
        batch, mem_batch = measure("batch_run", SHORT_DAYS, 10, json.dumps(levels), "", 1, 2)
        print(f"  batch_run {batch['runs']:4d} runs: {batch['wall']:5.1f} s, peak memory {mem_batch:.0f} MB")
    memory = peaks[1000] / peaks[50]
    print(f"  sweep memory 1000 runs / 50 runs = {memory:.2f} (target <= 1.2)")
    print(f"sweep folders in {tmp}")
    print(f"sweep ratios: workers2/1={speedup:.2f} overhead={overhead:.1f}% memory1000/50={memory:.2f} "
          f"vs_batch_run={vs_batch:.2f}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        task = {"sweep": child_sweep, "batch_run": child_batch_run}[sys.argv[2]]
        print(json.dumps(task(*sys.argv[3:])))
    else:
        main()
