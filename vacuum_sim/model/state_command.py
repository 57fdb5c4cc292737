"""The state's command (limited capacity): a finite tempo of operations, drawn from finite idle reserves,
sent north to backfill or retake bases or kept on counter-insurgency in the centre."""

from __future__ import annotations

import math

import numpy as np

from vacuum_sim.factions import CSP, FAMA, GROUP_COLUMN, ISSP, JNIM, STATE, WAGNER, ZONES
from vacuum_sim.inputs.params import DAYS_PER_MONTH
from vacuum_sim.model import missions
from vacuum_sim.model.agents import OPERATION, RESERVE, Mission

NORTH = ZONES.index("north")


def state_operations(model) -> None:
    """Launch today's army operations: Poisson(``ops_per_month`` / month) launches while reserves last."""
    rng = model.streams["command"]
    for _ in range(rng.poisson(model.p.ops_per_month / DAYS_PER_MONTH)):
        target, hold = choose_target(model, rng)
        if target is None:
            return
        if not launch(model, target, hold):
            return


def choose_target(model, rng) -> tuple[int | None, bool]:
    """A northern base to backfill or retake (share ``north_share``), else a counter-insurgency target."""
    p = model.p
    busy = {m.target for m in model.missions}
    north = model.zone == NORTH
    held = model.state_present()
    # Bases to backfill or retake in the north: vacated UN camps and lost army camps, and rebel-held towns once at war.
    priority = north & ~held & (model.vacated | model.is_army_base)
    weight = np.where(priority, p.base_target_weight, 0.0)
    if model.csp_at_war:
        weight += north & (model.controller == CSP)
    weight[list(busy)] = 0
    if weight.sum() > 0 and rng.random() < p.north_share:
        return int(rng.choice(model.n, p=weight / weight.sum())), True
    # Otherwise counter-insurgency against JNIM and ISSP wherever their influence is.
    threat = model.influence[:, GROUP_COLUMN[JNIM]] + model.influence[:, GROUP_COLUMN[ISSP]]
    threat = np.where(threat > p.ct_target_min, threat, 0.0)
    threat[list(busy)] = 0
    if not model.csp_at_war:  # the state keeps out of the rebels' zone while the 2015 accord holds
        threat[(model.influence[:, GROUP_COLUMN[CSP]] >= p.rebel_zone_influence) | (model.controller == CSP)] = 0
    if threat.sum() == 0:
        return None, False
    v = int(rng.choice(model.n, p=threat / threat.sum()))
    return v, bool(model.is_army_base[v] or model.vacated[v])


def launch(model, target: int, hold: bool) -> bool:
    """Send an army column (and Wagner, if free) from the nearest hub with reserves; False if none is free."""
    p = model.p
    reserve = {}
    for u in model.units:
        if u.faction in STATE and u.task == RESERVE and u.idle:
            reserve.setdefault((u.faction, u.node), []).append(u)
    fama_hubs = [h for (f, h) in reserve if f == FAMA]
    if not fama_hubs:
        return False
    hub = min(fama_hubs, key=lambda h: model.travel_days(h, target))
    need = max(1, math.ceil(p.operation_size / p.unit_size))
    units = reserve[(FAMA, hub)][:need]
    wagner_hubs = [h for (f, h) in reserve if f == WAGNER]
    if wagner_hubs and p.wagner_per_operation > 0:
        wh = min(wagner_hubs, key=lambda h: model.travel_days(h, target))
        units += reserve[(WAGNER, wh)][:max(1, math.ceil(p.wagner_per_operation / p.unit_size))]
    # Clear and hold: with reserves to spare after this column, the army garrisons what it clears.
    spare = sum(u.strength for (f, _), us in reserve.items() if f == FAMA for u in us) - sum(
        u.strength for u in units if u.faction == FAMA)
    hold = hold or spare >= p.operation_size + p.garrison_size
    missions.dispatch(model, Mission(FAMA, target, hub, hold), units, OPERATION)
    return True
