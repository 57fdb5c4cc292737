"""Combat physics: Lanchester's square law, solved exactly over a day of fire.

Aimed fire between concentrated forces at one place is the square law's case: each side's
headcount falls at a rate proportional to the enemy's *effective* strength (``lethality`` ×
Σ effectiveness × strength).  The law is integrated in closed form, so a fight split into
days loses nothing to the time step and keeps the square law's invariant exactly
(``α·A² − β·D²`` is constant; A0 = 100 against D0 = 80 at equal effectiveness ends with
√(100² − 80²) = 60).  Fortified defenders count as ``fortification`` times their number,
both in the fire they deliver and in the fire they absorb, so a fortified defender is worth
exactly that many unfortified ones.  Who fights, and who breaks off when, is decided in
:mod:`vacuum_sim.model.engagements`; corridor attacks are in :mod:`vacuum_sim.model.roads`.
"""

from __future__ import annotations

import math

from vacuum_sim.factions import STATE, UN


def square_law(a: float, d: float, alpha: float, beta: float, t: float = 1.0) -> tuple[float, float]:
    """Strengths after ``t`` days of aimed fire, da/dt = −β·d and dd/dt = −α·a, exactly; a side stops at zero.

    ``alpha`` is what one of ``a`` kills of ``d`` per day, ``beta`` what one of ``d`` kills of ``a``.
    """
    if alpha <= 0 or beta <= 0:  # one side cannot hurt the other: the other's losses are linear in time
        return max(0.0, a - beta * d * t), max(0.0, d - alpha * a * t)
    k = math.sqrt(alpha * beta)
    ra, rd = math.sqrt(alpha) * a, math.sqrt(beta) * d  # square-law fighting strengths
    if ra > rd and math.atanh(rd / ra) <= k * t:  # d is wiped out within the time
        return math.sqrt(max(0.0, a * a - beta / alpha * d * d)), 0.0
    if rd > ra and math.atanh(ra / rd) <= k * t:
        return 0.0, math.sqrt(max(0.0, d * d - alpha / beta * a * a))
    ch, sh = math.cosh(k * t), math.sinh(k * t)
    return max(0.0, a * ch - math.sqrt(beta / alpha) * d * sh), max(0.0, d * ch - math.sqrt(alpha / beta) * a * sh)


def strength(units) -> float:
    return sum(u.strength for u in units)


def effective(model, units) -> float:
    """Σ strength × effectiveness of the units' factions."""
    eff = model.p.effectiveness.tolist()  # Python floats: scalar arithmetic, not numpy's
    return sum(u.strength * eff[u.faction] for u in units)


def inflict(model, units, losses: float) -> float:
    """Spread ``losses`` over ``units`` in proportion to strength; count them as combat deaths; return those taken."""
    total = strength(units)
    if total <= 0 or losses <= 0:
        return 0.0
    share = min(1.0, losses / total)
    for u in units:
        u.strength -= u.strength * share
    model.cum_combat_deaths += share * total
    return share * total


def fortified(model, v: int, defenders) -> float:
    """Defenders in prepared positions count ``fortification`` times: the state in its bases, the UN in its
    open camps, and whoever holds a vacated camp."""
    factions = {u.faction for u in defenders}
    held = (model.is_army_base[v] and factions & set(STATE)) or (model.un_open[v] and UN in factions)
    return model.p.fortification if held or model.vacated[v] else 1.0


def odds(model, v: int, attackers, defenders) -> float:
    """Attackers' effective strength over the defenders' (after fortification); infinite with no defenders."""
    defence = fortified(model, v, defenders) * effective(model, defenders)
    return effective(model, attackers) / defence if defence > 0 else math.inf


def fire(model, a: float, a_eff: float, d: float, d_eff: float, lethality: float, advantage: float,
         rng) -> tuple[float, float]:
    """One exchange of aimed fire between ``a`` attackers and ``d`` defenders (headcounts, with their
    effective strengths); return the losses of each.

    The defenders count ``advantage`` times their number; each side's fire is scaled by an independent
    log-normal draw of spread ``combat_noise`` from ``rng``.
    """
    if a <= 0 or d <= 0:
        return 0.0, 0.0
    chance = rng.lognormal(0.0, model.p.combat_noise, size=2)
    alpha = lethality * a_eff / a * chance[0]  # what one attacker kills of the defenders' equivalents per exchange
    beta = lethality * d_eff / d * chance[1]
    a_after, d_equiv_after = square_law(a, advantage * d, alpha, beta)
    return a - a_after, d - d_equiv_after / advantage


def exchange(model, attackers, defenders, lethality: float, advantage: float, rng) -> tuple[float, float]:
    """A day of battle between two lists of units; the losses are spread over each; return (attackers', defenders')."""
    lost_a, lost_d = fire(model, strength(attackers), effective(model, attackers), strength(defenders),
                          effective(model, defenders), lethality, advantage, rng)
    return inflict(model, attackers, lost_a), inflict(model, defenders, lost_d)
