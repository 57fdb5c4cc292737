"""The armed groups' command: idle JNIM, ISSP and (once at war) CSP units pick a weakly held target
within reach where they have local networks, or an unheld vacated base; a partner group's fighters near the
target may join the attack (joint planning); the rebels at war reinforce the towns of their zone a state column
is heading for, when they see the odds to hold them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vacuum_sim.factions import ARMED_GROUPS, CSP, GROUP_COLUMN, ISSP, JNIM, STATE, UN
from vacuum_sim.model import combat, missions, relations
from vacuum_sim.model.agents import ATTACK, ForceUnit, Mission


def armed_group_attacks(model) -> None:
    """Each idle armed-group unit looks for a target with its daily rate, deterred near open UN bases; then the
    rebels at war move to defend their zone."""
    p = model.p
    rng = model.streams["insurgents"]
    rate = {JNIM: p.jnim_attack_rate, ISSP: p.jnim_attack_rate, CSP: p.csp_attack_rate}
    armed = [u for u in model.units if u.faction in ARMED_GROUPS]
    draws = rng.random(len(armed)).tolist()  # Python floats: compared one by one
    views: dict[int, TargetView] = {}  # no unit moves while attacks are planned: what each group sees holds all day
    # Where a group found no target it finds none later today (targets only get busier, idle groups only smaller):
    # its other units there need not look again.
    no_target: set[tuple[int, int]] = set()
    for u, draw in zip(armed, draws, strict=True):
        if draw >= rate[u.faction] or not u.idle:  # not looking today, busy, or drawn into a group attack today
            continue
        if draw < rate[u.faction] * (1 - p.un_deterrence * model.un_near[u.node]):
            if (u.faction, u.node) in no_target:
                continue
            if u.faction not in views:
                views[u.faction] = TargetView.of(model, u.faction)
            if not plan_attack(model, u, rng, views[u.faction]):
                no_target.add((u.faction, u.node))
    if model.csp_at_war:
        rebels_defend(model)


def idle_group(model, faction: int, v: int) -> list[ForceUnit]:
    """The faction's idle units in town ``v``, all but one when there are several (one stays to hold the town)."""
    group = [u for u in model.grid[v].agents if isinstance(u, ForceUnit) and u.faction == faction and u.idle]
    return group[:-1] if len(group) > 1 else group


@dataclass(frozen=True)
class TargetView:
    """What an armed group sees of every town today: the hostile defence (fortified where hostile forces hold a base
    or camp), where friends stand, where its network lets it strike, and which towns are bases."""

    defence: np.ndarray
    friendly_hold: np.ndarray
    network: np.ndarray
    bases: np.ndarray
    open_to: np.ndarray  # towns the group fights for at all, and those whose empty camp it may walk into

    @classmethod
    def of(cls, model, f: int) -> TargetView:
        p = model.p
        enemy = relations.ENEMIES[model.csp_at_war][f]
        present, strength = model.forces.present, model.presence
        held = ((model.is_army_base & (present[:, list(STATE)] & enemy[list(STATE)]).any(axis=1))
                | (model.un_open & present[:, UN] & enemy[UN]) | model.vacated)
        defence = np.where(held, p.fortification, 1.0) * (strength[:, enemy] @ p.effectiveness[enemy])
        # armed groups strike where they have local networks (anyone may walk into an empty camp)
        network = (model.influence[:, GROUP_COLUMN[f]] >= p.strike_network_min) | (model.vacated & (defence == 0))
        fights_for = np.ones(model.n, dtype=bool)
        walk_in = np.ones(model.n, dtype=bool)
        if f == CSP:  # the rebels fight within striking reach of the territory they claim, and take camps only in it
            fights_for, walk_in = model.claim_in_reach, model.rebel_claim
        return cls(defence, (present & ~enemy).any(axis=1), network & fights_for,
                   model.is_army_base | model.vacated, walk_in)


def plan_attack(model, unit: ForceUnit, rng, view: TargetView) -> bool:
    """Weigh the towns within ``strike_reach`` by the odds and the prize; send all but one idle unit here (and say
    whether they went).

    Scored town by town from what the group sees of them today (:class:`TargetView`): a reach is a handful of
    towns, where a Python loop costs less than numpy's per-call overhead."""
    p = model.p
    f, here = unit.faction, unit.node
    group = idle_group(model, f, here)
    own = combat.effective(model, group)
    busy = {m.target for m in model.missions}
    towns = model.reach[here]
    weights = [0.0] * len(towns)
    for i, t in enumerate(towns):
        if t == here or t in busy or not view.network[t]:
            continue
        defence = view.defence[t]
        if defence > 0 and own >= p.attack_odds * defence:  # an assault at the odds it needs
            weights[i] = (p.base_target_weight if view.bases[t] else 1.0) * own / defence
        elif defence == 0 and model.vacated[t] and not view.friendly_hold[t] and view.open_to[t]:  # an empty camp
            weights[i] = p.vacated_base_value
    if sum(weights) <= 0:
        return False
    weight = np.array(weights)
    target = towns[rng.choice(len(towns), p=weight / weight.sum())]
    hold = bool(model.vacated[target] or model.influence[target, GROUP_COLUMN[f]] >= p.control_threshold)
    missions.dispatch(model, Mission(f, target, here, hold=hold), group, ATTACK)
    partner_joins(model, f, target, rng)
    return True


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
    present = model.forces.present[:, partner]
    near = [w for w in model.reach[target] if w != target and present[w]]
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
    if not heading:
        return
    coming = {}
    for u in model.units:
        if u.faction == CSP and u.route:
            coming.setdefault(u.route[-1], []).append(u)
    for v, column in sorted(heading.items()):
        for u in reinforcements(model, v, combat.effective(model, column) / p.withdraw_odds, coming.get(v, [])):
            missions.fall_back(model, u, v)
            coming.setdefault(v, []).append(u)


def reinforcements(model, v: int, need: float, coming: list[ForceUnit]) -> list[ForceUnit]:
    """Idle rebel units near ``v`` that bring its fortified effective defence, with those already ``coming``, to
    ``need`` (none if they cannot)."""
    defence = [u for u in model.grid[v].agents if isinstance(u, ForceUnit) and u.faction == CSP] + coming
    if combat.fortified(model, v, defence) * combat.effective(model, defence) >= need:
        return []
    send = []
    for w in sorted((w for w in model.reach[v] if w != v), key=lambda w: model.travel_days(w, v)):
        for u in idle_group(model, CSP, w) if model.forces.present[w, CSP] else ():
            send.append(u)
            if combat.fortified(model, v, defence + send) * combat.effective(model, defence + send) >= need:
                return send
    return []
