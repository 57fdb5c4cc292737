"""Where the jihadist groups go between fights: new footholds where the state is absent, posts on the approaches of
towns they cannot take (blockades), and redeployment towards better prospects further away.

Each day every *spare* idle unit of JNIM or ISSP weighs one move (one idle unit stays to hold its town; blockade
posts stay put; the rebels' moves are decided with their war).  What a group sees of a town is the same for every
move, its *prospect*: the people it can win there, ``support`` × recruitable people × its influence (in the town for
a foothold, on the town's approaches for a blockade).

- **Foothold** (daily chance ``foothold_rate``): a town within ``strike_reach`` corridors where no hostile force
  stands, no state force stands in or next to it, the group has no fighters yet and has a local network (influence of
  at least ``strike_network_min``); chosen in proportion to its prospect.  The unit garrisons it on arrival (logged as
  "Headquarters or base established"); influence grows where fighters stand and recruits muster there.
- **Blockade** (daily chance ``blockade_rate``): a town within reach held by state forces that the spare units here
  do not outgun ``attack_odds`` to one (after fortification), with the group's network on its approaches; the unit
  takes post on the free approach (a neighbour with no hostile force and no post of the group) where the group is most
  influential (see :mod:`vacuum_sim.model.blockades` for what a blockade does).
- **Redeployment** (daily chance ``redeploy_rate``): a unit whose surroundings offer nothing (no attack target, no
  foothold, no blockade within reach) goes for the best foothold or blockade anywhere, its prospect discounted by
  ``redeploy_discount`` per day of travel.

Units travel as convoys; :func:`settle` turns an arrival into a foothold or a post if the place is still free.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vacuum_sim.factions import FACTIONS, GROUP_COLUMN, ISSP, JNIM, UN
from vacuum_sim.model import blockades, combat, missions, population
from vacuum_sim.model.agents import GARRISON, ForceUnit

MOVERS = (JNIM, ISSP)  # the groups that build and shift bases; the rebels' moves belong to their war
FOOTHOLD, BLOCKADE = "foothold", "blockade"


@dataclass(frozen=True)
class Move:
    """Where a unit was sent: a new foothold (``post`` is the town itself) or a post on an approach of ``town``."""

    kind: str
    town: int
    post: int


@dataclass
class Prospects:
    """What a group sees today, as vectors over towns."""

    hostile: np.ndarray  # a force hostile to the group stands there
    defence: np.ndarray  # the hostile forces' effective strength, after fortification
    foothold: np.ndarray  # open for a foothold: nobody else's force in it, no state force in or next to it
    foothold_value: np.ndarray
    blockade: np.ndarray  # a state garrison (army base), with the group's network on its approaches
    blockade_value: np.ndarray
    post_free: np.ndarray  # where a post can stand: no hostile force, the group's network established


def setup(model) -> None:
    model.moves = {}  # unit -> Move, while on its way
    model.cum_footholds = np.zeros(len(FACTIONS), dtype=int)
    model._prospects = (-1, {})
    model._days_from = {}
    blockades.setup(model)


def hostile_to(model, f: int) -> list[int]:
    return [h for h in range(len(FACTIONS)) if model.hostile(f, h)]


def prospects(model, f: int) -> Prospects:
    """The group's view of every town today (computed once a day, when one of its units first weighs a move)."""
    day, cache = model._prospects
    if day != model.day:
        cache = {}
        model._prospects = (model.day, cache)
    if f not in cache:
        cache[f] = _view(model, f)
    return cache[f]


def _view(model, f: int) -> Prospects:
    p, col = model.p, GROUP_COLUMN[f]
    enemies = hostile_to(model, f)
    present = model.forces.present
    hostile = present[:, enemies].any(axis=1)
    state = model.state_present()
    fortified = ((model.is_army_base & state) | (model.un_open & present[:, UN]) | model.vacated)
    defence = np.where(fortified, p.fortification, 1.0) * (model.presence[:, enemies] @ p.effectiveness[enemies])
    influence = model.influence[:, col]
    around = model.neighbour_mean(influence)
    win = population.support(model)[:, col] * population.recruitable(model)
    state_near = state | (model.neighbour_sum(state.astype(float)) > 0)
    network = influence >= p.strike_network_min
    others = np.delete(present, f, axis=1).any(axis=1)
    foothold = ~others & ~state_near & network & (model.population > 0)
    garrison = state & model.is_army_base
    blockade = garrison & (around >= p.strike_network_min) & (model.population > 0)
    established = influence >= p.recruit_influence_min
    return Prospects(hostile, defence, foothold, win * influence, blockade, win * around, ~hostile & established)


def armed_group_moves(model) -> None:
    """Each spare idle JNIM/ISSP unit draws whether to look for a foothold, a blockade or a redeployment today."""
    p = model.p
    rates = np.cumsum([p.foothold_rate, p.blockade_rate, p.redeploy_rate])
    if rates[-1] == 0:
        return
    spares = spare_units(model)
    if not spares:
        return
    draws = model.streams["expansion"].random(len(spares))
    for (u, own), draw in zip(spares, draws, strict=True):
        kind = int(np.searchsorted(rates, draw, side="right"))
        if kind < len(rates) and u.idle:
            move = (choose_foothold, choose_blockade, choose_redeployment)[kind](model, u, own)
            if move is not None:
                send(model, u, move)


def spare_units(model) -> list[tuple[ForceUnit, float]]:
    """(unit, effective strength of its town's spare units) for every idle JNIM/ISSP unit beyond one holding its
    town (and its blockade post, if it is one)."""
    by_town: dict[tuple[int, int], list[ForceUnit]] = {}
    for u in model.units:
        if u.faction in MOVERS and u.idle:
            by_town.setdefault((u.faction, u.node), []).append(u)
    out = []
    for units in by_town.values():
        spare = units[1:]
        own = combat.effective(model, spare)
        out += [(u, own) for u in spare]
    return out


def pending(model, f: int, kind: str) -> set[int]:
    """Towns the group's units are already on their way to, for ``kind`` (footholds: the town; blockades: the post)."""
    return {m.post for u, m in model.moves.items() if u.faction == f and m.kind == kind}


def free_posts(model, f: int, view: Prospects) -> np.ndarray:
    """Approaches where the group can take a new post: no hostile force, no post of its own there or on its way."""
    free = view.post_free.copy()
    free[list(blockades.posts_of(model, f) | pending(model, f, BLOCKADE))] = False
    return free


def candidates(model, u: ForceUnit, own: float, view: Prospects) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Masks over towns: footholds open to ``u``'s group, blockades it cannot take by assault and may post on, and
    the free approaches."""
    f = u.faction
    foothold = view.foothold.copy()
    foothold[list(pending(model, f, FOOTHOLD))] = False
    free = free_posts(model, f, view)
    has_post = model.neighbour_sum(free.astype(float)) > 0
    blockade = view.blockade & has_post & (own < model.p.attack_odds * view.defence)
    blockade &= model.blockade_cover[:, GROUP_COLUMN[f]] < 1.0
    return foothold, blockade, free


def in_reach(model, u: ForceUnit) -> np.ndarray:
    mask = np.zeros(model.n, bool)
    mask[model.reach[u.node]] = True
    mask[u.node] = False
    return mask


def pick(model, mask: np.ndarray, value: np.ndarray) -> int | None:
    """A town of ``mask`` drawn in proportion to ``value`` (None if no town has any)."""
    w = np.where(mask, value, 0.0)
    total = w.sum()
    if total <= 0:
        return None
    return int(model.streams["expansion"].choice(model.n, p=w / total))


def choose_foothold(model, u: ForceUnit, own: float) -> Move | None:
    view = prospects(model, u.faction)
    foothold, _, _ = candidates(model, u, own, view)
    v = pick(model, foothold & in_reach(model, u), view.foothold_value)
    return None if v is None else Move(FOOTHOLD, v, v)


def choose_blockade(model, u: ForceUnit, own: float) -> Move | None:
    view = prospects(model, u.faction)
    _, blockade, free = candidates(model, u, own, view)
    v = pick(model, blockade & in_reach(model, u), view.blockade_value)
    return None if v is None else Move(BLOCKADE, v, approach(model, u, v, free))


def approach(model, u: ForceUnit, v: int, free: np.ndarray) -> int:
    """The free approach of ``v`` where the group is most influential (the nearest to ``u`` on a tie)."""
    col = GROUP_COLUMN[u.faction]
    options = [w for w in model.grid.G[v] if free[w]]
    return max(options, key=lambda w: (model.influence[w, col], -model.travel_days(u.node, w), -w))


def attack_in_reach(model, u: ForceUnit, own: float, view: Prospects) -> bool:
    """Whether ``armed_group_attacks`` would find a target within reach: a hostile-held town with the group's network
    that the spare units outgun ``attack_odds`` to one, or an unheld vacated base."""
    p, col = model.p, GROUP_COLUMN[u.faction]
    reach = in_reach(model, u)
    network = model.influence[:, col] >= p.strike_network_min
    beatable = view.hostile & network & (own >= p.attack_odds * view.defence)
    friendly = (model.forces.present & ~np.isin(np.arange(len(FACTIONS)), hostile_to(model, u.faction))).any(axis=1)
    open_base = model.vacated & ~view.hostile & ~friendly
    return bool((reach & (beatable | open_base)).any())


def choose_redeployment(model, u: ForceUnit, own: float) -> Move | None:
    """With nothing within reach, the best foothold or blockade anywhere, discounted by the days to get there."""
    view = prospects(model, u.faction)
    foothold, blockade, free = candidates(model, u, own, view)
    reach = in_reach(model, u)
    if (reach & (foothold | blockade)).any() or attack_in_reach(model, u, own, view):
        return None
    days = days_from(model, u.node)
    keep = (1.0 - model.p.redeploy_discount) ** days
    score = np.maximum(np.where(foothold, view.foothold_value, 0.0), np.where(blockade, view.blockade_value, 0.0))
    score = score * keep
    if score.max() <= 0:
        return None
    v = int(np.argmax(score))
    if foothold[v] and view.foothold_value[v] >= view.blockade_value[v] * blockade[v]:
        return Move(FOOTHOLD, v, v)
    return Move(BLOCKADE, v, approach(model, u, v, free))


def days_from(model, h: int) -> np.ndarray:
    """Travel days from ``h`` to every town (cached per origin for the run: the map does not change)."""
    if h not in model._days_from:
        model._days_from[h] = np.array([model.travel_days(h, v) for v in range(model.n)])
    return model._days_from[h]


def send(model, u: ForceUnit, move: Move) -> None:
    model.moves[u] = move
    missions.fall_back(model, u, move.post)
    if not u.route:
        settle_one(model, u, move)


def settle(model) -> None:
    """Units that reached where they were sent take up their foothold or post, if the place is still free of hostile
    forces (they wait while hostile forces are there); units diverted, driven off or destroyed drop their move."""
    for u, move in list(model.moves.items()):
        if u.cell is not None and u.mission is None and u.route and u.route[-1] == move.post:
            continue  # still on its way
        if u.cell is None or u.mission is not None or u.route or u.node != move.post:
            del model.moves[u]  # destroyed, sent on a mission, or driven off the way
            continue
        settle_one(model, u, move)


def settle_one(model, u: ForceUnit, move: Move) -> None:
    """Take up the foothold or post if the place is still open; wait while hostile forces stand there; otherwise stay
    as the group's garrison there, the move come to nothing."""
    f, v, present = u.faction, move.post, model.forces.present
    if present[v, hostile_to(model, f)].any():
        return  # wait for the contact to be fought out or for them to leave
    del model.moves[u]
    u.task = GARRISON
    state = model.state_present()
    if move.kind == BLOCKADE:
        if state[move.town] and model.is_army_base[move.town]:
            blockades.post(model, u, move.town)
        return
    first = model.presence[v, f] <= u.strength
    alone = not np.delete(present[v], f).any()
    if first and alone and not (state[v] or state[list(model.grid.G[v])].any()):
        model.cum_footholds[f] += 1
        model.log("Strategic developments", "Headquarters or base established", FACTIONS[f], "", v)

