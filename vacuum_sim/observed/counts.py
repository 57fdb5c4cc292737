"""Events aggregated to cells: admin1 × month × event type (× actor), with every empty cell present as zero."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from vacuum_sim.factions import FACTIONS
from vacuum_sim.observed import vocabulary as vocab

MEASURES = ("events", "fatalities")


def as_compared(sim: pd.DataFrame, fmt: str) -> pd.DataFrame:
    """Simulated events (from :func:`readers.simulated`) in the event types of data in format ``fmt``.

    A type the format does not record is left out, and so is an event with fewer
    deaths than the format needs (UCDP GED keeps deadly events only).
    """
    table = vocab.event_types(fmt, "simulated")
    unknown = sorted(set(sim["event_type"]) - set(table.index))
    if unknown:
        raise ValueError(f"simulated event type(s) {', '.join(unknown)} missing from observed/data/event_types.csv")
    kind = sim["event_type"].map(table["compared_as"])
    keep = (kind != "") & (sim["fatalities"] >= sim["event_type"].map(table["min_fatalities"]))
    return sim[keep].assign(event_type=kind[keep])


def whole_months(start: date, days: int) -> pd.PeriodIndex:
    """The calendar months that lie wholly within ``days`` days from ``start``."""
    last = start + timedelta(days=days - 1)
    first = pd.Period(start, "M") if start.day == 1 else pd.Period(start, "M") + 1
    end = pd.Period(last, "M") if (pd.Timestamp(last) + pd.Timedelta(days=1)).day == 1 else pd.Period(last, "M") - 1
    return pd.period_range(first, end, freq="M") if first <= end else pd.PeriodIndex([], freq="M")


def cells(regions, months: pd.PeriodIndex, fmt: str, by_actor: bool) -> pd.MultiIndex:
    """Every cell of the comparison, in a fixed order."""
    levels = [list(regions), list(months), list(vocab.compared_types(fmt))] + ([list(FACTIONS)] if by_actor else [])
    names = ["admin1", "month", "event_type"] + (["actor"] if by_actor else [])
    return pd.MultiIndex.from_product(levels, names=names)


def counts(events: pd.DataFrame, grid: pd.MultiIndex) -> pd.DataFrame:
    """Events and their fatalities per cell of ``grid`` (compared layout in, zeros where nothing happened).

    With an actor level, an event counts once for every model actor on either of its sides.
    """
    e = events.assign(month=events["date"].dt.to_period("M"))
    if "actor" in grid.names:
        actors = (e["side1"] + "/" + e["side2"]).str.split("/").map(lambda names: sorted(set(names) & set(FACTIONS)))
        e = e.assign(actor=actors).explode("actor").dropna(subset=["actor"])
    e = e[e["month"].isin(grid.levels[1])]
    table = e.groupby(grid.names).agg(events=("fatalities", "size"), fatalities=("fatalities", "sum"))
    return table.reindex(grid, fill_value=0).astype(int)
