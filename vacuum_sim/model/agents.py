"""The agents: force units moving along corridors, and the missions they are sent on.

Towns are the nodes of Mesa's network; their state (influence, grievance, control)
lives in the model's arrays so that it updates as whole vectors each day.  Who stands
where with what strength is the units' own state: :class:`ForceUnit` reports every
change of its strength or position to the model's :class:`Presence` tally (``model.forces``), so the
tally can never be read stale (the day's supply wear, which scales every state unit at once, scales the
tally at once too: :func:`step_units`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from mesa.discrete_space import CellAgent
from mesa.discrete_space.cell_agent import HasCell

from vacuum_sim.factions import FACTIONS, STATE

# A unit's task.
GARRISON = "garrison"  # holds a town or base
RESERVE = "reserve"  # idle mobile force, available for the next operation or attack
CONVOY = "convoy"  # on the road back to a hub or a stronghold; a reserve again on arrival
OPERATION = "operation"  # state forces on a mission to a target town
ATTACK = "attack"  # armed group on a mission to a target town
WITHDRAW = "withdraw"  # UN convoy leaving for repatriation


@dataclass(eq=False)
class Mission:
    """A state operation or an armed group's attack: units sent to one target town."""

    side: int  # the faction that ordered it
    target: int
    origin: int
    hold: bool  # stay as garrison after success
    units: list = field(default_factory=list)
    days_on_target: int = 0
    started: bool = False


class Presence:
    """Personnel of each faction in each town, kept equal to the sum over the units standing there.

    Units add and subtract themselves as they appear, move, take losses and leave; a head count
    next to the strength sum makes "present" exact even when the float sum leaves a rounding residue.
    """

    def __init__(self, n_towns: int):
        self._strength = np.zeros((n_towns, len(FACTIONS)))
        self._count = np.zeros((n_towns, len(FACTIONS)), dtype=int)
        self._view = self._strength.view()  # one read-only window on the tally, always current
        self._view.flags.writeable = False
        self._flat_strength, self._flat_count = self._strength.reshape(-1), self._count.reshape(-1)  # fast scalars
        self.lost = [0.0] * len(FACTIONS)  # personnel lost so far: every fall in a unit's strength

    def add(self, node: int, faction: int, strength: float, units: int) -> None:
        i = node * len(FACTIONS) + faction
        self._flat_strength[i] += strength
        count = self._flat_count[i] + units
        self._flat_count[i] = count
        if count == 0:
            self._flat_strength[i] = 0.0

    def wear(self, factions: tuple[int, ...], keep: np.ndarray) -> None:
        """Every unit of ``factions`` kept the share ``keep[town]`` of its strength: the tally follows, the rest is lost."""
        before = self._strength[:, factions]
        after = before * keep[:, None]
        self._strength[:, factions] = after
        for f, loss in zip(factions, (before - after).sum(axis=0).tolist(), strict=True):
            self.lost[f] += loss

    def change(self, node: int, faction: int, strength: float) -> None:
        """A unit standing at ``node`` gained or lost ``strength`` (the head count stays)."""
        self._flat_strength[node * len(FACTIONS) + faction] += strength

    @property
    def strength(self) -> np.ndarray:
        """Towns × factions personnel (read-only view)."""
        return self._view

    @property
    def present(self) -> np.ndarray:
        """Towns × factions: whether any unit of the faction stands there."""
        return self._count > 0

    @property
    def count(self) -> np.ndarray:
        """Towns × factions: how many units of the faction stand there (read-only view)."""
        view = self._count.view()
        view.flags.writeable = False
        return view


class ForceUnit(CellAgent):
    """A unit of one faction: a strength in personnel, a location, a task and, when moving, a route."""

    def __init__(self, model, cell, faction: int, strength: float, task: str):
        super().__init__(model)
        self.faction = faction
        self._strength = float(strength)
        self.node: int | None = None  # the town it stands in (its cell's coordinate), None once off the map
        self.cell = cell
        self.task = task
        self.mission: Mission | None = None
        self.route: list[int] = []  # next nodes to reach
        self.km_left = 0.0  # still to cover on the corridor to route[0]

    @property
    def strength(self) -> float:
        return self._strength

    @strength.setter
    def strength(self, value: float) -> None:
        """Report the change to the tally; a fall is a loss (fire, IEDs, supply wear), never a transfer."""
        old, forces = self._strength, self.model.forces
        if self._mesa_cell is not None:
            forces.change(self._mesa_cell.coordinate, self.faction, value - old)
        if value < old:
            forces.lost[self.faction] += old - value
        self._strength = value

    @property
    def cell(self):
        return self._mesa_cell

    @cell.setter
    def cell(self, cell) -> None:
        old = self._mesa_cell
        HasCell.cell.fset(self, cell)
        self.node = None if cell is None else cell.coordinate
        if old is not cell:
            if old is not None:
                self.model.forces.add(old.coordinate, self.faction, -self._strength, -1)
            if cell is not None:
                self.model.forces.add(cell.coordinate, self.faction, self._strength, 1)

    @property
    def name(self) -> str:
        return FACTIONS[self.faction]

    @property
    def idle(self) -> bool:
        return self.mission is None and not self.route and self.task in (RESERVE, GARRISON)

    def send(self, route: list[int]) -> None:
        """Set off along ``route`` (the node list from here, excluding here)."""
        self.route = list(route)
        self.km_left = self.model.corridor_km(self.node, self.route[0]) if self.route else 0.0

    def travel(self) -> None:
        """One day on the road (the road's dangers were met before setting off, see ``roads.road_attacks``)."""
        m = self.model
        days = 1.0
        route = self.route
        while route and days > 0:
            _, speed = m.corridors[self.node, route[0]]
            need = self.km_left / speed
            if need > days:
                self.km_left -= days * speed
                return
            days -= need
            self.move_to(m.grid[route.pop(0)])
            self.km_left = m.corridors[self.node, route[0]][0] if route else 0.0
        if not route:
            m.arrived(self)


def step_units(model) -> None:
    """The units' day: supply wear on every state unit (a remnant under one person is retired), then the units on
    the road travel (:meth:`ForceUnit.travel`) in a random order, which decides who reaches a town first."""
    keep = model.supply_wear.tolist()
    moving, remnants = [], []
    for u in model.agents_by_type[ForceUnit]:
        if u.faction in STATE:
            u._strength *= keep[u.node]  # the tally follows below, for all units at once
            if u._strength < 1.0:
                remnants.append(u)
                continue
        if u.route:
            moving.append(u)
    model.forces.wear(STATE, model.supply_wear)
    for u in remnants:
        model.retire(u)
    model.random.shuffle(moving)
    for u in moving:
        if u.node is not None:  # not retired by an earlier arrival today
            u.travel()
