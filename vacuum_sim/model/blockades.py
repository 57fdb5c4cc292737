"""Blockades: armed-group units sitting on the approaches of a state-held town they cannot take.

A group blockades town ``v`` once a unit it sent there (:func:`expansion.settle` calls :func:`post`) takes post on one
of ``v``'s neighbours, its approaches; a post holds while the group's fighters stand there.  How tight the blockade
is, its ``cover``, is the share of ``v``'s corridors whose far end holds a post.  Each day the blockade presses on three things:

- **supply**: the state's units in ``v`` wear as if their supplies came from ``blockade_supply_km`` × cover further
  away than their hub (cut off from it, supplied round by air or river): ``model.supply_km`` (as ``model.supply_wear``), which ``agents.step_units``
  wears them by at ``supply_attrition``;
- **roads**: IEDs and ambushes by the group on corridors to or from ``v`` are 1 + ``blockade_road_threat`` × cover
  times as likely (:func:`watch`, used by ``roads.road_attacks``);
- **population**: the group's influence in ``v`` grows by ``blockade_influence`` × cover of its gap to full (traders,
  herders and villagers must deal with whoever holds the roads), which feeds its recruitment there.

A blockade lifts when its posts are gone (its fighters sent on another mission, driven off or destroyed) or when the
state no longer stands in ``v``; the town then simply stops being blockaded (``n_blockaded_north``, …).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from vacuum_sim.factions import ARMED_GROUPS, FACTIONS, GROUP_COLUMN, STATE
from vacuum_sim.model.agents import ForceUnit


@dataclass(eq=False)
class Blockade:
    """One group's blockade of one town: the approaches where it holds posts, and the day it began."""

    town: int
    group: int
    start: int
    posts: set[int] = field(default_factory=set)


def setup(model) -> None:
    model.blockades = {}  # (town, group) -> Blockade
    model.blockade_cover = np.zeros((model.n, len(ARMED_GROUPS)))  # towns × armed groups: share of approaches held
    model.cum_blockades = np.zeros(len(FACTIONS), dtype=int)
    model.supply_km = model.hub_km.copy()  # how far each town's state units are supplied from, blockades included


def post(model, unit: ForceUnit, town: int) -> None:
    """``unit``, standing on an approach of ``town``, holds it as a blockade post; the first post starts the blockade."""
    key = (town, unit.faction)
    blockade = model.blockades.get(key)
    if blockade is None:
        blockade = model.blockades[key] = Blockade(town, unit.faction, model.day)
        model.cum_blockades[unit.faction] += 1
        state = "/".join(FACTIONS[f] for f in STATE if model.presence[town, f] > 0)
        model.log("Strategic developments", "Change to group/activity", FACTIONS[unit.faction], state, town)
    blockade.posts.add(unit.node)


def posts_of(model, group: int) -> set[int]:
    """Towns where ``group`` holds a blockade post (one post per town, whichever town it blockades)."""
    return {w for b in model.blockades.values() if b.group == group for w in b.posts}


def cover(model, blockade: Blockade) -> float:
    """Share of the town's corridors whose far end holds a post of the blockade."""
    return len(blockade.posts) / model.degree[blockade.town]


def siege(model) -> None:
    """Drop the posts that are gone and lift the blockades left without posts or state forces; the rest cut their
    town's supply (from tomorrow's wear on) and press on its population (the roads: :func:`watch`)."""
    if not model.blockades and not model.blockade_cover.any():
        return
    p = model.p
    model.blockade_cover[:] = 0.0
    state, present = model.state_present(), model.forces.present
    for key, b in list(model.blockades.items()):
        b.posts = {w for w in b.posts if present[w, b.group]}
        if not b.posts or not state[b.town]:
            del model.blockades[key]
            continue
        model.blockade_cover[b.town, GROUP_COLUMN[b.group]] = cover(model, b)
    model.supply_km = model.hub_km + p.blockade_supply_km * model.blockade_cover.max(axis=1)
    model.supply_wear = 1.0 - p.supply_attrition * model.supply_km / 100.0  # what step_units applies
    inf = model.influence
    inf += p.blockade_influence * model.blockade_cover * (1.0 - inf)


def watch(model, group: int, a: int, b: int) -> float:
    """How much likelier ``group``'s IEDs and ambushes are on the corridor a–b for blockading either end."""
    g = GROUP_COLUMN[group]
    return 1.0 + model.p.blockade_road_threat * max(model.blockade_cover[a, g], model.blockade_cover[b, g])
