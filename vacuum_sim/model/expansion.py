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
- **Blockade** (daily chance ``blockade_rate``): a state garrison (army base with state forces) within reach that the
  spare units here do not outgun ``attack_odds`` to one (after fortification), with the group's network established
  on its approaches (neighbour mean influence of at least ``recruit_influence_min``); the unit takes post on the free
  approach (a neighbour with no hostile force, no post of the group and its network established) where the group is
  most influential (see :mod:`vacuum_sim.model.blockades` for what a blockade does).
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
    """What a group sees today, as vectors over towns (kept up to date through the day as its units set off)."""

    hostile: np.ndarray  # a force hostile to the group stands there
    defence: np.ndarray  # the hostile forces' effective strength, after fortification
    attackable: np.ndarray  # what ``armed_group_attacks`` may go for: hostile forces where it has a network, or an
    open_base: np.ndarray  # unheld vacated base
    foothold: np.ndarray  # open for a foothold (and nobody of the group on the way there)
    foothold_value: np.ndarray
    blockade: np.ndarray  # a state garrison (army base), the group's network established around it, not fully covered
    blockade_value: np.ndarray
    free: np.ndarray  # where a new post can stand: no hostile force, the group's network established, no post of its own


def setup(model) -> None:
    model.moves = {}  # unit -> Move, while on its way
    model.cum_footholds = np.zeros(len(FACTIONS), dtype=int)
    model._prospects = (-1, {})
    model._days_from = {}
    model._reach_mask = {}
    model._recruitable = population.recruitable(model)  # fixed for the run
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


def around(model, x: np.ndarray) -> np.ndarray:
    """Sum over each town's neighbours of the vector ``x`` (a bincount over the corridors' two directions)."""
    return np.bincount(model.edge_to, weights=x[model.edge_from], minlength=model.n)


def _view(model, f: int) -> Prospects:
    p, col = model.p, GROUP_COLUMN[f]
    enemies = hostile_to(model, f)
    present = model.forces.present
    hostile = present[:, enemies].any(axis=1)
    state = model.state_present()
    fortified = ((model.is_army_base & state) | (model.un_open & present[:, UN]) | model.vacated)
    defence = np.where(fortified, p.fortification, 1.0) * (model.presence[:, enemies] @ p.effectiveness[enemies])
    influence = model.influence[:, col]
    network = influence >= p.strike_network_min
    anyone = present.sum(axis=1)
    others = anyone > present[:, f]
    open_base = model.vacated & (anyone == 0)
    win = population.support(model)[:, col] * model._recruitable
    peopled = model.population > 0
    foothold = ~others & ~state & (around(model, state.astype(float)) == 0) & network & peopled
    foothold[list(pending(model, f, FOOTHOLD))] = False
    network_around = around(model, influence) / model.degree
    blockade = state & model.is_army_base & (network_around >= p.recruit_influence_min) & peopled
    blockade &= model.blockade_cover[:, col] < 1.0
    free = ~hostile & (influence >= p.recruit_influence_min)
    free[list(blockades.posts_of(model, f) | pending(model, f, BLOCKADE))] = False
    return Prospects(hostile, defence, hostile & network, open_base, foothold, win * influence, blockade,
                     win * network_around, free)


def armed_group_moves(model) -> None:
    """Each spare idle JNIM/ISSP unit draws whether to look for a foothold, a blockade or a redeployment today.

    The draws are made per town first, one for each unit beyond the first standing there, so that the units are
    listed only in towns where some draw calls for a move (a unit standing there but not idle leaves its draw unused).
    """
    p = model.p
    rates = np.cumsum([p.foothold_rate, p.blockade_rate, p.redeploy_rate])
    if rates[-1] == 0:
        return
    counts = model.forces.count[:, list(MOVERS)]
    towns, groups = np.nonzero(counts > 1)
    if not len(towns):
        return
    n_draws = counts[towns, groups] - 1
    kinds = np.searchsorted(rates, model.streams["expansion"].random(n_draws.sum()), side="right")
    starts = np.cumsum(n_draws) - n_draws
    moving = np.add.reduceat(kinds < len(rates), starts) > 0
    for i in np.flatnonzero(moving).tolist():
        spare, own = spare_units(model, MOVERS[groups[i]], int(towns[i]))
        for u, kind in zip(spare, kinds[starts[i]:starts[i] + n_draws[i]].tolist(), strict=False):
            if kind < len(rates) and u.idle:
                move = (choose_foothold, choose_blockade, choose_redeployment)[kind](model, u, own)
                if move is not None:
                    send(model, u, move)


def spare_units(model, f: int, v: int) -> tuple[list[ForceUnit], float]:
    """The idle units of group ``f`` in town ``v`` beyond one holding it (and its blockade post, if it is one), and
    their effective strength."""
    units = [u for u in model.grid[v].agents if isinstance(u, ForceUnit) and u.faction == f and u.idle][1:]
    return units, combat.effective(model, units)


def pending(model, f: int, kind: str) -> set[int]:
    """Towns the group's units are already on their way to, for ``kind`` (footholds: the town; blockades: the post)."""
    return {m.post for u, m in model.moves.items() if u.faction == f and m.kind == kind}


def blockable(model, view: Prospects, own: float) -> np.ndarray:
    """State garrisons that ``own`` effective strength cannot take by assault, with a free approach to post on."""
    return view.blockade & (own < model.p.attack_odds * view.defence) & (around(model, view.free.astype(float)) > 0)


def in_reach(model, v: int) -> np.ndarray:
    """Towns within ``strike_reach`` corridors of ``v``, ``v`` itself left out (cached per town for the run)."""
    if v not in model._reach_mask:
        mask = np.zeros(model.n, bool)
        mask[model.reach[v]] = True
        mask[v] = False
        model._reach_mask[v] = mask
    return model._reach_mask[v]


def pick(model, mask: np.ndarray, value: np.ndarray) -> int | None:
    """A town of ``mask`` drawn in proportion to ``value`` (None if no town has any)."""
    cum = np.cumsum(np.where(mask, value, 0.0))
    if cum[-1] <= 0:
        return None
    return int(np.searchsorted(cum, model.streams["expansion"].random() * cum[-1], side="right"))


def choose_foothold(model, u: ForceUnit, own: float) -> Move | None:
    view = prospects(model, u.faction)
    v = pick(model, view.foothold & in_reach(model, u.node), view.foothold_value)
    return None if v is None else Move(FOOTHOLD, v, v)


def choose_blockade(model, u: ForceUnit, own: float) -> Move | None:
    view = prospects(model, u.faction)
    v = pick(model, blockable(model, view, own) & in_reach(model, u.node), view.blockade_value)
    return None if v is None else Move(BLOCKADE, v, approach(model, u, v, view.free))


def approach(model, u: ForceUnit, v: int, free: np.ndarray) -> int:
    """The free approach of ``v`` where the group is most influential (the nearest to ``u`` on a tie)."""
    col = GROUP_COLUMN[u.faction]
    options = [w for w in model.grid.G[v] if free[w]]
    return max(options, key=lambda w: (model.influence[w, col], -model.travel_days(u.node, w), -w))


def choose_redeployment(model, u: ForceUnit, own: float) -> Move | None:
    """With nothing within reach (no attack target as ``armed_group_attacks`` would see it: hostile forces it outguns
    ``attack_odds`` to one where it has a network, or an unheld vacated base; no foothold; no blockade), the best
    foothold or blockade anywhere, its prospect discounted by the days to get there."""
    view = prospects(model, u.faction)
    blockade = blockable(model, view, own)
    target = (view.attackable & (own >= model.p.attack_odds * view.defence)) | view.open_base
    if (in_reach(model, u.node) & (view.foothold | blockade | target)).any():
        return None
    foothold = np.where(view.foothold, view.foothold_value, 0.0)
    blockade = np.where(blockade, view.blockade_value, 0.0)
    score = np.maximum(foothold, blockade) * (1.0 - model.p.redeploy_discount) ** days_from(model, u.node)
    v = int(np.argmax(score))
    if score[v] <= 0:
        return None
    if foothold[v] >= blockade[v]:
        return Move(FOOTHOLD, v, v)
    return Move(BLOCKADE, v, approach(model, u, v, view.free))


def days_from(model, h: int) -> np.ndarray:
    """Travel days from ``h`` to every town (cached per origin for the run: the map does not change)."""
    if h not in model._days_from:
        model._days_from[h] = np.array([model.travel_days(h, v) for v in range(model.n)])
    return model._days_from[h]


def send(model, u: ForceUnit, move: Move) -> None:
    """Set ``u`` off; the place is taken for the group's other units today."""
    model.moves[u] = move
    view = prospects(model, u.faction)
    if move.kind == FOOTHOLD:
        view.foothold[move.post] = False
    else:
        view.free[move.post] = False
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

