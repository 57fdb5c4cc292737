"""What a calibration fits: the sourced 2023 patterns and, optionally, a user's event counts.

A run is reduced to summary statistics — each pattern's value, and the run's event
counts in the data's cells — and its distance to the targets is

    sqrt(mean over patterns of (gap to the pattern's [low, high] / scale)²
         + mean over cells of (sqrt(simulated) − sqrt(observed))²)

The square roots make count differences comparable across busy and quiet cells
(the variance-stabilising transform of a Poisson count); a pattern's scale is its
lower bound (or upper, when it has none), at least 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from vacuum_sim.inputs.scenario import ScenarioError
from vacuum_sim.observed import counts as cnt
from vacuum_sim.observed import vocabulary as vocab
from vacuum_sim.observed.patterns import load_patterns, pattern_value
from vacuum_sim.observed.readers import read_events, simulated


class CalibrationError(ScenarioError):
    """Bad calibration input; the message names the file, the key and what is allowed."""


@dataclass(frozen=True)
class Targets:
    """The targets of one calibration, small enough to send to every worker."""

    patterns: pd.DataFrame | None  # rows of the pattern table, or None
    grid: pd.MultiIndex | None  # the data's cells (admin1 × month × event type), or None
    observed: np.ndarray | None  # observed events per cell
    fmt: str = "acled"

    def statistics(self, metrics: pd.DataFrame, events: pd.DataFrame,
                   control: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """A run's pattern values and event counts per data cell (empty arrays where there is no such target)."""
        values = np.array([pattern_value(p, metrics, events, control) for p in self.patterns.itertuples()]) \
            if self.patterns is not None else np.zeros(0)
        cells = cnt.counts(cnt.as_compared(simulated(events), self.fmt), self.grid)["events"].to_numpy() \
            if self.grid is not None else np.zeros(0)
        return values, cells.astype(float)

    def distance(self, values: np.ndarray, cells: np.ndarray) -> float:
        total = 0.0
        if self.patterns is not None:
            low, high = self.patterns["low"].to_numpy(), self.patterns["high"].to_numpy()
            gap = np.maximum(np.nan_to_num(low, nan=-np.inf) - values, 0) + \
                np.maximum(values - np.nan_to_num(high, nan=np.inf), 0)
            scale = np.maximum(np.where(np.isnan(low) | (low == 0), np.nan_to_num(high, nan=1.0), low), 1.0)
            total += np.mean((gap / scale) ** 2)
        if self.grid is not None:
            total += np.mean((np.sqrt(cells) - np.sqrt(self.observed)) ** 2)
        return float(np.sqrt(total))


def build(use_patterns: bool, data: str | None, start: date, days: int, source: str) -> Targets:
    """The targets for a calibration over ``days`` from ``start``; errors name the calibration file."""
    patterns = None
    if use_patterns:
        patterns = load_patterns()
        end = pd.Timestamp(start) + pd.Timedelta(days=days)
        late = patterns[patterns["end"] > end]
        if len(late):
            raise CalibrationError(source, "days", f"the pattern {late['name'].iloc[0]} ends on "
                                  f"{late['end'].iloc[0].date()}: the horizon must reach it (or patterns = false)")
    if data is None:
        return Targets(patterns, None, None)
    events, report = read_events(data)
    months = cnt.whole_months(start, days).intersection(
        pd.period_range(events["date"].min(), events["date"].max(), freq="M")) if len(events) else []
    if not len(months):
        raise CalibrationError(source, "targets.data", f"{data} has no event in a whole month of the horizon")
    regions = list(vocab.regions()) + sorted(set(events["admin1"]) - set(vocab.regions()))
    grid = cnt.cells(regions, months, report.format, by_actor=False)
    observed = cnt.counts(events, grid)["events"].to_numpy().astype(float)
    return Targets(patterns, grid, observed, report.format)
