"""Key events of a run, as a news ticker says them: "the UN leaves Ber", "the rebels take Kidal".

Read from the run's tables, never from the model: UN camp closures from the towns table, control
changes from the daily control table, the rebels' war from the metrics.  A town changes hands in the
ticker only when its new holder keeps it for a week (a town that flips back and forth between two
days is a fight, not news); contested days do not break a holding.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vacuum_sim.views.app.session import Frame

HOLD_DAYS = 7
SIDE = {"FAMa": "state", "Wagner": "state", "UN": "UN", "JNIM": "JNIM", "CSP": "CSP", "ISSP": "ISSP"}
SIDES = ("state", "UN", "JNIM", "CSP", "ISSP")
TAKES = {"JNIM": "JNIM takes {town}", "CSP": "the rebels (CSP) take {town}", "ISSP": "ISSP takes {town}",
         "UN": "UN peacekeepers take {town}"}


def key_events(frame: Frame) -> list[tuple[pd.Timestamp, str]]:
    """Every key event up to the frame's day, oldest first."""
    events = []
    towns = frame.towns
    closes = pd.to_datetime(towns["un_closure"], errors="coerce")
    for town, when in zip(towns["name"], closes):
        if pd.notna(when) and when <= pd.Timestamp(frame.date):
            events.append((when, f"the UN leaves {town}"))
    war = frame.metrics["n_csp_at_war"]
    if war.any():
        events.append((war.index[war.to_numpy() > 0][0], "the rebels (CSP) go to war with the state"))
    labels, codes = np.unique(frame.control.to_numpy().astype(str), return_inverse=True)
    side = np.array([SIDES.index(SIDE[x]) + 1 if x in SIDE else 0 for x in labels])[codes.reshape(frame.control.shape)]
    for town, column in zip(frame.control.columns, side.T):
        events += [(frame.control.index[day], _say(town, before, after)) for day, before, after in _handovers(column)]
    return sorted(events, key=lambda event: event[0])


def _handovers(side: np.ndarray) -> list[tuple[int, str, str]]:
    """(day, side before, side after) each time a new side took a town and held it for :data:`HOLD_DAYS` days;
    ``side`` holds 1 + an index into :data:`SIDES` per day, 0 while no side holds the town."""
    held_so_far = np.maximum.accumulate(np.where(side > 0, np.arange(len(side)), 0))
    side = side[held_so_far]  # a contested or empty day keeps the last side that held the town
    starts = np.flatnonzero(np.diff(side, prepend=-1))
    lengths = np.diff(starts, append=len(side))
    out, last = [], 0
    for start, length in zip(starts, lengths):
        who = side[start]
        if who == 0 or length < HOLD_DAYS:
            continue
        if last and who != last:
            out.append((int(start), SIDES[last - 1], SIDES[who - 1]))
        last = who
    return out


def _say(town: str, before: str, after: str) -> str:
    if after == "state":
        return f"the army takes over the UN camp at {town}" if before == "UN" else f"the army retakes {town}"
    return TAKES[after].format(town=town)
