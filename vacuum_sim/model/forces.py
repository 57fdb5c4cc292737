"""Force generation and accounting: the state's forces beyond the theatre, recruits trained into new units,
Wagner's contingent topped up by rotation, and depleted units merged.

The state has ``fama_manpower`` personnel in all (army, gendarmerie, national guard [S59]), of which
``theatre_share`` stand in the theatre as units; the rest is the rear (schools, staffs, static duties off
the map).  It recruits to a force plan that grows by ``fama_growth`` a year: each day it enlists the
shortfall between the plan and its forces (losses included), at most ``training_capacity`` [S163, S164];
recruits train for ``training_days`` [S165] and leave training as units of ``unit_size`` that go to the
theatre, as reserves at the supply hub with the thinnest reserve, while the theatre is below its share of
the plan, and to the rear otherwise.  Wagner's contingent is a rotation: whenever it falls short of its
ceiling ``wagner_manpower``, replacements are sent and arrive ``wagner_rotation_days`` later.

A unit reduced below ``merge_below`` × ``unit_size`` no longer operates alone: it merges with others of
its faction in the same town (on the same mission, if any); a detachment with no such partner turns back
from its mission and joins the nearest idle unit of its faction, and with none left anywhere it stands
down (state personnel go to the rear).  The UN is left out: its units keep their camps until the
withdrawal plan moves them.

Accounting (checked in ``tests/test_forces.py``): the state's forces in the theatre equal their start plus
``cum_reinforcements_FAMa`` minus ``cum_losses_FAMa`` and ``cum_stood_down_FAMa``; the state's forces in
all equal their start plus ``cum_state_enlisted`` minus ``cum_losses_FAMa``.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from operator import itemgetter

import numpy as np

from vacuum_sim.factions import ARMED_GROUPS, FACTIONS, FAMA, STATE, WAGNER
from vacuum_sim.model import missions
from vacuum_sim.model.agents import RESERVE, WITHDRAW, ForceUnit
from vacuum_sim.model.deployment import units_for

MERGING = (*STATE, *ARMED_GROUPS)  # the UN's units keep their camps until the withdrawal plan moves them
DAYS_PER_YEAR = 365


@dataclass
class ForceGeneration:
    """What the state and Wagner hold beyond the units on the map, and the running totals of the flows."""

    rear: float  # state personnel outside the theatre
    training: deque = field(default_factory=deque)  # (day the cohort is trained, recruits)
    formed: float = 0.0  # trained recruits waiting to make up a full unit
    trainees: float = 0.0  # recruits in training or formed, summed once a day when training changes (train_recruits)
    enlisted: float = 0.0  # recruits taken into training so far
    wagner_en_route: deque = field(default_factory=deque)  # (arrival day, personnel)
    reinforcements: np.ndarray = field(default_factory=lambda: np.zeros(len(FACTIONS)))
    stood_down: np.ndarray = field(default_factory=lambda: np.zeros(len(FACTIONS)))


def setup(model) -> None:
    """The state's personnel not deployed at the start make up its rear."""
    model.generation = ForceGeneration(rear=model.p.fama_manpower - model.presence[:, FAMA].sum())


def regenerate(model) -> None:
    """One day of force generation: merge depleted units, train the state's recruits, rotate Wagner."""
    merge_depleted(model)
    train_recruits(model)
    rotate_wagner(model)


def force_plan(model) -> float:
    """The state's planned strength today: the start strength grown by ``fama_growth`` a year."""
    p = model.p
    return p.fama_manpower * (1 + p.fama_growth) ** (model.day / DAYS_PER_YEAR)


def state_forces(model) -> float:
    """The state's forces in all: in the theatre, in the rear and in training."""
    g = model.generation
    return model.presence[:, FAMA].sum() + g.rear + g.trainees


def train_recruits(model) -> None:
    """Enlist the shortfall from the plan (up to ``training_capacity``); trained recruits form new units."""
    p, g = model.p, model.generation
    plan = force_plan(model)
    intake = min(p.training_capacity, max(0.0, plan - state_forces(model)))
    if intake > 0:
        g.training.append((model.day + p.training_days, intake))
        g.enlisted += intake
    while g.training and g.training[0][0] <= model.day:
        g.formed += g.training.popleft()[1]
    while g.formed >= p.unit_size:
        g.formed -= p.unit_size
        if model.presence[:, FAMA].sum() < p.theatre_share * plan:
            arrive(model, FAMA, p.unit_size)
        else:
            g.rear += p.unit_size
    g.trainees = sum(map(itemgetter(1), g.training)) + g.formed


def rotate_wagner(model) -> None:
    """Replacements arrive; a new shortfall below the ceiling is ordered (in pieces no smaller than a merge)."""
    p, g = model.p, model.generation
    while g.wagner_en_route and g.wagner_en_route[0][0] <= model.day:
        arrive(model, WAGNER, g.wagner_en_route.popleft()[1])
    short = p.wagner_manpower - model.presence[:, WAGNER].sum() - sum(n for _, n in g.wagner_en_route)
    for size in units_for(model, max(0.0, short)):
        if size >= floor(model):
            g.wagner_en_route.append((model.day + p.wagner_rotation_days, size))


def arrive(model, faction: int, strength: float) -> None:
    """A new unit joins the theatre as a reserve at the supply hub where its faction's reserve is thinnest."""
    reserve = dict.fromkeys(model.hubs, 0.0)
    for u in model.units:
        if u.faction == faction and u.task == RESERVE and u.idle and u.node in reserve:
            reserve[u.node] += u.strength
    model.spawn(min(model.hubs, key=reserve.get), faction, strength, RESERVE)
    model.generation.reinforcements[faction] += strength


def floor(model) -> float:
    """The strength below which a unit no longer operates alone."""
    return model.p.merge_below * model.p.unit_size


def merge_depleted(model) -> None:
    """Depleted units merge in place; a lone one turns back from its mission and joins the nearest idle unit."""
    least = floor(model)
    depleted = [u for u in model.units if u.strength < least and u.faction in MERGING and u.task != WITHDRAW]
    groups: dict[tuple, list[ForceUnit]] = {}
    for u in depleted:
        if not u.route:
            groups.setdefault((u.node, u.faction, u.mission), []).append(u)
        elif u.mission is not None:
            missions.retreat(model, u)  # a column cut down on the road turns back
    lone = []
    for (node, faction, mission), weak in groups.items():
        fit = [w for w in model.grid[node].agents if isinstance(w, ForceUnit) and w.faction == faction
               and w.mission is mission and not w.route and w.strength >= least]
        if fit:
            for u in weak:
                absorb(model, min(fit, key=lambda k: k.strength), u)  # the fit unit with most room takes it
            continue
        keeper = max(weak, key=lambda d: d.strength)
        for u in weak:
            if u is not keeper:
                absorb(model, keeper, u)
        if keeper.strength < least:
            lone.append(keeper)
    if lone:
        join_others(model, lone, least)


def join_others(model, lone: list[ForceUnit], least: float) -> None:
    """A depleted unit alone in its town leaves its mission and heads for the nearest idle unit of its faction fit
    to operate (merging at once if one stands where it ends up); with none left anywhere, it stands down."""
    idle_fit: dict[int, set[int]] = {}  # faction -> towns where it has an idle unit fit to operate
    for w in model.units:
        if w.idle and w.strength >= least:
            idle_fit.setdefault(w.faction, set()).add(w.node)
    for u in lone:
        if u.mission is not None:
            missions.retreat(model, u)
            if u.route:
                continue
        places = idle_fit.get(u.faction)
        if not places:
            stand_down(model, u)
            continue
        v = min(places, key=lambda w: model.travel_days(u.node, w))
        if v != u.node:
            missions.fall_back(model, u, v)
            continue
        partners = [w for w in model.grid[v].agents
                    if isinstance(w, ForceUnit) and w.faction == u.faction and w.idle and w.strength >= least]
        absorb(model, min(partners, key=lambda k: k.strength), u)


def absorb(model, keeper: ForceUnit, unit: ForceUnit) -> None:
    """``unit``'s personnel join ``keeper`` in the same town (a transfer, not a loss)."""
    moved = unit.strength if unit.strength >= 1.0 else 0.0  # a remnant under one person is lost on retiring
    model.retire(unit)
    keeper.strength += moved


def stand_down(model, unit: ForceUnit) -> None:
    """A depleted unit with no unit of its faction left to join leaves the theatre (the state's to its rear)."""
    g = model.generation
    if unit.strength >= 1.0:
        g.stood_down[unit.faction] += unit.strength
        if unit.faction == FAMA:
            g.rear += unit.strength
    model.retire(unit)
