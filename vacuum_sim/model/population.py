"""The population's side of the war: who it backs (grievance), where armed groups gain influence, and where
they raise recruits and where those recruits join their group."""

from __future__ import annotations

import numpy as np

from vacuum_sim.factions import ARMED_GROUPS, FACTIONS, GROUP_COLUMN
from vacuum_sim.model.agents import GARRISON
from vacuum_sim.model.atrocities import AGAINST_STATE


def support(model) -> np.ndarray:
    """Towns × armed groups: the population's willingness to back each group — the background grievance plus
    grievance against the state, less grievance against the group itself (never below zero)."""
    g = model.grievance
    return (model.p.base_grievance + g[:, [AGAINST_STATE]] - g[:, AGAINST_STATE + 1:]).clip(min=0.0)


def informants(model) -> np.ndarray:
    """Per town, how far civilians still tell the state what they know (1 without grievance against it): state
    operations and garrisons cut armed groups' influence only as far as they are told where it lies."""
    return 1.0 - model.p.grievance_intel * model.grievance[:, AGAINST_STATE]


def update_influence(model) -> None:
    """Armed groups grow influence where their fighters stand and spread it along corridors, both faster where the
    population backs them more; state forces erode it as far as civilians inform them."""
    p, g = model.p, model.grievance
    inf = model.influence
    favour = np.maximum(1 + p.grievance_influence * (g[:, [AGAINST_STATE]] - g[:, AGAINST_STATE + 1:]), 0.0)
    present = model.presence[:, ARMED_GROUPS] > 0
    inf += p.insurgent_growth * favour * present * (1 - inf)
    inf *= 1 - p.influence_decay * ~present
    inf += p.influence_spread * favour * np.maximum(model.neighbour_mean(inf) - inf, 0.0)
    inf *= 1 - p.garrison_suppression * (informants(model) * model.state_present())[:, None]
    np.minimum(np.maximum(inf, 0.0, out=inf), 1.0, out=inf)  # np.clip's own overhead is larger on small arrays


def operation_cut(model, v: int) -> None:
    """A day of a state operation in ``v`` removes ``op_influence_cut`` of the armed groups' influence there,
    less where civilians hold a grievance against the state and keep what they know to themselves."""
    model.influence[v] *= 1 - model.p.op_influence_cut * informants(model)[v]


def update_grievance(model) -> None:
    """Grievance spreads to neighbouring towns and decays slowly (abuses add to it, see atrocities.civilian_harm)."""
    p = model.p
    g = model.grievance
    g += p.grievance_spread * (model.neighbour_mean(g) - g)
    g *= 1 - p.grievance_decay


def recruitment(model) -> None:
    """Armed groups raise recruits from the countryside of towns where their influence is well established and the
    population backs them, up to a cap per town; recruits gather until a unit's worth joins the group at a muster
    point (:func:`muster_point`), never in a town the group does not hold: first as replacements in the group's
    depleted units standing there, the rest as new units."""
    p = model.p
    established = (model.influence - p.recruit_influence_min).clip(min=0.0) / (1 - p.recruit_influence_min)
    recruits = (p.recruit_rate * recruitable(model)[:, None] * established * support(model)).clip(max=p.recruit_cap)
    model.recruit_pool += recruits
    model.cum_recruits_by_town += recruits
    for g, f in enumerate(ARMED_GROUPS):
        total = recruits[:, g].sum()
        model.new_recruits[f] = total
        model.cum_recruits[f] += total
    size = p.unit_size
    ready = (model.recruit_pool >= size).nonzero()
    if not len(ready[0]):
        return
    holds = {f: held(model, f) for f in ARMED_GROUPS}
    for v, g in zip(*ready, strict=True):
        f = ARMED_GROUPS[g]
        w = muster_point(model, f, int(v), holds[f])
        if w is None:
            continue  # the group holds no town: its recruits wait
        pool = model.recruit_pool[v, g]
        for u in model.grid[w].agents:
            if u.faction == f and u.idle and u.strength < size and pool > 0:
                added = min(size - u.strength, pool)
                u.strength += added
                pool -= added
        n_units = int(pool // size)
        for _ in range(n_units):
            model.spawn(w, f, size, GARRISON)
        model.recruit_pool[v, g] = pool - n_units * size
        model.log("Strategic developments", "Recruitment", FACTIONS[f], "", w)


def recruitable(model) -> np.ndarray:
    """Per town, the people armed groups can recruit from: population × ``recruit_catchment`` / (population +
    ``recruit_catchment``), the countryside around the town, which does not grow with the town."""
    pop = model.population
    return pop * model.p.recruit_catchment / (pop + model.p.recruit_catchment)


def held(model, faction: int) -> np.ndarray:
    """Towns where ``faction``'s fighters stand and no hostile force does (its strongholds today)."""
    present = model.forces.present
    hostile = [h for h in range(len(FACTIONS)) if model.hostile(faction, h)]
    return present[:, faction] & ~present[:, hostile].any(axis=1)


def muster_point(model, faction: int, v: int, holds: np.ndarray) -> int | None:
    """Where recruits raised around ``v`` join: the group's most influential stronghold within ``strike_reach``
    corridors, else its nearest stronghold by travel time; None if it holds no town."""
    col = GROUP_COLUMN[faction]
    near = [w for w in model.reach[v] if holds[w]]
    if near:
        return max(near, key=lambda w: model.influence[w, col])
    anywhere = np.flatnonzero(holds)
    if not len(anywhere):
        return None
    return int(min(anywhere, key=lambda w: model.travel_days(v, int(w))))
