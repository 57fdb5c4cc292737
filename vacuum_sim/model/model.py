"""The Mesa model: its state and the daily schedule of submodels.

One step is one day.  The order of the submodels is written out once, in
:meth:`VacuumModel.step`, and mirrored in ``docs/model.md``; each submodel lives in
its own module with one entry point taking the model.
"""

from __future__ import annotations

from datetime import date, timedelta

import mesa
import networkx as nx
import numpy as np
from scipy.sparse.csgraph import dijkstra

from vacuum_sim.factions import FACTIONS, FAMA, WAGNER, ZONES
from vacuum_sim.inputs.geography import MaliMap, load_map
from vacuum_sim.inputs.params import Params
from vacuum_sim.inputs.scenario import Scenario, load_scenario
from vacuum_sim.model import (
    air,
    atrocities,
    blockades,
    control,
    deployment,
    engagements,
    expansion,
    forces,
    group_command,
    metrics,
    missions,
    population,
    relations,
    roads,
    state_command,
    withdrawal,
)
from vacuum_sim.model.agents import ForceUnit, Mission, Presence, step_units

# Independent random streams, one per random process, so that two scenarios run
# with the same seed differ only where their parameters matter (common random numbers).
STREAMS = ("command", "insurgents", "corridors", "combat", "atrocities", "air", "expansion")


class VacuumModel(mesa.Model):
    """Mali after MINUSMA: five (or six) forces competing for towns and vacated bases."""

    def __init__(self, scenario: Scenario | None = None, rng: int = 0, mali: MaliMap | None = None):
        rng = int(rng)  # SolaraViz hands the seed over as it was typed
        super().__init__(rng=rng)
        self.mali = mali or load_map()
        self.scenario_spec = scenario or load_scenario(mali=self.mali)
        self.seed = rng
        self.p = Params(self.scenario_spec.params)
        self.streams = {name: np.random.default_rng([rng, i]) for i, name in enumerate(STREAMS)}
        # One abuse stream per perpetrator: one side's conduct leaves the others' draws alone.
        self.abuse_streams = self.streams["atrocities"].spawn(len(FACTIONS))
        self.start_date: date = self.scenario_spec.start_date
        self.day = 0

        deployment.build_space(self)
        self._edge_cells: dict[int, np.ndarray] = {}  # see neighbour_sum
        self.corridors = {(u, v): (d["km"], d["speed"]) for u, v, d in self.grid.G.edges(data=True)}
        self.corridors |= {(v, u): kmv for (u, v), kmv in self.corridors.items()}  # (km, speed) both ways
        # The share of its strength a state unit keeps each day in each town (supply_attrition per 100 km from a hub).
        self.supply_wear = 1.0 - self.p.supply_attrition * self.hub_km / 100.0
        deployment.build_towns(self)
        self.forces = Presence(self.n)
        self.closures = withdrawal.closure_days(self)
        deployment.deploy_forces(self)
        forces.setup(self)
        state_command.setup(self)
        self.missions: list[Mission] = []
        self.csp_at_war = False
        self.rebel_threat = 0.0  # the rebels' remembered threat to their zone (relations.rebels_decide)
        self.accord_posts = relations.state_personnel(self).copy()  # the state's footprint the accord left in place
        self.events: list[tuple] = []
        withdrawal.un_withdrawal(self)  # sites due on or before the start day close on day 0, never skipped
        self._new_day()
        self.cum_atrocities = np.zeros(len(FACTIONS), dtype=int)
        self.cum_recruits = np.zeros(len(FACTIONS))
        self.cum_recruits_by_town = np.zeros((self.n, 3))
        self.atrocities_by_town = np.zeros(self.n, dtype=int)
        self.captures = np.zeros(len(FACTIONS), dtype=int)  # towns and bases taken by each armed group
        self.cum_joint_strikes = 0
        self.last_strike = {}  # (town, faction) -> day of that group's last strike there
        self.strikes: list[tuple] = []  # JNIM and CSP strikes: (day, town, group, its personnel within reach)
        self.fights: dict[int, engagements.Engagement] = {}  # engagements under way, by town
        self.cum_combat_deaths = 0.0
        self.cum_drone_strikes = 0
        self.cum_drone_civilian_deaths = 0
        expansion.setup(self)

        control.update_control(self)
        self.history = metrics.History(self, self.scenario_spec.days)
        self.history.record(self)

    # ------------------------------------------------------------------ the day
    def step(self) -> None:
        """One day, in a fixed order of submodels (see docs/model.md, 'Process overview')."""
        self.day += 1
        self._new_day()
        withdrawal.un_withdrawal(self)
        relations.rebels_decide(self)
        state_command.state_operations(self)
        group_command.armed_group_attacks(self)
        expansion.armed_group_moves(self)  # spare JNIM/ISSP units: new footholds, blockade posts, redeployment
        roads.road_attacks(self)  # IEDs and ambushes on the columns setting off
        step_units(self)  # supply wear, travel
        expansion.settle(self)  # arrivals take up their foothold or blockade post
        blockades.siege(self)  # blockaded towns: supply cut, influence pressed (their roads: road_attacks)
        atrocities.operations_among_civilians(self)
        missions.assaults(self)
        relations.insurgent_clashes(self)
        air.drone_strikes(self)
        engagements.fight(self)
        missions.advance(self)
        population.update_influence(self)
        population.update_grievance(self)
        population.recruitment(self)
        forces.regenerate(self)  # depleted units merge; trained recruits and Wagner's rotations arrive at hubs
        engagements.contacts(self)  # hostile forces left standing together: an engagement opens or one side leaves
        control.update_control(self)
        self.history.record(self)
        if self.day >= self.scenario_spec.days:
            self.running = False

    def _new_day(self) -> None:
        """Reset the day's flows; refresh where open UN bases deter attacks and abuses."""
        self.ops_today = np.zeros(len(ZONES), dtype=int)
        self.new_atrocities = np.zeros(len(FACTIONS), dtype=int)
        self.new_recruits = np.zeros(len(FACTIONS))
        self.un_near = self.un_open | (self.neighbour_sum(self.un_open.astype(float)) > 0)

    # ------------------------------------------------------------------ queries
    @property
    def presence(self) -> np.ndarray:
        """Towns × factions personnel standing there now, as the units report it (never a stale copy)."""
        return self.forces.strength

    @property
    def units(self):
        """Every force unit (Mesa's own AgentSet of the type)."""
        return self.agents_by_type[ForceUnit]

    @property
    def date(self) -> date:
        return self.start_date + timedelta(days=self.day)

    def state_present(self) -> np.ndarray:
        """Towns where army or Wagner forces stand today."""
        return self.presence[:, FAMA] + self.presence[:, WAGNER] > 0

    def corridor_km(self, u: int, v: int) -> float:
        return self.corridors[u, v][0]

    def route(self, a: int, b: int) -> list[int]:
        """Fastest route from ``a`` to ``b`` (excluding ``a``)."""
        key = (a, b)
        if key not in self._routes:
            self._routes[key] = nx.shortest_path(self.grid.G, a, b, weight="days")[1:]
        return self._routes[key]

    def travel_days(self, a: int, b: int) -> float:
        if a not in self._travel_days:  # one Dijkstra per origin actually used, not all pairs
            self._travel_days[a] = dijkstra(self._days_matrix, directed=False, indices=a).tolist()
        return self._travel_days[a][b]

    def nearest_hub(self, v: int) -> int:
        return min(self.hubs, key=lambda h: self.travel_days(v, h))

    def neighbour_sum(self, x: np.ndarray) -> np.ndarray:
        """Sum over each town's neighbours of ``x`` (a vector or a towns × k array), added corridor by corridor."""
        along = x[self.edge_from]
        if along.ndim == 1:
            return np.bincount(self.edge_to, weights=along, minlength=self.n)
        k = along.shape[1]
        if k not in self._edge_cells:  # (corridor end, column) -> flat index of towns × k
            self._edge_cells[k] = (self.edge_to[:, None] * k + np.arange(k)).ravel()
        return np.bincount(self._edge_cells[k], weights=along.ravel(), minlength=self.n * k).reshape(self.n, k)

    def neighbour_mean(self, x: np.ndarray) -> np.ndarray:
        s = self.neighbour_sum(x)
        return s / (self.degree if s.ndim == 1 else self.degree[:, None])

    def hostile(self, a: int, b: int) -> bool:
        return relations.HOSTILE[self.csp_at_war][a][b]

    # ------------------------------------------------------------------ actions shared by submodels
    def log(self, event_type, sub_event_type, actor1, actor2, node, fatalities=0, civilians=False) -> None:
        """Append one event in ACLED's layout (columns in ``metrics.EVENT_COLUMNS``)."""
        self.events.append((self.date, event_type, sub_event_type, actor1, actor2, node, round(fatalities),
                            civilians))

    def spawn(self, node: int, faction: int, strength: float, task: str) -> ForceUnit:
        """A new unit of ``faction`` at ``node``."""
        return ForceUnit(self, self.grid[node], faction, strength, task)

    def retire(self, unit: ForceUnit) -> None:
        """Take a unit off the map; what is left of a destroyed unit (under one person) counts as lost."""
        if unit.strength < 1.0:
            unit.strength = 0.0
        if unit.mission is not None and unit in unit.mission.units:
            unit.mission.units.remove(unit)
        unit.remove()

    def arrived(self, unit: ForceUnit) -> None:
        missions.arrived(self, unit)
