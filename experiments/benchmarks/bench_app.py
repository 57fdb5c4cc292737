"""Speed of the classroom app: how long one weekly frame takes, for each view a class can have on screen.

A frame is what the page does for each week of Play: step the model seven days, read the frame's tables,
work out the ticker and the gauge, and draw the view: the map (blitted, in the page's process) or a chart
(the report's builder, in the helper process, overlapping the next week's model steps as in the app).
Here every week's picture is drawn (the app skips chart frames when its helper falls behind; this does
not), over the whole two-year historical_2023 run, without the app's pace limit.  The number printed
first is the slowest view's mean wall-clock time; each view's processor time per frame (that of the busier
of the two processes) says what the machine would give with nothing else running.  Target: app frame
<= 0.3 s, so that two years play in well under a minute (the app shows at most four frames a second:
105 frames in about 26 s).

Usage: python experiments/benchmarks/bench_app.py
"""

from __future__ import annotations

import os
import statistics
import time

import pandas as pd

from vacuum_sim.views.app import charts, workers
from vacuum_sim.views.app.map import MapPicture
from vacuum_sim.views.app.session import DAYS_PER_FRAME, FRAME_SECONDS, Run, Settings, mali
from vacuum_sim.views.app.ticker import key_events

VIEWS = ("Map", *charts.CHARTS)


def timed_draw(job: charts.Job) -> float:
    """The helper's processor seconds for one chart (runs in the helper process)."""
    started = time.process_time()
    charts.draw(job)
    return time.process_time() - started


def play(view: str) -> dict:
    """Play a whole run with ``view`` on screen; the seconds per frame and their parts."""
    run = Run(Settings.of_preset())
    previous = Run(Settings.of_preset("no_wagner"))  # the last run, drawn faintly on every chart
    previous.advance(run.days)
    picture = MapPicture(run.towns, mali().corridors, set(run.forces[0]["faction"])) if view == "Map" else None
    start = pd.Timestamp(run.scenario.start_date)
    span = (start, start + pd.Timedelta(days=run.days))
    parts = {"model": [], "ticker": [], "picture": []}
    cpu, helper_cpu, pending = [], [], None
    began = time.perf_counter()
    frames = 0
    while not run.finished:
        t0, c0 = time.perf_counter(), time.process_time()
        run.advance(DAYS_PER_FRAME)
        frame = run.frame()
        t1 = time.perf_counter()
        key_events(frame)
        frame.metrics.iloc[-1][["n_troops_needed", "n_troops_available"]].to_numpy()  # the gauge
        t2 = time.perf_counter()
        if picture is not None:
            picture.png(frame)
        else:
            if pending is not None:
                helper_cpu.append(pending.result())  # one chart in flight at a time, as in the app
            job = charts.Job(charts.CHARTS[view], span, frame.towns, frame.metrics, frame.control,
                             previous=(previous.metrics, previous.control))
            pending = workers.pool("charts").submit(timed_draw, job)
        t3 = time.perf_counter()
        cpu.append(time.process_time() - c0)
        for part, seconds in zip(parts, (t1 - t0, t2 - t1, t3 - t2)):
            parts[part].append(seconds)
        frames += 1
    if pending is not None:
        helper_cpu.append(pending.result())
    total = time.perf_counter() - began
    # On an idle machine the page's process and the helper work side by side: a frame costs the larger of the two.
    idle = max(statistics.mean(cpu), statistics.mean(helper_cpu) if helper_cpu else 0.0)
    return {"frames": frames, "frame": total / frames, "idle": idle, **{k: statistics.mean(v) for k, v in parts.items()}}


def main() -> None:
    workers.pool("charts").submit(int).result()  # start the helper process before timing
    load = os.getloadavg()[0]
    results = {view: play(view) for view in VIEWS}
    worst = max(results, key=lambda v: results[v]["frame"])
    print(f"app frame: {results[worst]['frame']:.3f}")
    print(f"  (slowest view: {worst}; mean over {results[worst]['frames']} weekly frames of a two-year run, "
          f"every frame drawn; load average at start {load:.1f} on {os.cpu_count()} cores)")
    for view, r in results.items():
        where = "map blitted in the page's process" if view == "Map" else "chart drawn in the helper process"
        print(f"  {view:24s} {r['frame']:.3f} s/frame  (model week {r['model']:.3f}, ticker and gauge "
              f"{r['ticker']:.3f}, {where} {r['picture']:.3f} in the loop; processor time per frame, the "
              f"larger of the two processes: {r['idle']:.3f})")
    pace = max(results[worst]["frame"], FRAME_SECONDS)
    print(f"  two years at the app's pace (at most {1 / FRAME_SECONDS:.0f} frames a second): "
          f"{results[worst]['frames'] * pace:.0f} s")


if __name__ == "__main__":
    main()
