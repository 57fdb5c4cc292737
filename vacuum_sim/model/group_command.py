"""The armed groups' command: idle JNIM, ISSP and (once at war) CSP units pick a weakly held target
within reach where they have local networks, or an unheld vacated base; a partner group's fighters near the
target may join the attack (joint planning); the rebels at war reinforce the towns of their zone a state column
is heading for, when they see the odds to hold them."""

from __future__ import annotations

import numpy as np

from vacuum_sim.factions import ARMED_GROUPS, CSP, FACTIONS, GROUP_COLUMN, ISSP, JNIM, STATE, ZONES
from vacuum_sim.model import combat, missions, relations
from vacuum_sim.model.agents import ATTACK, ForceUnit, Mission

NORTH, SOUTH = ZONES.index("north"), ZONES.index("south")


def armed_group_attacks(model) -> None:
    """Each idle armed-group unit looks for a target with its daily rate, deterred near open UN bases; then the
    rebels at war move to defend their zone."""
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
    if model.csp_at_war:
        rebels_defend(model)


def idle_group(model, faction: int, v: int) -> list[ForceUnit]:
    """The faction's idle units in town ``v``, all but one when there are several (one stays to hold the town)."""
    group = [u for u in model.grid[v].agents if isinstance(u, ForceUnit) and u.faction == faction and u.idle]
    return group[:-1] if len(group) > 1 else group


def plan_attack(model, unit: ForceUnit, rng) -> None:
    """Weigh the towns within ``strike_reach`` by the odds and the prize; send all but one idle unit here."""
    p = model.p
    f, here = unit.faction, unit.node
    group = idle_group(model, f, here)
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
    partner_joins(model, f, target, rng)


def partner_joins(model, f: int, target: int, rng) -> None:
    """Joint planning: with probability ``jnim_csp_cooperation`` the partner group's idle fighters nearest the target
    (within ``strike_reach``, all but one) set out on their own mission to it, if they are at war with everyone
    defending it.  They strike only once they stand there (``relations.join_fight``) and leave the prize to the
    planner (no hold)."""
    partner = relations.PARTNER.get(f)
    if partner is None or rng.random() >= model.p.jnim_csp_cooperation:
        return
    defenders = {u.faction for u in model.grid[target].agents if isinstance(u, ForceUnit) and model.hostile(f, u.faction)}
    if not defenders or not all(model.hostile(partner, g) for g in defenders):
        return
    near = [w for w in model.reach[target] if w != target and model.forces.present[w, partner]]
    for w in sorted(near, key=lambda w: model.travel_days(w, target)):
        group = idle_group(model, partner, w)
        if group:
            missions.dispatch(model, Mission(partner, target, w, hold=False), group, ATTACK)
            return


def rebels_defend(model) -> None:
    """Where a state column is on its way to a town of the rebels' zone, their idle units within ``strike_reach``
    (nearest first, one staying in each town) move in to hold it, as many as it takes to keep the column's
    effective odds below ``withdraw_odds`` once fortified; if all of them would not do, none go."""
    p = model.p
    zone = relations.rebel_zone(model)
    heading = {}
    for m in model.missions:
        if m.side in STATE and zone[m.target] and any(u.route for u in m.units):
            heading.setdefault(m.target, []).extend(u for u in m.units if u.strength >= 1.0)
    for v, column in sorted(heading.items()):
        for u in reinforcements(model, v, combat.effective(model, column) / p.withdraw_odds):
            missions.fall_back(model, u, v)


def reinforcements(model, v: int, need: float) -> list[ForceUnit]:
    """Idle rebel units near ``v`` that bring its fortified effective defence to ``need`` (none if they cannot)."""
    defence = [u for u in model.grid[v].agents if isinstance(u, ForceUnit) and u.faction == CSP]
    defence += [u for u in model.units if u.faction == CSP and u.route and u.route[-1] == v]
    if combat.fortified(model, v, defence) * combat.effective(model, defence) >= need:
        return []
    send = []
    for w in sorted((w for w in model.reach[v] if w != v), key=lambda w: model.travel_days(w, v)):
        for u in idle_group(model, CSP, w) if model.forces.present[w, CSP] else ():
            send.append(u)
            if combat.fortified(model, v, defence + send) * combat.effective(model, defence + send) >= need:
                return send
    return []
