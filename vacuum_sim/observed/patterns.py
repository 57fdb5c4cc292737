"""The sourced 2023 patterns (``observed/data/patterns_2023.csv``) and how each is measured in a run.

The calibration fits the patterns marked ``fitted``; the validation report checks them all, so the
others are held out of the fit.  A pattern is measured from a run's tables only — the daily metrics,
the event log and the control table — never from the model's internals, so that the measurement
stays valid when the mechanisms behind the patterns change.  Each row names one way to measure:

- ``metric``: a metric of the run, summed over the window (a ``new_`` flow) or read on its last day (a stock);
- ``measure = events``/``fatalities``: events in the window, counted or their deaths summed, filtered by
  ``event_type``, ``sub_event_type``, ``actor`` (either side; ``A/B`` for any of them) and ``zone`` (of the
  event's town); ``fatalities_by``: the same deaths, with ``actor`` as the event's first actor only (the side
  that struck, as in "killed by state forces");
- ``measure = taken_from_state``: towns whose holder becomes ``actor`` after the army or Wagner held them
  (a spell of 'contested' in between still counts), from the control table;
- ``measure = same_place_24h``: for ``actor = A/B``, the occasions on which A and B each struck (a battle
  or an explosion, not against each other) the same town within a day of each other, counted once per
  town and first day.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import numpy as np
import pandas as pd

from vacuum_sim.factions import FACTIONS, STATE, ZONES
from vacuum_sim.inputs.geography import load_map
from vacuum_sim.inputs.scenario import ScenarioError
from vacuum_sim.model.metrics import METRICS

PATTERNS_FILE = "patterns_2023.csv"
MEASURES = ("events", "fatalities", "fatalities_by", "taken_from_state", "same_place_24h")
STRIKES = ("Battles", "Explosions/Remote violence")  # what counts as a strike for same_place_24h
STATE_LABELS = frozenset(FACTIONS[f] for f in STATE)


class PatternError(ScenarioError):
    """A bad row in a pattern table; the message names the file, the pattern's field and what is allowed."""


def load_patterns(source: str = PATTERNS_FILE, held_out: bool = False) -> pd.DataFrame:
    """The patterns a calibration fits, and with ``held_out`` also those kept out of the fit, checked."""
    with files("vacuum_sim.observed").joinpath("data", source).open(encoding="utf-8") as f:
        t = pd.read_csv(f, dtype=str, keep_default_na=False)
    for row in t.itertuples():
        if not row.label:
            raise PatternError(source, f"{row.name}.label", "give a short label for figures and reports")
        if row.metric and row.metric not in METRICS:
            raise PatternError(source, f"{row.name}.metric", f"{row.metric!r} is not a metric of the model")
        if not row.metric and row.measure not in MEASURES:
            raise PatternError(source, f"{row.name}.measure", f"{row.measure!r}: give a metric or a measure "
                               f"({', '.join(MEASURES)})")
        if row.zone and row.zone not in ZONES:
            raise PatternError(source, f"{row.name}.zone", f"{row.zone!r}; allowed: {', '.join(ZONES)} or blank")
        if row.fitted not in ("yes", "no"):
            raise PatternError(source, f"{row.name}.fitted", f"must be yes or no, got {row.fitted!r}")
    t["start"], t["end"] = pd.to_datetime(t["start"]), pd.to_datetime(t["end"])
    t["low"] = pd.to_numeric(t["low"].replace("", None), errors="raise").astype(float)
    t["high"] = pd.to_numeric(t["high"].replace("", None), errors="raise").astype(float)
    return t if held_out else t[t["fitted"] == "yes"].reset_index(drop=True)


def pattern_value(p, metrics: pd.DataFrame, events: pd.DataFrame, control: pd.DataFrame) -> float:
    """One pattern's value in a run, from its daily metrics, event log and control table."""
    if p.metric:
        window = metrics.loc[p.start:p.end, p.metric]
        return float(window.sum() if p.metric.startswith("new_") else window.iloc[-1])
    if p.measure == "taken_from_state":
        return float(_taken_from_state(control, p.actor).loc[p.start:p.end].to_numpy().sum())
    dates = pd.to_datetime(events["event_date"])
    keep = (dates >= p.start) & (dates <= p.end)
    if p.zone:
        keep &= events["location"].map(_zone_of_town()) == p.zone
    if p.measure == "same_place_24h":
        return float(_same_place(events[keep], *p.actor.split("/")))
    if p.event_type:
        keep &= events["event_type"] == p.event_type
    if p.sub_event_type:
        keep &= events["sub_event_type"] == p.sub_event_type
    if p.actor:  # an actor named alone or in a joint actor ("FAMa/Wagner"), on either side or (by) as the first
        wanted, rows = set(p.actor.split("/")), events.loc[keep]
        second = rows["actor2"] if p.measure != "fatalities_by" else [""] * len(rows)
        keep.loc[rows.index] = np.array([bool(wanted & {*a.split("/"), *b.split("/")})
                                         for a, b in zip(rows["actor1"], second, strict=True)], dtype=bool)
    return float(events.loc[keep, "fatalities"].sum() if p.measure in ("fatalities", "fatalities_by") else keep.sum())


def describe(p) -> str:
    """What is measured for a pattern, in words (for reports)."""
    window = f"{p.start.date()} to {p.end.date()}"
    if p.metric:
        return f"`{p.metric}` " + (f"summed over {window}" if p.metric.startswith("new_") else f"on {p.end.date()}")
    where = f" in the {p.zone}" if p.zone else ""
    if p.measure == "taken_from_state":
        return f"towns passing from the army or Wagner to {p.actor} (control table), {window}"
    if p.measure == "same_place_24h":
        a, b = p.actor.split("/")
        return f"occasions when {a} and {b} struck the same town within a day{where}, {window}"
    kind = " / ".join(k for k in (p.event_type, p.sub_event_type) if k) or "all"
    by = (f" by {p.actor}" if p.measure == "fatalities_by" else f" involving {p.actor}") if p.actor else ""
    what = "deaths in events" if p.measure in ("fatalities", "fatalities_by") else "events"
    return f"{what} ({kind}){by}{where}, {window}"


@cache
def _zone_of_town() -> dict[str, str]:
    towns = load_map().towns
    return dict(zip(towns["name"], towns["zone"], strict=True))


def _taken_from_state(control: pd.DataFrame, actor: str) -> pd.DataFrame:
    """True on the days a town passes to ``actor`` from the state (through any 'contested' spell).

    Each day's holder is the last one before any 'contested' spell (a forward fill done on row numbers in numpy:
    pandas' fill over the string table cost most of a calibration run's statistics)."""
    held = control.to_numpy()
    rows = np.where(held != "contested", np.arange(len(held))[:, None], 0)
    holder = held[np.maximum.accumulate(rows, axis=0), np.arange(held.shape[1])]
    taken = np.zeros(held.shape, dtype=bool)
    taken[1:] = (holder[1:] == actor) & np.isin(holder[:-1], list(STATE_LABELS))
    return pd.DataFrame(taken, index=control.index, columns=control.columns)


def _same_place(events: pd.DataFrame, a: str, b: str) -> int:
    strikes = events[events["event_type"].isin(STRIKES)]
    days = pd.to_datetime(strikes["event_date"])

    def of(group, other):
        mine = (strikes["actor1"] == group) & (strikes["actor2"] != other)
        return pd.DataFrame({"location": strikes.loc[mine, "location"], "day": days[mine]})

    pairs = of(a, b).merge(of(b, a), on="location", suffixes=("_a", "_b"))
    pairs = pairs[(pairs["day_a"] - pairs["day_b"]).abs() <= pd.Timedelta(days=1)]
    return len(set(zip(pairs["location"], pairs[["day_a", "day_b"]].min(axis=1), strict=True)))
