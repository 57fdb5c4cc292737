"""The population's side of the war: armed groups' influence, grievance and recruitment."""

from __future__ import annotations

from vacuum_sim.factions import ARMED_GROUPS, FACTIONS
from vacuum_sim.model.agents import GARRISON


def update_influence(model) -> None:
    """Armed groups grow influence where their fighters stand and spread it along corridors; state forces erode it."""
    p = model.p
    inf = model.influence
    present = model.presence[:, list(ARMED_GROUPS)] > 0
    inf += p.insurgent_growth * present * (1 - inf)
    inf *= 1 - p.influence_decay * ~present
    inf += p.influence_spread * (model.neighbour_mean(inf) - inf).clip(min=0)
    inf *= 1 - p.garrison_suppression * model.state_present()[:, None]
    inf.clip(0.0, 1.0, out=inf)


def update_grievance(model) -> None:
    """Grievance spreads to neighbouring towns and decays slowly (atrocities add to it, see atrocities.atrocity)."""
    p = model.p
    g = model.grievance
    g += p.grievance_spread * (model.neighbour_mean(g) - g)
    g *= 1 - p.grievance_decay


def recruitment(model) -> None:
    """Armed groups recruit where they have influence, in proportion to grievance and population, up to a cap."""
    p = model.p
    rate = p.recruit_rate * model.population[:, None] * model.influence * (p.base_grievance + model.grievance)[:, None]
    recruits = rate.clip(max=p.recruit_cap)
    model.recruit_pool += recruits
    model.cum_recruits_by_town += recruits
    for g, f in enumerate(ARMED_GROUPS):
        total = recruits[:, g].sum()
        model.new_recruits[f] = total
        model.cum_recruits[f] += total
    size = p.unit_size
    for v, g in zip(*(model.recruit_pool >= size).nonzero(), strict=True):
        f = ARMED_GROUPS[g]
        n_units = int(model.recruit_pool[v, g] // size)
        model.recruit_pool[v, g] -= n_units * size
        for _ in range(n_units):
            model.spawn(int(v), f, size, GARRISON)
        model.log("Strategic developments", "Recruitment", FACTIONS[f], "", int(v))
