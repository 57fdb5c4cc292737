"""The armed groups' command: idle JNIM, ISSP and (once at war) CSP units pick a weakly held target
within reach where they have local networks, or an unheld vacated base."""

from __future__ import annotations

import numpy as np

from vacuum_sim.factions import ARMED_GROUPS, CSP, FACTIONS, GROUP_COLUMN, ISSP, JNIM, ZONES
from vacuum_sim.model import combat, missions
from vacuum_sim.model.agents import ATTACK, ForceUnit, Mission

NORTH, SOUTH = ZONES.index("north"), ZONES.index("south")


def armed_group_attacks(model) -> None:
    """Each idle armed-group unit looks for a target with its daily rate, deterred near open UN bases."""
    p = model.p
    rng = model.streams["insurgents"]
    rate = {JNIM: p.jnim_attack_rate, ISSP: p.jnim_attack_rate, CSP: p.csp_attack_rate}
    idle = [u for u in model.units if u.faction in ARMED_GROUPS and u.idle]
    draws = rng.random(len(idle))
    for u, draw in zip(idle, draws, strict=True):
        if not u.idle:  # already drawn into a group attack today
            continue
        deterred = rate[u.faction] * (1 - p.un_deterrence * model.un_near[u.node])
        if draw < deterred:
            plan_attack(model, u, rng)


def plan_attack(model, unit: ForceUnit, rng) -> None:
    """Weigh the towns within ``strike_reach`` by the odds and the prize; send all but one idle unit here."""
    p = model.p
    f, here = unit.faction, unit.node
    group = [u for u in model.grid[here].agents if isinstance(u, ForceUnit) and u.faction == f and u.idle]
    if len(group) > 1:
        group = group[:-1]  # one unit stays to hold the town
    own = combat.effective(model, group)
    busy = {m.target for m in model.missions}
    cands, weights = [], []
    col = GROUP_COLUMN[f]
    for v in model.reach[here]:
        if v == here or v in busy:
            continue
        if f == CSP and model.zone[v] == SOUTH:
            continue  # the rebels fight for the north (and its edge in the centre), not the south
        enemies = [u for u in model.grid[v].agents if isinstance(u, ForceUnit) and model.hostile(f, u.faction)]
        defence = combat.fortified(model, v, enemies) * combat.effective(model, enemies)
        if model.influence[v, col] < p.strike_network_min and not (model.vacated[v] and defence == 0):
            continue  # armed groups strike where they have local networks (anyone may walk into an empty camp)
        friendly_hold = any(model.presence[v, g] > 0 and not model.hostile(f, g) for g in range(len(FACTIONS)))
        if defence > 0:
            if own >= p.attack_odds * defence:
                cands.append(v)
                weights.append((p.base_target_weight if model.is_army_base[v] or model.vacated[v] else 1.0)
                               * own / defence)
        elif model.vacated[v] and not friendly_hold and (f != CSP or model.zone[v] == NORTH):
            cands.append(v)
            weights.append(p.vacated_base_value)
    if not cands or sum(weights) == 0:
        return
    w = np.asarray(weights)
    target = int(cands[rng.choice(len(cands), p=w / w.sum())])
    hold = bool(model.vacated[target] or model.influence[target, col] >= p.control_threshold)
    missions.dispatch(model, Mission(f, target, here, hold=hold), group, ATTACK)
