"""Combat: battles in towns, IEDs and ambushes on corridors.

Attrition follows Lanchester's *square* law: each side's losses in a round are
proportional to the enemy's effective strength (``lethality × Σ effectiveness ×
strength``).  Engagements here are aimed fire between concentrated forces at one
town, which is the square law's case; the fire-and-forget part of the war (IEDs,
ambushes) is modelled separately as a fixed share of the unit lost per hit.  A side
breaks off once reduced below ``retreat_ratio`` of its strength at the start.
"""

from __future__ import annotations

import numpy as np

from vacuum_sim.factions import ARMED_GROUPS, CSP, FACTIONS, GROUP_COLUMN, STATE
from vacuum_sim.model import missions, relations
from vacuum_sim.model.agents import ForceUnit


def effective(model, units) -> float:
    """Σ strength × effectiveness of the units' factions."""
    eff = model.p.effectiveness
    return sum(u.strength * eff[u.faction] for u in units)


def take_losses(units, losses: float) -> float:
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
    return model.p.fortification if model.is_army_base[v] or model.un_open[v] or model.vacated[v] else 1.0


def battle(model, v: int, attackers: list[ForceUnit], defenders: list[ForceUnit], sub_event: str) -> bool:
    """Fight at town ``v``; return True if the attackers won.  Losers retreat to the nearest friendly place."""
    p, rng = model.p, model.streams["combat"]
    a0, d0 = sum(u.strength for u in attackers), sum(u.strength for u in defenders)
    dead, bonus = 0.0, fortified(model, v)
    for _ in range(p.fire_rounds):
        a_eff, d_eff = effective(model, attackers), bonus * effective(model, defenders)
        noise = rng.lognormal(0.0, p.combat_noise, size=2)
        dead += take_losses(attackers, p.lethality * d_eff * noise[0])
        dead += take_losses(defenders, p.lethality * a_eff * noise[1])
        a_broken = sum(u.strength for u in attackers) < p.retreat_ratio * a0
        d_broken = sum(u.strength for u in defenders) < p.retreat_ratio * d0
        if a_broken or d_broken:
            break
    won = d_broken and not a_broken or (not d_broken and not a_broken and
                                        effective(model, attackers) > p.victory_margin * bonus * effective(model, defenders))
    names = sorted({u.name for u in attackers}), sorted({u.name for u in defenders})
    model.log("Battles", sub_event, "/".join(names[0]), "/".join(names[1]), v, dead)
    losers = defenders if won else attackers
    for u in [u for u in losers if u.strength >= 1.0]:
        missions.retreat(model, u)
    for u in [u for u in attackers + defenders if u.strength < 1.0]:
        model.retire(u)
    return won


def corridor_attack(model, unit: ForceUnit, a: int, b: int) -> None:
    """A day on the corridor a–b: IEDs (JNIM, ISSP) and ambushes by hostile groups influential at either end."""
    p = model.p
    influence = np.maximum(model.influence[a], model.influence[b])
    ied, ambush = model.streams["corridors"].random(2)
    for group in ARMED_GROUPS:
        threat = influence[GROUP_COLUMN[group]] * relations.hostility(model, group, unit.faction)
        if group != CSP and ied < p.ied_rate * threat:
            kind, sub_event, loss = "Explosions/Remote violence", "Remote explosive/landmine/IED", p.ied_loss
        elif ambush < p.ambush_rate * threat:
            kind, sub_event, loss = "Battles", "Ambush", p.ambush_loss
        else:
            continue
        lost = take_losses([unit], loss * unit.strength)
        model.log(kind, sub_event, FACTIONS[group], unit.name, a, lost)
        relations.record_strike(model, group, a)
        if unit.faction in STATE:
            relations.partner_strike(model, group, a, [unit])
        return
