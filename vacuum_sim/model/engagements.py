"""Engagements: fights in a town that go on day after day until one side breaks off.

An engagement opens when a mission reaches a town held by hostile forces, or whenever hostile forces
find themselves in one town (:func:`contacts`).  It keeps its own state (the sides, what each has
committed and lost) on an :class:`Engagement`; each day its sides are the units of their factions
standing in the town, so reinforcements join and the fallen drop out.  Each day of fire follows the
square law (:func:`combat.exchange`); then the sides decide from what they see:

- the attackers halt once they have lost ``attacker_loss_tolerance`` of what they committed;
- the defenders withdraw once the attackers outgun them ``withdraw_odds`` to one (after fortification)
  or once they have lost ``defender_loss_tolerance`` of theirs.

The side that breaks off falls back (:func:`missions.retreat`); the other holds the town.  Nothing
else decides the outcome: at equal effectiveness the tolerances make an assault pay off from effective
odds of about 1.2 to one (``attack_odds``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from vacuum_sim.factions import STATE, UN
from vacuum_sim.model import combat, missions, relations
from vacuum_sim.model.agents import ForceUnit, Mission

ATTACKERS, DEFENDERS = 0, 1


@dataclass(eq=False)
class Engagement:
    """A fight at one town: two sides (sets of factions), what each committed and lost so far."""

    town: int
    sides: tuple[frozenset, frozenset]  # attacking factions, defending factions
    sub_event: str  # ACLED sub-event of each day's battle
    mission: Mission | None = None  # the mission whose assault opened it, if any
    committed: np.ndarray = field(default_factory=lambda: np.zeros(2))
    lost: np.ndarray = field(default_factory=lambda: np.zeros(2))
    days: int = 0
    _seen: set = field(default_factory=set)

    def units(self, model, side: int) -> list[ForceUnit]:
        """The side's units standing in the town (not passing through or leaving)."""
        return [u for u in model.grid[self.town].agents
                if isinstance(u, ForceUnit) and u.faction in self.sides[side] and not u.route]

    def enlist(self, units: list[ForceUnit], side: int) -> None:
        """Count the strength of units joining the fight for the first time as committed."""
        for u in units:
            if u.unique_id not in self._seen:
                self._seen.add(u.unique_id)
                self.committed[side] += u.strength

    def loss_share(self, side: int) -> float:
        return self.lost[side] / self.committed[side] if self.committed[side] > 0 else 0.0


def camp(faction: int) -> frozenset:
    """The factions that fight alongside ``faction`` (the army and Wagner are one side)."""
    return frozenset(STATE) if faction in STATE else frozenset((faction,))


def standing(model, v: int) -> list[ForceUnit]:
    return [u for u in model.grid[v].agents if isinstance(u, ForceUnit) and not u.route]


def open_engagement(model, v: int, attackers: frozenset, defenders: frozenset, sub_event: str,
                    mission: Mission | None = None) -> Engagement:
    eng = Engagement(v, (attackers, defenders), sub_event, mission)
    model.fights[v] = eng
    return eng


def confront(model, v: int, side_a: frozenset, side_b: frozenset, sub_event: str, clash: bool = False) -> None:
    """Two hostile sides in one town: the side with the better odds attacks if they reach ``attack_odds``
    (or at once if ``clash``); otherwise the side that is not dug in leaves (the weaker one, unless it holds
    its base).  The UN defends its camps but does not assault: facing it, the other side leaves."""
    here = standing(model, v)
    units_a = [u for u in here if u.faction in side_a]
    units_b = [u for u in here if u.faction in side_b]
    if not units_a or not units_b:
        return
    odds_a, odds_b = combat.odds(model, v, units_a, units_b), combat.odds(model, v, units_b, units_a)
    if odds_b > odds_a:
        side_a, side_b, units_a, units_b, odds_a = side_b, side_a, units_b, units_a, odds_b
    if side_a == {UN}:
        leaving = units_b
    elif clash or odds_a >= model.p.attack_odds:
        open_engagement(model, v, side_a, side_b, sub_event)
        return
    else:
        leaving = units_a if combat.fortified(model, v, units_b) > 1 else units_b
    for u in leaving:
        missions.retreat(model, u)


def contacts(model) -> None:
    """Hostile forces standing in one town with no fight under way there: an engagement opens."""
    present = model.forces.present
    pairs = relations.HOSTILE_PAIRS[model.csp_at_war]
    # a faction there with an enemy there (a boolean matrix product is an "any" over the enemies)
    meeting = (present & (present @ relations.ENEMIES[model.csp_at_war])).any(axis=1)
    for v in np.flatnonzero(meeting).tolist():
        if v in model.fights:
            continue
        here = {u.faction for u in standing(model, v)}
        pair = next(((f, g) for f, g in pairs if f in here and g in here), None)
        if pair is not None:
            f, _ = pair
            enemies = frozenset(h for h in here if model.hostile(f, h))
            confront(model, v, camp(f), enemies, "Armed clash")


def fight(model) -> None:
    """One day of every engagement under way, in town order: fire, then each side's decision."""
    for v in sorted(model.fights):
        day_of_fighting(model, model.fights[v])


def day_of_fighting(model, eng: Engagement) -> None:
    p, v = model.p, eng.town
    attackers, defenders = eng.units(model, ATTACKERS), eng.units(model, DEFENDERS)
    if not attackers or not defenders:  # one side has gone (left, fell, or never stood): the fight is over
        close(model, eng, attackers_held=bool(attackers))
        return
    eng.enlist(attackers, ATTACKERS)
    eng.enlist(defenders, DEFENDERS)
    names = "/".join(sorted({u.name for u in attackers})), "/".join(sorted({u.name for u in defenders}))
    lost = combat.exchange(model, attackers, defenders, p.lethality, combat.fortified(model, v, defenders),
                           model.streams["combat"])
    eng.lost += lost
    eng.days += 1
    model.log("Battles", eng.sub_event, *names, v, sum(lost))
    for u in [u for u in attackers + defenders if u.strength < 1.0]:
        model.retire(u)
    attackers = [u for u in attackers if u.strength >= 1.0]
    defenders = [u for u in defenders if u.strength >= 1.0]
    if not attackers or not defenders:
        close(model, eng, attackers_held=bool(attackers))
    elif eng.loss_share(ATTACKERS) >= p.attacker_loss_tolerance:  # the defenders held out the day
        close(model, eng, attackers_held=False, leaving=attackers)
    elif (eng.loss_share(DEFENDERS) >= p.defender_loss_tolerance
          or combat.odds(model, v, attackers, defenders) >= p.withdraw_odds):
        close(model, eng, attackers_held=True, leaving=defenders)


def add_losses(model, v: int, factions: set, lost: float) -> None:
    """Record losses inflicted from outside the exchange (an air strike) on the side of a running engagement."""
    eng = model.fights.get(v)
    if eng is not None:
        for side in (ATTACKERS, DEFENDERS):
            if factions & eng.sides[side]:
                eng.lost[side] += lost


def close(model, eng: Engagement, attackers_held: bool, leaving: list[ForceUnit] = ()) -> None:
    """End the engagement: the side breaking off falls back; a failed assault ends its mission."""
    del model.fights[eng.town]
    for u in leaving:
        missions.retreat(model, u)
    if not attackers_held and eng.mission is not None and eng.mission in model.missions:
        missions.end_mission(model, eng.mission, success=False)
