"""Who fights whom: the state and the rebels (at peace until the rebels decide on war), the UN and the jihadists,
and the JNIM–rebel relationship (``jnim_csp_cooperation``: 0 hostile … 1 tacit allies) [SEED].

The rebels' war is their own decision (:func:`rebels_decide`): each day they weigh the threat to their zone — state
forces standing in it against their own fighters, and grievance against the state among its people — remember it with
a decay, set aside the share of it the 2015 accord still restrains (``accord_strength``), and go to war once what is
left passes their tolerance.  Cooperation is joint planning (:mod:`group_command`) and shared eyes on the roads
(:mod:`roads`); same-place strikes are only counted here (:func:`record_strike`), never created."""

from __future__ import annotations

from itertools import combinations

import numpy as np

from vacuum_sim.factions import CSP, FACTIONS, FAMA, GROUP_COLUMN, ISSP, JNIM, STATE, UN, WAGNER
from vacuum_sim.model import engagements
from vacuum_sim.model.atrocities import AGAINST_STATE

PARTNER = {JNIM: CSP, CSP: JNIM}


def hostile(model, a: int, b: int) -> bool:
    """Whether factions ``a`` and ``b`` fight each other today (JNIM–CSP clashes are drawn in insurgent_clashes)."""
    return HOSTILE[model.csp_at_war][a][b]


def _hostile(at_war: bool, a: int, b: int) -> bool:
    """The rule behind :func:`hostile`, given whether the rebels are at war with the state."""
    if a == b or (a in STATE and b in STATE):
        return False
    if UN in (a, b):
        other = b if a == UN else a
        return other in (JNIM, ISSP)
    if CSP in (a, b) and (a in STATE or b in STATE):
        return at_war
    return {a, b} != {JNIM, CSP}


# Faction × faction, at peace and at war: the rule read ~90,000 times a run, tabulated once.
HOSTILE = {at_war: tuple(tuple(_hostile(at_war, a, b) for b in range(len(FACTIONS))) for a in range(len(FACTIONS)))
           for at_war in (False, True)}
ENEMIES = {at_war: np.array(table, dtype=bool) for at_war, table in HOSTILE.items()}  # the same, as arrays
HOSTILE_PAIRS = {at_war: [(a, b) for a, b in combinations(range(len(FACTIONS)), 2) if table[a][b]]  # a < b
                 for at_war, table in HOSTILE.items()}


def hostility(model, group: int, faction: int) -> float:
    """How far armed ``group`` targets ``faction`` on the roads: JNIM and the rebels spare each other as they cooperate."""
    if {group, faction} == {JNIM, CSP}:
        return 1.0 - model.p.jnim_csp_cooperation
    return float(hostile(model, group, faction))


def rebel_zone(model) -> np.ndarray:
    """Towns the rebels count as theirs: where their influence reaches ``rebel_zone_influence`` or they hold."""
    return (model.influence[:, GROUP_COLUMN[CSP]] >= model.p.rebel_zone_influence) | (model.controller == CSP)


def state_personnel(model) -> np.ndarray:
    """Army and Wagner personnel standing in each town (the UN is no threat to the rebels)."""
    return model.presence[:, FAMA] + model.presence[:, WAGNER]


def threat_today(model) -> float:
    """What the rebels see today: state personnel in their zone beyond those the accord's status quo left there
    (what stood in each town at the start), per rebel fighter, plus the grievance against the state among the
    zone's people (population-weighted, 0–1) weighted by ``rebel_grievance_weight``."""
    zone = rebel_zone(model)
    fighters = max(model.presence[:, CSP].sum(), 1.0)
    intrusion = (state_personnel(model) - model.accord_posts)[zone].clip(min=0.0).sum() / fighters
    pop = model.population[zone]
    grievance = (model.grievance[zone, AGAINST_STATE] * pop).sum() / pop.sum() if pop.sum() > 0 else 0.0
    return float(intrusion + model.p.rebel_grievance_weight * grievance)


def rebels_decide(model) -> None:
    """Remember today's threat (``rebel_threat_memory`` days) and go to war once the share of it the accord no longer
    restrains (1 − ``accord_strength``) reaches ``rebel_threat_tolerance``."""
    p = model.p
    model.rebel_threat += (threat_today(model) - model.rebel_threat) / p.rebel_threat_memory
    if not model.csp_at_war and (1 - p.accord_strength) * model.rebel_threat >= p.rebel_threat_tolerance:
        model.csp_at_war = True
        model.log("Strategic developments", "CSP declares hostilities", "CSP", "FAMa", int(np.argmax(
            model.presence[:, FAMA] * rebel_zone(model))))


def insurgent_clashes(model) -> None:
    """Where JNIM and CSP fighters share a town with no fight under way, an engagement between them opens
    with probability 1 − cooperation."""
    present = model.forces.present
    both = present[:, JNIM] & present[:, CSP]
    if not both.any():
        return
    rng = model.streams["combat"]
    for v in both.nonzero()[0]:
        if int(v) not in model.fights and rng.random() < 1 - model.p.jnim_csp_cooperation:
            engagements.confront(model, int(v), frozenset((JNIM,)), frozenset((CSP,)), "Armed clash", clash=True)


def join_fight(model, mission, eng) -> None:
    """A mission reaching a fight its ally opened joins the attackers' side if it is hostile to every defender:
    its arrival is its own strike there."""
    f, (attackers, defenders) = mission.side, eng.sides
    if f in attackers or f in defenders or f in STATE:
        return
    if any(hostile(model, f, g) for g in attackers) or not all(hostile(model, f, g) for g in defenders):
        return
    eng.sides = (attackers | {f}, defenders)
    model.log("Battles", "Attack", FACTIONS[f], "/".join(sorted(FACTIONS[g] for g in defenders)), eng.town)
    record_strike(model, f, eng.town)


def ally_holds(model, mission) -> bool:
    """Whether a partner group (not hostile to the mission's side) stands on the mission's target: taken together,
    a town is taken once."""
    partner = PARTNER.get(mission.side)
    return (partner is not None and not hostile(model, mission.side, partner)
            and bool(model.forces.present[mission.target, partner]))


def record_strike(model, group: int, v: int, around: list[int] | None = None) -> None:
    """Count JNIM and CSP strikes on the same town within 24 hours of each other; keep each strike with the group's
    personnel standing within ``strike_reach`` of the town (or of the towns ``around``, a corridor's two ends) at
    that moment: who was there to strike."""
    if group not in PARTNER:
        return
    towns = model.reach[v] if around is None else sorted(set().union(*(model.reach[w] for w in around)))
    model.strikes.append((model.day, v, group, float(model.presence[towns, group].sum())))
    if model.day - model.last_strike.get((v, PARTNER[group]), -99) <= 1:
        model.cum_joint_strikes += 1
    model.last_strike[(v, group)] = model.day
