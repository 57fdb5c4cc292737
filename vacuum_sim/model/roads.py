"""The roads: IEDs and ambushes on the columns travelling the corridors.

Each day, before anyone moves, every column (the units of one side on the same corridor) runs two
risks, both more likely where hostile groups have influence (their eyes and networks along the road):

- **IEDs** (JNIM, ISSP): each unit (a company's vehicles) may hit one with daily probability
  ``ied_rate`` × hostile influence, where the group has fighters within ``strike_reach`` corridors of
  either end to lay it; a hit costs a vehicle's crew, ``ied_casualties``, whatever the column's size.
- **Ambushes**: with daily probability ``ambush_rate`` × hostile influence, the group's fighters
  within ``strike_reach`` corridors of either end commit ``ambush_commitment`` of their strength to an
  ambush — joined by the partner group's fighters there (JNIM and the rebels share what they see of
  state columns), weighted by ``jnim_csp_cooperation``: one square-law exchange of intensity
  ``ambush_lethality``, the ambushers counting ``ambush_advantage`` times their number (surprise and
  cover).  A column on a mission, caught as a defender, turns back (falls back the way it came) if the
  ambush cost it ``defender_loss_tolerance`` of its strength or if the ambushers outgunned it
  ``withdraw_odds`` to one; so a column deep in hostile country can be cut up or turned back, while a
  small ambush on a large column is costly only to the ambushers.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from vacuum_sim.factions import ARMED_GROUPS, FACTIONS, GROUP_COLUMN, ISSP, JNIM, STATE
from vacuum_sim.model import blockades, combat, missions, relations
from vacuum_sim.model.agents import ATTACK, OPERATION, ForceUnit

IED_LAYERS = (JNIM, ISSP)  # the rebels do not mine the roads [SEED]


def columns(model) -> dict[tuple, list[ForceUnit]]:
    """Units setting off along a corridor today, by (side, from, to); a unit in several stages counts once."""
    out = defaultdict(list)
    for u in model.units:
        if u.route:
            side = "state" if u.faction in STATE else u.faction
            out[(str(side), u.node, u.route[0])].append(u)
    return out


def road_attacks(model) -> None:
    """Every column's day on the road: IEDs per unit, then at most one ambush per column."""
    p = model.p
    rng = model.streams["corridors"]
    for key, column in sorted(columns(model).items(), key=lambda kv: kv[0]):
        _, a, b = key
        influence = np.maximum(model.influence[a], model.influence[b]).tolist()  # Python floats: scalar arithmetic
        threat = {g: influence[GROUP_COLUMN[g]] * relations.hostility(model, g, column[0].faction)
                  * float(blockades.watch(model, g, a, b)) for g in ARMED_GROUPS}
        ied_risk = [(g, p.ied_rate * threat[g]) for g in IED_LAYERS]
        for u, draw in zip(column, rng.random(len(column)).tolist(), strict=True):
            group = next((g for g, risk in ied_risk if draw < risk), None)
            if group is not None and ambushers(model, group, a, b):
                ied(model, group, [u], a, b)
        column = [u for u in column if u.strength >= 1.0]
        draw = rng.random()
        group = next((g for g in ARMED_GROUPS if draw < p.ambush_rate * threat[g]), None)
        if group is not None and column:
            ambush(model, group, column, a, b, rng)
            for u in [u for u in column if u.strength < 1.0]:
                model.retire(u)


def ied(model, group: int, targets: list[ForceUnit], v: int, w: int | None = None) -> None:
    """One vehicle of ``targets`` hits a device laid by ``group`` at ``v`` (on the corridor ``v``–``w``): its crew,
    ``ied_casualties``, are lost."""
    lost = combat.inflict(model, targets, model.p.ied_casualties)
    model.log("Explosions/Remote violence", "Remote explosive/landmine/IED", FACTIONS[group],
              "/".join(sorted({u.name for u in targets})), v, lost)
    relations.record_strike(model, group, v, around=[v] if w is None else [v, w])


def ambushers(model, group: int, a: int, b: int) -> list[ForceUnit]:
    """The group's fighters standing within ``strike_reach`` corridors of either end of the corridor."""
    near = set(model.reach[a]) | set(model.reach[b])
    return [u for w in sorted(near) for u in model.grid[w].agents
            if isinstance(u, ForceUnit) and u.faction == group and not u.route]


def ambush(model, group: int, column: list[ForceUnit], a: int, b: int, rng) -> None:
    """An ambush on ``column`` by the committed share of ``group``'s fighters near the road, and of its partner's
    as far as they cooperate and are at war with the column."""
    p = model.p
    partner = relations.PARTNER.get(group)
    parties = {group: (ambushers(model, group, a, b), p.ambush_commitment)}
    if partner is not None:
        weight = p.jnim_csp_cooperation * relations.hostility(model, partner, column[0].faction)
        if weight > 0:
            parties[partner] = (ambushers(model, partner, a, b), p.ambush_commitment * weight)
    size = {g: share * combat.strength(near) for g, (near, share) in parties.items()}
    if size[group] < 1.0:
        return  # influence without fighters: nobody to lay the ambush
    party = sum(size.values())
    party_eff = sum(share * combat.effective(model, near) for near, share in parties.values())
    for g in parties:
        if size[g] >= 1.0:
            relations.record_strike(model, g, a, around=[a, b])
    before = combat.strength(column)
    lost_column, lost_party = combat.fire(model, before, combat.effective(model, column), party, party_eff,
                                          p.ambush_lethality, p.ambush_advantage, rng)
    lost_column = combat.inflict(model, column, lost_column)
    names = "/".join(sorted({u.name for u in column}))
    for g, (near, _) in parties.items():
        if size[g] >= 1.0:  # each group's part is its own event, with its own losses and its share of the column's
            lost = combat.inflict(model, near, lost_party * size[g] / party)
            model.log("Battles", "Ambush", FACTIONS[g], names, a, lost + lost_column * size[g] / party)
    outgunned = p.ambush_advantage * party_eff >= p.withdraw_odds * combat.effective(model, column)
    if lost_column >= p.defender_loss_tolerance * before or outgunned:
        for u in column:
            if u.task in (OPERATION, ATTACK) and u.mission is not None and u.strength >= 1.0:
                missions.turn_back(model, u)
    for near, _ in parties.values():
        for u in near:
            if u.strength < 1.0:
                model.retire(u)
