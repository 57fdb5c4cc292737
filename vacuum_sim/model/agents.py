"""The agents: force units moving along corridors, and the missions they are sent on.

Towns are the nodes of Mesa's network; their state (influence, grievance, control)
lives in the model's arrays so that it updates as whole vectors each day.  Who stands
where with what strength is the units' own state: :class:`ForceUnit` reports every
change of its strength or position to the model's :class:`Presence` tally (``model.forces``), so the
tally can never be read stale.
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
        self.lost = [0.0] * len(FACTIONS)  # personnel lost so far: every fall in a unit's strength

    def add(self, node: int, faction: int, strength: float, units: int) -> None:
        self._strength[node, faction] += strength
        self._count[node, faction] += units
        if self._count[node, faction] == 0:
            self._strength[node, faction] = 0.0

    @property
    def strength(self) -> np.ndarray:
        """Towns × factions personnel (read-only view)."""
        view = self._strength.view()
        view.flags.writeable = False
        return view

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
        if self.cell is not None:
            self.model.forces.add(self.cell.coordinate, self.faction, value - self._strength, 0)
        if value < self._strength:
            self.model.forces.lost[self.faction] += self._strength - value
        self._strength = value

    @property
    def cell(self):
        return self._mesa_cell

    @cell.setter
    def cell(self, cell) -> None:
        old = self._mesa_cell
        HasCell.cell.fset(self, cell)
        if old is not cell:
            if old is not None:
                self.model.forces.add(old.coordinate, self.faction, -self._strength, -1)
            if cell is not None:
                self.model.forces.add(cell.coordinate, self.faction, self._strength, 1)

    @property
    def name(self) -> str:
        return FACTIONS[self.faction]

    @property
    def node(self) -> int:
        return self.cell.coordinate

    @property
    def idle(self) -> bool:
        return self.mission is None and not self.route and self.task in (RESERVE, GARRISON)

    def send(self, route: list[int]) -> None:
        """Set off along ``route`` (the node list from here, excluding here)."""
        self.route = list(route)
        self.km_left = self.model.corridor_km(self.node, self.route[0]) if self.route else 0.0

    def step(self) -> None:
        """One day: supply wear for state forces, then travel along the route if any (the road's dangers
        were met before setting off, see ``roads.road_attacks``)."""
        m = self.model
        if self.faction in STATE:
            self.strength *= 1.0 - m.p.supply_attrition * m.supply_km[self.node] / 100.0
        if self.route:
            self.travel()
        if self.strength < 1.0:
            m.retire(self)

    def travel(self) -> None:
        m = self.model
        days = 1.0
        while self.route and days > 0:
            speed = m.corridor_speed(self.node, self.route[0])
            need = self.km_left / speed
            if need > days:
                self.km_left -= days * speed
                return
            days -= need
            self.move_to(m.grid[self.route.pop(0)])
            self.km_left = m.corridor_km(self.node, self.route[0]) if self.route else 0.0
        if not self.route:
            m.arrived(self)
