"""The UN withdrawal: sites close on the scenario's dates, their troops drive to a repatriation hub and
leave, and each camp becomes a vacated base ([S14] Res. 2690; the 2023 closure plan in ``un_sites.csv``)."""

from __future__ import annotations

from vacuum_sim.factions import UN
from vacuum_sim.model.agents import WITHDRAW, ForceUnit


def closure_days(model) -> dict[int, list[int]]:
    """Day index -> UN sites closing that day, after the scenario's shift and stretch levers.

    A closure that falls on or before the start day (a late start, or a negative shift) is due on day 0."""
    p = model.p
    if not p.un_withdrawal:
        return {}
    plan = {s.town: s.closure_date for s in model.mali.un_sites.itertuples()}
    plan.update(model.scenario_spec.un_closures)
    first = min((d for d in plan.values() if d is not None), default=model.start_date)
    out: dict[int, list[int]] = {}
    for town, when in plan.items():
        if when is None:
            continue
        offset = (when - first).days * p.withdrawal_stretch + p.withdrawal_shift_days
        day = max(0, (first - model.start_date).days + round(offset))
        out.setdefault(day, []).append(model.mali.node(town))
    return out


def un_withdrawal(model) -> None:
    """Close the UN sites due today: their troops leave in convoys and the camp becomes a vacated base."""
    for v in model.closures.get(model.day, ()):
        model.un_open[v] = False
        model.vacated[v] = True
        model.log("Strategic developments", "Headquarters or base established" if model.state_present()[v]
                  else "Non-violent transfer of territory", "UN", "", v)
        open_hubs = [h for h in model.repatriation_hubs if model.un_open[h]]
        for u in [u for u in model.grid[v].agents if isinstance(u, ForceUnit) and u.faction == UN]:
            u.task = WITHDRAW
            if open_hubs:
                u.send(model.route(v, min(open_hubs, key=lambda h: model.travel_days(v, h))))
            else:
                model.retire(u)
