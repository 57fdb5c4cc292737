"""The agents: towns (fixed, one per map node) and force units (moving along corridors).

Behaviour only.  A town's numbers live in the model's arrays (so that grievance,
influence and control update as whole vectors each day); the :class:`Town`
agent gives each node a face for Mesa's space, the app and the reporters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mesa.discrete_space import CellAgent, FixedAgent

from vacuum_sim.factions import CONTROL_LABELS, FACTIONS, GROUP_COLUMN, STATE

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


class Town(FixedAgent):
    """A town or base on the map."""

    def __init__(self, model, cell, node: int, name: str, zone: str):
        super().__init__(model)
        self.cell = cell
        self.node, self.name, self.zone = node, name, zone

    @property
    def controller(self) -> str:
        return CONTROL_LABELS[self.model.controller[self.node]]

    @property
    def grievance(self) -> float:
        return float(self.model.grievance[self.node])

    @property
    def influence(self) -> dict[str, float]:
        """Each armed group's local influence (0–1)."""
        return {FACTIONS[g]: float(self.model.influence[self.node, c]) for g, c in GROUP_COLUMN.items()}


class ForceUnit(CellAgent):
    """A unit of one faction: a strength in personnel, a location, a task and, when moving, a route."""

    def __init__(self, model, cell, faction: int, strength: float, task: str):
        super().__init__(model)
        self.cell = cell
        self.faction = faction
        self.strength = float(strength)
        self.task = task
        self.mission: Mission | None = None
        self.route: list[int] = []  # next nodes to reach
        self.km_left = 0.0  # still to cover on the corridor to route[0]

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
        """One day: supply wear for state forces, then travel along the route if any."""
        m = self.model
        if self.faction in STATE:
            self.strength *= 1.0 - m.p["supply_attrition"] * m.hub_km[self.node] / 100.0
        if self.route:
            self.travel()
        if self.strength < 1.0:
            m.retire(self)

    def travel(self) -> None:
        m = self.model
        m.corridor_attack(self, self.node, self.route[0])
        if self.strength < 1.0:
            return
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
