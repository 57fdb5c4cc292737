"""Who fights whom: the state and the rebels (at peace until the war starts), the UN and the jihadists,
and the JNIM–rebel relationship (``jnim_csp_cooperation``: 0 hostile … 1 tacit allies) [SEED]."""

from __future__ import annotations

from vacuum_sim.factions import CSP, FACTIONS, ISSP, JNIM, STATE, UN, ZONES
from vacuum_sim.model import combat, engagements
from vacuum_sim.model.agents import ForceUnit

NORTH = ZONES.index("north")


def hostile(model, a: int, b: int) -> bool:
    """Whether factions ``a`` and ``b`` fight each other today (JNIM–CSP clashes are drawn in insurgent_clashes)."""
    if a == b or (a in STATE and b in STATE):
        return False
    if UN in (a, b):
        other = b if a == UN else a
        return other in (JNIM, ISSP)
    if CSP in (a, b) and (a in STATE or b in STATE):
        return model.csp_at_war
    return {a, b} != {JNIM, CSP}


def hostility(model, group: int, faction: int) -> float:
    """How far armed ``group`` targets ``faction`` on the roads: JNIM and the rebels spare each other as they cooperate."""
    if {group, faction} == {JNIM, CSP}:
        return 1.0 - model.p.jnim_csp_cooperation
    return float(hostile(model, group, faction))


def operation_reaches(model, v: int) -> None:
    """A state operation reaching a vacated northern base ends the rebels' peace with the state."""
    if model.vacated[v] and model.zone[v] == NORTH and not model.csp_at_war:
        model.csp_at_war = True
        model.log("Strategic developments", "CSP declares hostilities", "CSP", "FAMa", v)


def insurgent_clashes(model) -> None:
    """Where JNIM and CSP fighters share a town with no fight under way, an engagement between them opens
    with probability 1 − cooperation."""
    both = model.forces.present[:, JNIM] & model.forces.present[:, CSP]
    if not both.any():
        return
    rng = model.streams["combat"]
    for v in both.nonzero()[0]:
        if int(v) not in model.fights and rng.random() < 1 - model.p.jnim_csp_cooperation:
            engagements.confront(model, int(v), frozenset((JNIM,)), frozenset((CSP,)), "Armed clash", clash=True)


def record_strike(model, group: int, v: int) -> None:
    """Count JNIM and CSP strikes on the same town within 24 hours of each other."""
    if group not in (JNIM, CSP):
        return
    other = CSP if group == JNIM else JNIM
    if model.day - model.last_strike.get((v, other), -99) <= 1:
        model.cum_joint_strikes += 1
    model.last_strike[(v, group)] = model.day


def partner_strike(model, group: int, v: int, targets: list[ForceUnit] | None = None) -> None:
    """Tacit cooperation: the partner group, if it has fighters within reach, hits the same place the same day.

    ``targets`` defaults to the state forces standing in town ``v`` (for a convoy hit on a corridor, the convoy)."""
    partner = {JNIM: CSP, CSP: JNIM}.get(group)
    if partner is None or (partner == CSP and not model.csp_at_war):
        return
    if model.streams["combat"].random() >= model.p.jnim_csp_cooperation:
        return
    if not any(model.presence[w, partner] > 0 for w in model.reach[v]):
        return
    if targets is None:
        targets = [u for u in model.grid[v].agents
                   if isinstance(u, ForceUnit) and u.faction in STATE and not u.route]
    targets = [u for u in targets if u.strength >= 1.0]
    if not targets:
        return
    lost = combat.inflict(model, targets, model.p.ied_casualties)  # one vehicle hit
    model.log("Explosions/Remote violence", "Remote explosive/landmine/IED", FACTIONS[partner],
              "/".join(sorted({u.name for u in targets})), v, lost)
    record_strike(model, partner, v)
