"""Combat and atrocities: assaults and operations in towns, IEDs and ambushes on corridors.

Attrition follows Lanchester's *square* law: each side's losses in a round are
proportional to the enemy's effective strength (``lethality × Σ effectiveness ×
strength``).  Engagements here are aimed fire between concentrated forces at one
town, which is the square law's case; the fire-and-forget part of the war (IEDs,
ambushes) is modelled separately as a fixed share of the unit lost per hit.  A side
breaks off once reduced below ``retreat_ratio`` of its strength at the start.
"""

from __future__ import annotations

import numpy as np

from vacuum_sim.model.agents import ForceUnit, Mission
from vacuum_sim.factions import ARMED_GROUPS, CSP, FACTIONS, FAMA, GROUP_COLUMN, ISSP, JNIM, STATE, UN, WAGNER, ZONES

NORTH = ZONES.index("north")

# Each faction's parameter names, e.g. FAMa -> "effectiveness_fama".
EFFECTIVENESS = {f: f"effectiveness_{FACTIONS[f].lower()}" for f in (FAMA, WAGNER, UN, JNIM, CSP, ISSP)}
ROUNDS = 3  # fire exchanges per day of battle
ATROCITY_PROB = {f: f"atrocity_prob_{FACTIONS[f].lower()}" for f in (FAMA, WAGNER, JNIM, CSP, ISSP)}


def effective(model, units) -> float:
    return sum(u.strength * model.p[EFFECTIVENESS[u.faction]] for u in units)


def _take_losses(units, losses: float) -> float:
    """Spread ``losses`` over ``units`` in proportion to strength; return the losses actually taken."""
    total = sum(u.strength for u in units)
    if total <= 0:
        return 0.0
    share = min(1.0, losses / total)
    for u in units:
        u.strength -= u.strength * share
    return share * total


def fortified(model, v: int) -> float:
    """Defenders of an army base or a UN camp fight from prepared positions."""
    return model.p["fortification"] if model.is_army_base[v] or model.un_open[v] or model.vacated[v] else 1.0


def battle(model, v: int, attackers: list[ForceUnit], defenders: list[ForceUnit], sub_event: str) -> bool:
    """Fight at town ``v``; return True if the attackers won.  Losers retreat to the nearest friendly place."""
    p, rng = model.p, model.streams["combat"]
    a0, d0 = sum(u.strength for u in attackers), sum(u.strength for u in defenders)
    dead, bonus = 0.0, fortified(model, v)
    for _ in range(ROUNDS):
        a_eff, d_eff = effective(model, attackers), bonus * effective(model, defenders)
        noise = rng.lognormal(0.0, p["combat_noise"], size=2)
        dead += _take_losses(attackers, p["lethality"] * d_eff * noise[0])
        dead += _take_losses(defenders, p["lethality"] * a_eff * noise[1])
        a_broken = sum(u.strength for u in attackers) < p["retreat_ratio"] * a0
        d_broken = sum(u.strength for u in defenders) < p["retreat_ratio"] * d0
        if a_broken or d_broken:
            break
    won = d_broken and not a_broken or (not d_broken and not a_broken and
                                        effective(model, attackers) > 2 * bonus * effective(model, defenders))
    names = sorted({u.name for u in attackers}), sorted({u.name for u in defenders})
    model.log("Battles", sub_event, "/".join(names[0]), "/".join(names[1]), v, dead)
    losers = defenders if won else attackers
    for u in [u for u in losers if u.strength >= 1.0]:
        retreat(model, u)
    for u in [u for u in attackers + defenders if u.strength < 1.0]:
        model.retire(u)
    return won


def retreat(model, u: ForceUnit) -> None:
    """Break off: state forces fall back to the nearest hub, others to where they came from or their strongest neighbour."""
    mission = u.mission
    if mission is not None:
        mission.units.remove(u)
    if u.faction in STATE or u.faction == UN:
        home = model.nearest_hub(u.node)
    elif mission is not None:
        home = mission.origin
    else:
        home = max(model.grid.G[u.node], key=lambda w: model.influence[w, GROUP_COLUMN[u.faction]])  # a safe haven
    model.fall_back(u, home)


def conduct(model, mission: Mission, on_target: list[ForceUnit]) -> None:
    """One day of a mission on its target: open it (count, atrocity rolls), fight defenders, end it when due."""
    p, v = model.p, mission.target
    if not mission.started:
        mission.started = True
        if mission.side in STATE:
            model.ops_today[model.zone[v]] += 1
            model.log("Battles", "Government operation", "/".join(sorted({u.name for u in on_target})), "", v)
            if model.vacated[v] and model.zone[v] == NORTH and not model.csp_at_war:  # as at Ber, August 2023
                model.csp_at_war = True
                model.log("Strategic developments", "CSP declares hostilities", "CSP", "FAMa", v)
        for f in sorted({u.faction for u in on_target}):
            atrocity(model, f, v)
    defenders = [u for u in model.grid[v].agents
                 if isinstance(u, ForceUnit) and u.mission is not mission and not u.route
                 and model.hostile(mission.side, u.faction)]
    if defenders:
        won = battle(model, v, on_target, defenders, "Armed clash" if mission.side in STATE else "Attack")
        if mission.side not in STATE:
            model.record_strike(mission.side, v)
            partner_strike(model, mission.side, v)
        if not won:
            if mission in model.missions:
                model.end_mission(mission, success=False)
            return
    if mission.side in STATE:
        model.influence[v] *= 1 - p["op_influence_cut"]
        mission.days_on_target += 1
        if mission.days_on_target >= p["operation_days"]:
            model.end_mission(mission, success=True)
    else:
        model.captures[mission.side] += 1
        model.log("Strategic developments", "Non-state actor overtakes territory", FACTIONS[mission.side], "", v)
        model.end_mission(mission, success=True)


def partner_strike(model, group: int, v: int, targets: list[ForceUnit] | None = None) -> None:
    """Tacit cooperation: the partner group, if it has fighters within reach, hits the same place the same day.

    ``targets`` defaults to the state forces standing in town ``v`` (for a convoy hit on a corridor, the convoy)."""
    partner = {JNIM: CSP, CSP: JNIM}.get(group)
    if partner is None or (partner == CSP and not model.csp_at_war):
        return
    if model.streams["combat"].random() >= model.p["jnim_csp_cooperation"]:
        return
    if not any(model.presence[w, partner] > 0 for w in model.reach[v]):
        return
    if targets is None:
        targets = [u for u in model.grid[v].agents
                   if isinstance(u, ForceUnit) and u.faction in STATE and not u.route]
    targets = [u for u in targets if u.strength >= 1.0]
    if not targets:
        return
    lost = _take_losses(targets, model.p["ied_loss"] * sum(u.strength for u in targets))
    model.log("Explosions/Remote violence", "Remote explosive/landmine/IED", FACTIONS[partner],
              "/".join(sorted({u.name for u in targets})), v, lost)
    model.record_strike(partner, v)


def hostility(model, group: int, faction: int) -> float:
    """How far armed ``group`` targets ``faction`` on the roads: JNIM and the rebels spare each other as they cooperate."""
    if {group, faction} == {JNIM, CSP}:
        return 1.0 - model.p["jnim_csp_cooperation"]
    return float(model.hostile(group, faction))


def corridor_attack(model, unit: ForceUnit, a: int, b: int) -> None:
    """A day on the corridor a–b: IEDs (JNIM, ISSP) and ambushes by hostile groups influential at either end."""
    p = model.p
    influence = np.maximum(model.influence[a], model.influence[b])
    ied, ambush = model.streams["corridors"].random(2)
    for group in ARMED_GROUPS:
        threat = influence[GROUP_COLUMN[group]] * hostility(model, group, unit.faction)
        if group != CSP and ied < p["ied_rate"] * threat:
            kind, sub_event, loss = "Explosions/Remote violence", "Remote explosive/landmine/IED", p["ied_loss"]
        elif ambush < p["ambush_rate"] * threat:
            kind, sub_event, loss = "Battles", "Ambush", p["ambush_loss"]
        else:
            continue
        lost = _take_losses([unit], loss * unit.strength)
        model.log(kind, sub_event, FACTIONS[group], unit.name, a, lost)
        model.record_strike(group, a)
        if unit.faction in STATE:
            partner_strike(model, group, a, [unit])
        return


def atrocity(model, faction: int, v: int) -> None:
    """Forces of ``faction`` operating in ``v`` may harm civilians; it adds grievance there."""
    if faction not in ATROCITY_PROB:
        return
    p, rng = model.p, model.streams["atrocities"]
    prob = p[ATROCITY_PROB[faction]] * (1 - p["un_deterrence"] * model.un_near[v])
    if rng.random() >= prob:
        return
    killed = 1 + rng.poisson(p["atrocity_fatalities"] - 1)
    model.grievance[v] += p["grievance_per_death"] * killed
    model.new_atrocities[faction] += 1
    model.cum_atrocities[faction] += 1
    model.atrocities_by_town[v] += 1
    model.log("Violence against civilians", "Attack", FACTIONS[faction], "Civilians", v, killed, civilians=True)
