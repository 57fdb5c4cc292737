"""The state's armed drones: strikes that cost no ground troops but carry their own risk to civilians.

Each day the state flies Poisson(``drone_sorties``) strike sorties.  A sortie first supports the state's
operations under way: it strikes the hostile fighters at the target of the operation that faces the most of
them for its own strength (the massed operations on hard targets, fought or still on the way); then the
engagement where the state's side has the worst odds; with neither, the largest concentration of hostile
armed-group fighters anywhere.  A strike
kills ``drone_strike_casualties`` fighters and, with probability ``drone_civilian_risk``, civilians
too ([S46] Kidal, Nov 2023).  Strikes are logged as ACLED "Explosions/Remote violence" / "Air/drone strike".
"""

from __future__ import annotations

import numpy as np

from vacuum_sim.factions import ARMED_GROUPS, FACTIONS, FAMA, STATE
from vacuum_sim.model import atrocities, combat, engagements
from vacuum_sim.model.agents import ForceUnit


def drone_strikes(model) -> None:
    """Today's sorties, each against the most pressing target the state command sees."""
    rng = model.streams["air"]
    for _ in range(rng.poisson(model.p.drone_sorties)):
        target = choose_target(model)
        if target is None:
            return
        strike(model, *target)


def choose_target(model) -> tuple[int, frozenset] | None:
    """(town, enemy factions): support the state's hardest operation, else its hardest fight, else the largest
    hostile concentration."""
    hostile = [g for g in ARMED_GROUPS if model.hostile(FAMA, g)]
    support = operation_support(model, hostile)
    if support is not None:
        return support
    worst = None
    for v, eng in sorted(model.fights.items()):
        for side in (engagements.ATTACKERS, engagements.DEFENDERS):
            if eng.sides[side] & set(STATE):
                own, enemy = eng.units(model, side), eng.units(model, 1 - side)
                odds = combat.effective(model, own) / max(combat.effective(model, enemy), 1e-9)
                if enemy and (worst is None or odds < worst[0]):
                    worst = (odds, v, eng.sides[1 - side])
    if worst is not None:
        return worst[1], worst[2]
    if not hostile:
        return None
    concentration = model.presence[:, hostile].sum(axis=1)
    v = int(np.argmax(concentration))
    return (v, frozenset(hostile)) if concentration[v] >= 1.0 else None


def operation_support(model, hostile: list[int]) -> tuple[int, frozenset] | None:
    """The target of the state operation under way that faces the most hostile fighters for its own strength."""
    if not hostile:
        return None
    eff = model.p.effectiveness
    enemy = model.presence[:, hostile] @ eff[hostile]
    best = None
    for m in model.missions:
        if m.side in STATE and m.units and enemy[m.target] >= 1.0:
            ratio = enemy[m.target] / max(combat.effective(model, m.units), 1e-9)
            if best is None or ratio > best[0]:
                best = (ratio, m.target)
    return None if best is None else (best[1], frozenset(hostile))


def strike(model, v: int, enemies: frozenset) -> None:
    """One sortie on the enemy fighters standing in ``v``."""
    targets = [u for u in model.grid[v].agents if isinstance(u, ForceUnit) and u.faction in enemies]
    killed = combat.inflict(model, targets, model.p.drone_strike_casualties)
    engagements.add_losses(model, v, {u.faction for u in targets}, killed)
    model.cum_drone_strikes += 1
    model.log("Explosions/Remote violence", "Air/drone strike", FACTIONS[FAMA],
              "/".join(sorted({u.name for u in targets})), v, killed)
    # Civilians near the strike: the shared civilian-harm submodel, attributed to the state, logged as a strike.
    model.cum_drone_civilian_deaths += atrocities.civilian_harm(
        model, FAMA, v, model.p.drone_civilian_risk, kind=("Explosions/Remote violence", "Air/drone strike"))
    for u in [u for u in targets if u.strength < 1.0]:
        model.retire(u)
