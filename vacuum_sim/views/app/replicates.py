"""Several seeds in one click: the run on screen repeated over seeds 0 … N−1 in a helper process.

One run is one possible history.  The lesson's numbers are reported over the replicates as a median
and a 10–90 % range, beside the value of the run on screen.  Every preset uses the same seeds, so two
presets compared here differ by their settings, not by their luck (common random numbers).
"""

from __future__ import annotations

import concurrent.futures as cf
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from vacuum_sim.inputs.geography import load_map
from vacuum_sim.inputs.scenario import Scenario
from vacuum_sim.runs.runner import simulate
from vacuum_sim.views.app import workers


@dataclass(frozen=True)
class Number:
    """One number the lesson quotes, read from a run's daily metrics."""

    label: str
    read: Callable[[pd.DataFrame], float]  # NaN when the run does not reach the date it needs
    reported: str = ""  # what was observed, where there is a report to compare with


def _window(column: str, start: str, end: str) -> Callable[[pd.DataFrame], float]:
    def read(m: pd.DataFrame) -> float:
        covered = m.index[0] <= pd.Timestamp(start) and m.index[-1] >= pd.Timestamp(end)
        return float(m.loc[start:end, column].sum()) if covered else np.nan
    return read


def _on_day(column: str, day: int) -> Callable[[pd.DataFrame], float]:
    return lambda m: float(m[column].iloc[day]) if len(m) > day else np.nan


def _at_end(column: str) -> Callable[[pd.DataFrame], float]:
    return lambda m: float(m[column].iloc[-1])


NUMBERS = (
    Number("Army operations in the north, 1 Aug–25 Oct 2023", _window("new_ops_north", "2023-08-01", "2023-10-25"),
           "≥ 20"),
    Number("Army operations in the centre, 1 Aug–25 Oct 2023", _window("new_ops_centre", "2023-08-01", "2023-10-25"),
           "2"),
    Number("Central towns held by JNIM after one year", _on_day("n_towns_JNIM_centre", 365)),
    Number("Northern towns held by the rebels (CSP) after one year", _on_day("n_towns_CSP_north", 365)),
    Number("Vacated UN camps held by the army or Wagner after one year", _on_day("n_vacated_held_state", 365)),
    Number("Largest capacity gap: troops needed minus available",
           lambda m: float((m["n_troops_needed"] - m["n_troops_available"]).clip(lower=0).max())),
    Number("Atrocities by Wagner, whole run", _at_end("cum_atrocities_Wagner")),
    Number("Recruits who joined JNIM, whole run", _at_end("cum_recruits_JNIM")),
    Number("JNIM–rebel strikes on the same place, whole run", _at_end("cum_joint_strikes")),
)


def summary(runs: list[pd.DataFrame], this_run: pd.DataFrame | None = None) -> pd.DataFrame:
    """The lesson's numbers over ``runs``: median and 10–90 % range, with the run on screen beside them."""
    rows = []
    for number in NUMBERS:
        values = np.array([number.read(m) for m in runs], dtype=float)
        values = values[np.isfinite(values)]
        low, median, high = np.percentile(values, [10, 50, 90]) if len(values) else (np.nan,) * 3
        rows.append({"number": number.label, "this run": number.read(this_run) if this_run is not None else np.nan,
                     "median": median, "10 %": low, "90 %": high, "reported": number.reported})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- in the helper process


@cache
def _mali():
    return load_map()


def replicate(scenario: Scenario, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One replicate's (metrics, control) tables (runs in the helper process)."""
    model = simulate(scenario, seed, _mali())
    return model.history.metrics_frame(model), model.history.control_frame(model)


# ---------------------------------------------------------------- in the app's process

class Replicates:
    """One batch of replicates of a scenario, filled in as the runs finish; ``on_change()`` after each."""

    def __init__(self, settings, scenario: Scenario, seeds: int, on_change: Callable[[], None]):
        self.settings, self.scenario, self.seeds = settings, scenario, tuple(range(seeds))
        self.label = f"{settings.describe()} over seeds 0–{seeds - 1}"
        self.results: dict[int, tuple[pd.DataFrame, pd.DataFrame]] = {}
        self.error: str | None = None
        self._lock = threading.Lock()
        self._on_change = on_change
        self._futures = {workers.pool("replicates").submit(replicate, scenario, seed): seed for seed in self.seeds}
        # Waited for in a thread started here: a thread belongs to the page of the thread that starts it.
        threading.Thread(target=self._collect, name="vacuum-sim replicates", daemon=True).start()

    @property
    def finished(self) -> bool:
        return len(self.results) == len(self.seeds) or self.error is not None

    def metrics(self) -> list[pd.DataFrame]:
        with self._lock:
            return [self.results[s][0] for s in sorted(self.results)]

    def controls(self) -> list[pd.DataFrame]:
        with self._lock:
            return [self.results[s][1] for s in sorted(self.results)]

    def cancel(self) -> None:
        self._on_change = lambda: None
        for future in self._futures:
            future.cancel()

    def _collect(self) -> None:
        for future in cf.as_completed(self._futures):
            if future.cancelled():
                continue
            try:
                result = future.result()
            except Exception as e:  # noqa: BLE001 -- the page says which seed failed and why
                traceback.print_exception(e)
                self.error = f"seed {self._futures[future]}: {type(e).__name__}: {e}"
            else:
                with self._lock:
                    self.results[self._futures[future]] = result
            self._on_change()
