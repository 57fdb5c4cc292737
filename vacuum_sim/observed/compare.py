"""``vacuum-sim compare``: simulated events (one run, replicates or a frozen forecast) against a data export.

The scored window is the whole months both cover (for a forecast, its forecast
months).  The no-change baseline repeats the last observed month before the window;
when the data start with the window, its first month serves as that reference and is
not scored, for the model and the baselines alike.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from vacuum_sim import __version__
from vacuum_sim.observed import counts as cnt
from vacuum_sim.observed import vocabulary as vocab
from vacuum_sim.observed.readers import DataError, ReadReport, read_events, simulated
from vacuum_sim.observed.scores import no_change, score_table
from vacuum_sim.runs.results import load_run, run_folder
from vacuum_sim.runs.runner import git_commit

FORECAST_FILE = "forecast.json"  # marks a frozen forecast folder (see sweeps/calibration/forecast.py)


@dataclass
class Simulated:
    """One or more simulated event logs of the same scenario and period (runs, replicates or forecast members)."""

    events: list[pd.DataFrame]  # one run's event log each (RunResult.events layout)
    metadata: dict  # scenario, seeds, start_date, days, version, git_commit (+ forecast's from/months/issued)
    months: pd.PeriodIndex  # the months they cover (a forecast: its forecast months)


@dataclass
class Comparison:
    simulated: Simulated
    data: str
    report: ReadReport
    measure: str
    months: pd.PeriodIndex
    reference: pd.Period
    observed: pd.Series  # per cell
    members: pd.DataFrame  # per cell, one column per run
    no_change: pd.Series  # per cell
    scores: pd.DataFrame

    def cells_table(self) -> pd.DataFrame:
        """Per cell: observed, the model (value, or median and 5–95 % range), no change, relative error."""
        m = self.members
        table = pd.DataFrame({"observed": self.observed})
        if m.shape[1] > 1:
            table["model_median"] = m.median(axis=1)
            table["model_q05"], table["model_q95"] = m.quantile(0.05, axis=1), m.quantile(0.95, axis=1)
        else:
            table["model"] = m.iloc[:, 0]
        table["no_change"] = self.no_change
        model = table["model_median"] if m.shape[1] > 1 else table["model"]
        table["relative_error"] = (model - self.observed) / self.observed.clip(lower=1)
        return table

    def text(self) -> str:
        meta = self.simulated.metadata
        kind = "ensemble" if self.members.shape[1] > 1 else "single run"
        lines = [*self.report.lines(),
                 (f"model: scenario {meta['scenario']}, {kind} of {self.members.shape[1]} (seeds {_seeds(meta)}), "
                  f"vacuum-sim {meta.get('version', '?')}"),
                 (f"scored: {self.measure} per admin1 × month × event type"
                  + (" × actor" if "actor" in self.observed.index.names else "")
                  + f", {self.months[0]} to {self.months[-1]} ({len(self.observed)} cells); no-change baseline = "
                  f"observed {self.reference}"), ""]
        shown = self.scores.copy()
        lines.append(shown.to_string(index=False, float_format=lambda v: f"{v:.3g}", na_rep="n/a"))
        return "\n".join(lines)


def _seeds(meta: dict) -> str:
    seeds = meta["seed"] if isinstance(meta["seed"], list) else [meta["seed"]]
    return ", ".join(map(str, seeds)) if len(seeds) <= 6 else f"{seeds[0]}…{seeds[-1]}"


def load_simulated(paths: list[Path]) -> Simulated:
    """Run folders (one, or replicates of one scenario) or a frozen forecast folder."""
    if len(paths) == 1 and (paths[0] / FORECAST_FILE).is_file():
        meta = json.loads((paths[0] / FORECAST_FILE).read_text(encoding="utf-8"))
        events = pd.read_csv(paths[0] / "events.csv", keep_default_na=False)
        members = [events[events["member"] == k].drop(columns="member") for k in range(len(meta["seed"]))]
        first = pd.Period(meta["from"], "M")
        return Simulated(members, meta, pd.period_range(first, first + meta["months"] - 1, freq="M"))
    for p in paths:
        if (p / "manifest.json").is_file():
            raise DataError(str(p), "(folder)", "a sweep folder keeps metrics, not event logs; compare run folders "
                            "(vacuum-sim run) or a forecast folder (vacuum-sim forecast)")
    runs = [load_run(p) for p in paths]
    first = runs[0].metadata
    for p, r in zip(paths, runs):
        if any(r.metadata[k] != first[k] for k in ("scenario", "start_date", "days")):
            raise DataError(str(p), "metadata.json", f"replicates must share scenario, start date and days "
                            f"(this one differs from {paths[0]})")
    meta = dict(first, seed=[r.metadata["seed"] for r in runs])
    months = cnt.whole_months(date.fromisoformat(first["start_date"]), int(first["days"]))
    return Simulated([r.events for r in runs], meta, months)


def compare(paths: list[str | Path], data: str | Path, by_actor: bool = False, measure: str = "events",
            first: str | None = None, last: str | None = None) -> Comparison:
    """Score the simulated events against an ACLED or UCDP GED export, beside the zero and no-change baselines."""
    sim = load_simulated([Path(p) for p in paths])
    observed_events, report = read_events(data)
    if observed_events.empty:
        raise DataError(str(data), "(rows)", "no event left to compare (see what was not compared above)")
    fmt = report.format
    data_months = pd.period_range(observed_events["date"].min(), observed_events["date"].max(), freq="M")
    months = sim.months.intersection(data_months)
    for flag, bound, keep in (("--from", first, lambda m, b: m >= b), ("--to", last, lambda m, b: m <= b)):
        if bound:
            if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", bound):
                raise DataError(flag, bound, "expected a month as YYYY-MM, e.g. 2023-09")
            b = pd.Period(bound, "M")
            months = months[[keep(m, b) for m in months]]
    if len(months) and months[0] - 1 >= data_months[0]:
        reference = months[0] - 1
    elif len(months):
        reference, months = months[0], months[1:]
    if not len(months):
        raise DataError(str(data), "event_date" if fmt == "acled" else "date_start",
                        f"no month to score: the data cover {data_months[0]}–{data_months[-1]}, the simulation "
                        f"{sim.months[0] if len(sim.months) else '-'}–{sim.months[-1] if len(sim.months) else '-'} "
                        "(and one month before the window is needed for the no-change baseline)")
    sims = [cnt.as_compared(simulated(e), fmt) for e in sim.events]
    seen = set(observed_events["admin1"]).union(*(set(s["admin1"]) for s in sims))
    regions = list(vocab.regions()) + sorted(seen - set(vocab.regions()))
    grid = cnt.cells(regions, months, fmt, by_actor)
    observed = cnt.counts(observed_events, grid)[measure]
    members = pd.concat([cnt.counts(s, grid)[measure].rename(k) for k, s in enumerate(sims)], axis=1)
    ref_grid = cnt.cells(regions, pd.PeriodIndex([reference]), fmt, by_actor)
    baseline = no_change(cnt.counts(observed_events, ref_grid)[measure].droplevel("month"), grid)
    scores = score_table(observed, members, baseline)
    return Comparison(sim, str(data), report, measure, months, reference, observed, members, baseline, scores)


def write(comparison: Comparison, out: str | Path, figures: dict | None = None) -> list[Path]:
    """The comparison folder: report, scores and cells tables, provenance and ``figures`` (name -> matplotlib
    figure, drawn by the caller from this comparison's tables); whole or absent."""
    out = Path(out)
    with run_folder(out) as tmp:  # whole or absent, as a run folder
        (tmp / "report.txt").write_text(comparison.text() + "\n", encoding="utf-8")
        comparison.scores.to_csv(tmp / "scores.csv", index=False)
        comparison.cells_table().to_csv(tmp / "cells.csv")
        meta = comparison.simulated.metadata
        for name, fig in (figures or {}).items():
            fig.savefig(tmp / name, dpi=130)
        digest = hashlib.sha256(Path(comparison.data).read_bytes()).hexdigest()
        provenance = {"data": comparison.data, "data_sha256": digest,
                      "format": comparison.report.format, "measure": comparison.measure,
                      "months": [str(comparison.months[0]), str(comparison.months[-1])],
                      "no_change_reference": str(comparison.reference), "simulated": meta,
                      "version": __version__, "git_commit": git_commit(),
                      "created": datetime.now(UTC).isoformat(timespec="seconds")}
        (tmp / "metadata.json").write_text(json.dumps(provenance, indent=2, default=str), encoding="utf-8")
    return [out / n for n in ("report.txt", "scores.csv", "cells.csv", *(figures or {}), "metadata.json")]
