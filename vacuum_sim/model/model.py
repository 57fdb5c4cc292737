"""The Mesa model: builds the map and the forces, fixes the daily order of the submodels, records results.

One step is one day.  The order of the submodels is written out once, in
:meth:`VacuumModel.step`, and mirrored in ``docs/model.md``.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import mesa
import networkx as nx
import numpy as np
from mesa.agent import AgentSet
from mesa.discrete_space import Network

from vacuum_sim.model import combat

from vacuum_sim.model import metrics
from vacuum_sim.model.agents import ATTACK, CONVOY, GARRISON, OPERATION, RESERVE, WITHDRAW, ForceUnit, Mission, Town
from vacuum_sim.factions import (
    ARMED_GROUPS,
    CONTESTED,
    CSP,
    FACTIONS,
    FAMA,
    GROUP_COLUMN,
    ISSP,
    JNIM,
    NONE,
    STATE,
    UN,
    WAGNER,
    ZONES,
)
from vacuum_sim.inputs.geography import MaliMap, load_map
from vacuum_sim.inputs.scenario import Scenario, load_scenario

# Independent random streams, one per random process, so that two scenarios run
# with the same seed differ only where their parameters matter (common random numbers).
STREAMS = ("command", "insurgents", "corridors", "combat", "atrocities", "recruitment")


NORTH, SOUTH = ZONES.index("north"), ZONES.index("south")


class VacuumModel(mesa.Model):
    """Mali after MINUSMA: five (or six) forces competing for towns and vacated bases."""

    def __init__(self, scenario: Scenario | None = None, rng: int = 0, mali: MaliMap | None = None):
        rng = int(rng)  # SolaraViz hands the seed over as it was typed
        super().__init__(rng=rng)
        self.mali = mali or load_map()
        self.scenario_spec = scenario or load_scenario(mali=self.mali)
        self.seed = rng
        self.p = dict(self.scenario_spec.params)
        self.streams = {name: np.random.default_rng([rng, i]) for i, name in enumerate(STREAMS)}
        self.start_date: date = self.scenario_spec.start_date
        self.day = 0

        self._build_space()
        self._build_towns()
        self.units = AgentSet([], random=self.random)
        self._deploy_forces()
        self.missions: list[Mission] = []
        self.csp_at_war = False
        self.events: list[tuple] = []
        self._new_day()
        self.cum_atrocities = np.zeros(len(FACTIONS), dtype=int)
        self.cum_recruits = np.zeros(len(FACTIONS))
        self.cum_recruits_by_town = np.zeros((self.n, len(ARMED_GROUPS)))
        self.atrocities_by_town = np.zeros(self.n, dtype=int)
        self.captures = np.zeros(len(FACTIONS), dtype=int)  # towns and bases taken by each armed group
        self.cum_joint_strikes = 0
        self.last_strike = {}  # (town, faction) -> day of that group's last strike there

        self.tally_presence()
        self.update_control()
        self.history = metrics.History(self, self.scenario_spec.days)
        self.history.record(self)

    # ------------------------------------------------------------------ build
    def _build_space(self) -> None:
        g = self.mali.graph.copy()  # edges get this scenario's speeds; the shared map stays untouched
        self.n = g.number_of_nodes()
        layout = {v: (d["lon"], d["lat"]) for v, d in g.nodes(data=True)}
        self.grid = Network(g, random=self.random, layout=layout)
        speed = {k: self.p[f"speed_{k}"] for k in ("paved", "track", "seasonal", "river")}
        for u, v, d in g.edges(data=True):
            kind, km = min(d["modes"], key=lambda m: m[1] / speed[m[0]])
            d["km"], d["speed"], d["days"] = km, speed[kind], km / speed[kind]
        # Both directions of every corridor, for neighbour sums in O(corridors) rather than O(towns²).
        u, v = np.array(g.edges()).T
        self.edge_from, self.edge_to = np.concatenate([u, v]), np.concatenate([v, u])
        self.degree = np.bincount(self.edge_to, minlength=self.n)
        self.reach = [sorted(nx.single_source_shortest_path_length(g, v, cutoff=2)) for v in range(self.n)]
        self._routes: dict[tuple[int, int], list[int]] = {}
        self._travel_days: dict[int, dict[int, float]] = {}
        hubs = [v for v in g if g.nodes[v]["supply_hub"]]
        km = nx.multi_source_dijkstra_path_length(g, hubs, weight="km")
        self.hubs = hubs
        self.hub_km = np.array([km[v] for v in range(self.n)])

    def _build_towns(self) -> None:
        t = self.mali.towns.sort_index()
        self.population = t["population"].to_numpy(float)
        self.zone = np.array([ZONES.index(z) for z in t["zone"]])
        self.names = list(t["name"])
        self.is_army_base = t["garrison_at_start"].to_numpy(bool, copy=True)  # grows as the army holds towns
        self.influence = np.zeros((self.n, len(ARMED_GROUPS)))
        fighters = {JNIM: self.p["jnim_fighters"], CSP: self.p["csp_fighters"], ISSP: self.p["issp_fighters"]}
        for f in self.mali.footholds.itertuples():
            if fighters[FACTIONS.index(f.faction)] == 0:
                continue
            g = GROUP_COLUMN[FACTIONS.index(f.faction)]
            self.influence[f.node, g] = max(self.influence[f.node, g], f.influence)
        self.grievance = np.zeros(self.n)
        self.recruit_pool = np.zeros((self.n, len(ARMED_GROUPS)))
        self.controller = np.full(self.n, FAMA, dtype=np.int8)
        self.un_open = np.zeros(self.n, bool)
        self.un_open[self.mali.un_sites["node"].to_numpy()] = True
        self.vacated = np.zeros(self.n, bool)
        self.closures = self._closure_days()
        sites = self.mali.un_sites
        self.repatriation_hubs = list(sites.loc[sites["repatriation_hub"], "node"])
        self.un_site_nodes = sites["node"].to_numpy()
        self.un_site_troops = sites["troops"].to_numpy(float) * self.p["un_troops"] / sites["troops"].sum()
        for v in range(self.n):
            Town(self, self.grid[v], v, self.names[v], ZONES[self.zone[v]])

    def _closure_days(self) -> dict[int, list[int]]:
        """Day index -> UN sites closing that day, after the scenario's shift and stretch levers."""
        if not self.p["un_withdrawal"]:
            return {}
        plan = {s.town: s.closure_date for s in self.mali.un_sites.itertuples()}
        plan.update(self.scenario_spec.un_closures)
        first = min((d for d in plan.values() if d is not None), default=self.start_date)
        out: dict[int, list[int]] = {}
        for town, when in plan.items():
            if when is None:
                continue
            offset = (when - first).days * self.p["withdrawal_stretch"] + self.p["withdrawal_shift_days"]
            day = max(0, (first - self.start_date).days + round(offset))
            out.setdefault(day, []).append(self.mali.node(town))
        return out

    def _units_for(self, personnel: float) -> list[float]:
        size = self.p["unit_size"]
        full, rest = divmod(float(personnel), size)
        return [size] * int(full) + ([rest] if rest >= 1 else [])

    def _deploy_forces(self) -> None:
        """Initial deployment (April 2023): army garrisons, mobile reserves at hubs, UN at its sites, armed groups in their footholds."""
        p = self.p
        fama = self._units_for(p["fama_manpower"])
        per_base = max(1, math.ceil(p["garrison_size"] / p["unit_size"]))
        for v in np.flatnonzero(self.is_army_base):
            for _ in range(per_base):
                if fama:
                    self._unit(v, FAMA, fama.pop(), GARRISON)
        for i, s in enumerate(fama):
            self._unit(self.hubs[i % len(self.hubs)], FAMA, s, RESERVE)
        for i, s in enumerate(self._units_for(p["wagner_manpower"])):
            self._unit(self.hubs[i % len(self.hubs)], WAGNER, s, RESERVE)
        self._place(UN, p["un_troops"], self.un_site_nodes, self.un_site_troops, GARRISON)
        fh = self.mali.footholds
        for faction, key in ((JNIM, "jnim_fighters"), (CSP, "csp_fighters"), (ISSP, "issp_fighters")):
            rows = fh[fh["faction"] == FACTIONS[faction]]
            self._place(faction, p[key], rows["node"].to_numpy(), rows["strength_weight"].to_numpy(float), GARRISON)

    def _place(self, faction: int, personnel: float, nodes: np.ndarray, weights: np.ndarray, task: str) -> None:
        """Spread ``personnel`` over ``nodes`` in proportion to ``weights``, in whole units."""
        if personnel <= 0 or len(nodes) == 0:
            return
        shares = personnel * weights / weights.sum()
        for v, share in zip(nodes, shares):
            for s in self._units_for(share):
                self._unit(int(v), faction, s, task)

    def _unit(self, node: int, faction: int, strength: float, task: str) -> ForceUnit:
        u = ForceUnit(self, self.grid[node], faction, strength, task)
        self.units.add(u)
        return u

    # ------------------------------------------------------------------ helpers
    @property
    def date(self) -> date:
        return self.start_date + timedelta(days=self.day)

    def corridor_km(self, u: int, v: int) -> float:
        return self.grid.G.edges[u, v]["km"]

    def corridor_speed(self, u: int, v: int) -> float:
        return self.grid.G.edges[u, v]["speed"]

    def route(self, a: int, b: int) -> list[int]:
        """Fastest route from ``a`` to ``b`` (excluding ``a``)."""
        key = (a, b)
        if key not in self._routes:
            self._routes[key] = nx.shortest_path(self.grid.G, a, b, weight="days")[1:]
        return self._routes[key]

    def travel_days(self, a: int, b: int) -> float:
        if a not in self._travel_days:  # one Dijkstra per origin actually used, not all pairs
            self._travel_days[a] = nx.single_source_dijkstra_path_length(self.grid.G, a, weight="days")
        return self._travel_days[a][b]

    def nearest_hub(self, v: int) -> int:
        return min(self.hubs, key=lambda h: self.travel_days(v, h))

    def neighbour_sum(self, x: np.ndarray) -> np.ndarray:
        """Sum over each town's neighbours of ``x`` (a vector or a towns × k array)."""
        out = np.zeros_like(x, dtype=float)
        np.add.at(out, self.edge_to, x[self.edge_from])
        return out

    def neighbour_mean(self, x: np.ndarray) -> np.ndarray:
        s = self.neighbour_sum(x)
        return s / (self.degree if s.ndim == 1 else self.degree[:, None])

    def hostile(self, a: int, b: int) -> bool:
        """Whether factions ``a`` and ``b`` fight each other today."""
        if a == b or (a in STATE and b in STATE):
            return False
        if UN in (a, b):
            other = b if a == UN else a
            return other in (JNIM, ISSP)
        if CSP in (a, b) and (a in STATE or b in STATE):
            return self.csp_at_war
        return {a, b} != {JNIM, CSP}  # their clashes are drawn separately, see insurgent_clashes

    def log(self, event_type, sub_event_type, actor1, actor2, node, fatalities=0, civilians=False) -> None:
        """Append one event in ACLED's layout (columns in ``metrics.EVENT_COLUMNS``)."""
        self.events.append((self.date, event_type, sub_event_type, actor1, actor2, node, round(fatalities),
                            civilians))

    def corridor_attack(self, unit: ForceUnit, a: int, b: int) -> None:
        combat.corridor_attack(self, unit, a, b)

    def retire(self, unit: ForceUnit) -> None:
        if unit.mission is not None and unit in unit.mission.units:
            unit.mission.units.remove(unit)
        self.units.remove(unit)
        unit.remove()

    # ------------------------------------------------------------------ the day
    def step(self) -> None:
        """One day, in a fixed order of submodels (see docs/model.md, 'Process overview')."""
        self.day += 1
        self._new_day()
        self.un_withdrawal()
        self.state_operations()
        self.armed_group_attacks()
        self.units.shuffle_do("step")  # travel, corridor IEDs and ambushes, supply wear
        self.tally_presence()
        self.engagements()
        self.insurgent_clashes()
        self.tally_presence()
        self.update_influence()
        self.update_grievance()
        self.recruitment()
        self.update_control()
        self.history.record(self)
        if self.day >= self.scenario_spec.days:
            self.running = False

    def _new_day(self) -> None:
        """Reset the day's flows; refresh where open UN bases deter attacks and abuses."""
        self.ops_today = np.zeros(len(ZONES), dtype=int)
        self.new_atrocities = np.zeros(len(FACTIONS), dtype=int)
        self.new_recruits = np.zeros(len(FACTIONS))
        self.un_near = self.un_open | (self.neighbour_sum(self.un_open.astype(float)) > 0)

    # --- UN withdrawal --------------------------------------------------------
    def un_withdrawal(self) -> None:
        """Close the UN sites due today: their troops leave in convoys and the camp becomes a vacated base."""
        for v in self.closures.get(self.day, ()):
            self.un_open[v] = False
            self.vacated[v] = True
            self.log("Strategic developments", "Headquarters or base established" if self.state_present()[v]
                     else "Non-violent transfer of territory", "UN", "", v)
            open_hubs = [h for h in self.repatriation_hubs if self.un_open[h]]
            for u in [u for u in self.grid[v].agents if isinstance(u, ForceUnit) and u.faction == UN]:
                u.task = WITHDRAW
                if open_hubs:
                    u.send(self.route(v, min(open_hubs, key=lambda h: self.travel_days(v, h))))
                else:
                    self.retire(u)

    def state_present(self) -> np.ndarray:
        """Towns where army or Wagner forces stand today."""
        return self.presence[:, FAMA] + self.presence[:, WAGNER] > 0

    # --- limited capacity: the army's operations --------------------------------
    def state_operations(self) -> None:
        """Launch today's army operations: a finite tempo, drawn from finite idle reserves, split north/centre."""
        rng = self.streams["command"]
        for _ in range(rng.poisson(self.p["ops_per_month"] / 30.0)):
            target, hold = self._choose_operation_target(rng)
            if target is None:
                return
            if not self._launch_operation(target, hold):
                return

    def _choose_operation_target(self, rng) -> tuple[int | None, bool]:
        busy = {m.target for m in self.missions}
        north = self.zone == NORTH
        held = self.state_present()
        # Bases to backfill or retake in the north: vacated UN camps and lost army camps, and rebel-held towns once at war.
        priority = north & ~held & (self.vacated | self.is_army_base)
        weight = np.where(priority, 2.0, 0.0)
        if self.csp_at_war:
            weight += north & (self.controller == CSP)
        weight[list(busy)] = 0
        if weight.sum() > 0 and rng.random() < self.p["north_share"]:
            return int(rng.choice(self.n, p=weight / weight.sum())), True
        # Otherwise counter-insurgency against JNIM and ISSP wherever their influence is.
        threat = self.influence[:, GROUP_COLUMN[JNIM]] + self.influence[:, GROUP_COLUMN[ISSP]]
        threat = np.where(threat > self.p["ct_target_min"], threat, 0.0)
        threat[list(busy)] = 0
        if not self.csp_at_war:  # the state keeps out of the rebels' zone while the 2015 accord holds
            threat[(self.influence[:, GROUP_COLUMN[CSP]] >= self.p["rebel_zone_influence"]) | (self.controller == CSP)] = 0
        if threat.sum() == 0:
            return None, False
        v = int(rng.choice(self.n, p=threat / threat.sum()))
        return v, bool(self.is_army_base[v] or self.vacated[v])

    def _launch_operation(self, target: int, hold: bool) -> bool:
        """Send an army column (and Wagner, if free) from the nearest hub with reserves; False if none is free."""
        p = self.p
        reserve = {}
        for u in self.units:
            if u.faction in STATE and u.task == RESERVE and u.idle:
                reserve.setdefault((u.faction, u.node), []).append(u)
        fama_hubs = [h for (f, h) in reserve if f == FAMA]
        if not fama_hubs:
            return False
        hub = min(fama_hubs, key=lambda h: self.travel_days(h, target))
        need = max(1, math.ceil(p["operation_size"] / p["unit_size"]))
        units = reserve[(FAMA, hub)][:need]
        wagner_hubs = [h for (f, h) in reserve if f == WAGNER]
        if wagner_hubs and p["wagner_per_operation"] > 0:
            wh = min(wagner_hubs, key=lambda h: self.travel_days(h, target))
            units += reserve[(WAGNER, wh)][:max(1, math.ceil(p["wagner_per_operation"] / p["unit_size"]))]
        # Clear and hold: with reserves to spare after this column, the army garrisons what it clears.
        spare = sum(u.strength for (f, _), us in reserve.items() if f == FAMA for u in us) - sum(
            u.strength for u in units if u.faction == FAMA)
        hold = hold or spare >= p["operation_size"] + p["garrison_size"]
        self._dispatch(Mission(FAMA, target, hub, hold), units, OPERATION)
        return True

    def _dispatch(self, mission: Mission, units: list[ForceUnit], task: str) -> None:
        self.missions.append(mission)
        for u in units:
            u.task, u.mission = task, mission
            mission.units.append(u)
            if u.node != mission.target:
                u.send(self.route(u.node, mission.target))

    # --- armed groups choose targets ---------------------------------------------
    def armed_group_attacks(self) -> None:
        """Idle JNIM, ISSP and (once at war) CSP units pick a weakly held target within two corridors."""
        rng = self.streams["insurgents"]
        rate = {JNIM: self.p["jnim_attack_rate"], ISSP: self.p["jnim_attack_rate"], CSP: self.p["csp_attack_rate"]}
        idle = [u for u in self.units if u.faction in ARMED_GROUPS and u.idle]
        draws = rng.random(len(idle))
        for u, draw in zip(idle, draws):
            if not u.idle:  # already drawn into a group attack today
                continue
            deterred = rate[u.faction] * (1 - self.p["un_deterrence"] * self.un_near[u.node])
            if draw < deterred:
                self._plan_attack(u, rng)

    def _plan_attack(self, unit: ForceUnit, rng) -> None:
        f, here = unit.faction, unit.node
        group = [u for u in self.grid[here].agents
                 if isinstance(u, ForceUnit) and u.faction == f and u.idle]
        if len(group) > 1:
            group = group[:-1]  # one unit stays to hold the town
        own = combat.effective(self, group)
        busy = {m.target for m in self.missions}
        cands, weights = [], []
        col = GROUP_COLUMN[f]
        for v in self.reach[here]:
            if v == here or v in busy:
                continue
            if self.influence[v, col] < self.p["strike_network_min"] and not self.vacated[v]:
                continue  # armed groups strike where they have local networks
            if f == CSP and self.zone[v] == SOUTH:
                continue  # the rebels fight for the north (and its edge in the centre), not the south
            defence = combat.fortified(self, v) * sum(
                self.presence[v, g] * self.p[combat.EFFECTIVENESS[g]]
                for g in range(len(FACTIONS)) if self.presence[v, g] > 0 and self.hostile(f, g))
            friendly_hold = any(self.presence[v, g] > 0 and not self.hostile(f, g) for g in range(len(FACTIONS)))
            if defence > 0:
                if own >= self.p["attack_odds"] * defence:
                    cands.append(v)
                    weights.append((2.0 if self.is_army_base[v] or self.vacated[v] else 1.0) * own / defence)
            elif self.vacated[v] and not friendly_hold and (f != CSP or self.zone[v] == NORTH):
                cands.append(v)
                weights.append(self.p["vacated_base_value"])
        if not cands or sum(weights) == 0:
            return
        w = np.asarray(weights)
        target = int(cands[rng.choice(len(cands), p=w / w.sum())])
        hold = bool(self.vacated[target] or self.influence[target, col] >= self.p["control_threshold"])
        self._dispatch(Mission(f, target, here, hold=hold), group, ATTACK)

    # --- engagements on target ---------------------------------------------------
    def engagements(self) -> None:
        """Missions whose units stand on their target fight there; finished missions end."""
        for mission in list(self.missions):
            on_target = [u for u in mission.units if u.node == mission.target and not u.route]
            if not on_target:
                if not mission.units:
                    self.missions.remove(mission)
                continue
            combat.conduct(self, mission, on_target)

    def end_mission(self, mission: Mission, success: bool) -> None:
        """Leave a garrison if the mission was to hold the town; send the rest back to the nearest hub or home."""
        self.missions.remove(mission)
        units = [u for u in mission.units if u.strength >= 1.0]
        keep = []
        if success and mission.hold:
            if mission.side in STATE:
                n = max(1, math.ceil(self.p["garrison_size"] / self.p["unit_size"]))
                keep = [u for u in units if u.faction == FAMA][:n] or units[:n]
                self.is_army_base[mission.target] = True  # a held town becomes an army base (fortified, to be kept)
            else:
                keep = units
        for u in units:
            u.mission = None
            if u in keep:
                u.task = GARRISON
                continue
            self.fall_back(u, self.nearest_hub(u.node) if u.faction in STATE else mission.origin)

    def fall_back(self, unit: ForceUnit, home: int) -> None:
        """Send a unit off its mission to ``home``, travelling as a convoy, a reserve once there."""
        unit.mission = None
        if home == unit.node:
            unit.task = RESERVE
        else:
            unit.task = CONVOY
            unit.send(self.route(unit.node, home))

    def arrived(self, unit: ForceUnit) -> None:
        """A unit reached the end of its route: UN convoys repatriate, convoys become reserves, others wait to fight."""
        if unit.task == WITHDRAW:
            self.retire(unit)
        elif unit.task == CONVOY:
            unit.task = RESERVE

    # --- JNIM–rebel relationship --------------------------------------------------
    def insurgent_clashes(self) -> None:
        """Where JNIM and CSP fighters share a town, they clash with probability 1 − cooperation."""
        both = np.flatnonzero((self.presence[:, JNIM] > 0) & (self.presence[:, CSP] > 0))
        if len(both) == 0:
            return
        rng = self.streams["combat"]
        for v in both:
            if rng.random() < 1 - self.p["jnim_csp_cooperation"]:
                units = [u for u in self.grid[int(v)].agents if isinstance(u, ForceUnit)]
                jnim = [u for u in units if u.faction == JNIM]
                csp = [u for u in units if u.faction == CSP]
                combat.battle(self, int(v), jnim, csp, "Armed clash")

    def record_strike(self, group: int, v: int) -> None:
        """Count JNIM and CSP strikes on the same town within 24 hours of each other."""
        if group not in (JNIM, CSP):
            return
        other = CSP if group == JNIM else JNIM
        if self.day - self.last_strike.get((v, other), -99) <= 1:
            self.cum_joint_strikes += 1
        self.last_strike[(v, group)] = self.day

    # --- presence, influence, grievance, recruitment, control ---------------------
    def tally_presence(self) -> None:
        self.presence = np.zeros((self.n, len(FACTIONS)))
        for u in self.units:
            self.presence[u.cell.coordinate, u.faction] += u.strength

    def update_influence(self) -> None:
        """Armed groups grow influence where their fighters stand and spread it along corridors; state forces erode it."""
        p = self.p
        inf = self.influence
        present = self.presence[:, list(ARMED_GROUPS)] > 0
        inf += p["insurgent_growth"] * present * (1 - inf)
        inf *= 1 - p["influence_decay"] * ~present
        inf += p["influence_spread"] * (self.neighbour_mean(inf) - inf).clip(min=0)
        state = self.state_present()
        inf *= 1 - p["garrison_suppression"] * state[:, None]
        np.clip(inf, 0.0, 1.0, out=inf)

    def update_grievance(self) -> None:
        """Grievance spreads to neighbouring towns and decays slowly (atrocities add to it, see combat.atrocity)."""
        p = self.p
        g = self.grievance
        g += p["grievance_spread"] * (self.neighbour_mean(g) - g)
        g *= 1 - p["grievance_decay"]

    def recruitment(self) -> None:
        """JNIM, CSP and ISSP recruit where they have influence, in proportion to grievance and population, up to a cap."""
        p = self.p
        rate = p["recruit_rate"] * self.population[:, None] * self.influence * (p["base_grievance"] + self.grievance)[:, None]
        recruits = np.minimum(rate, p["recruit_cap"])
        self.recruit_pool += recruits
        self.cum_recruits_by_town += recruits
        for g, f in enumerate(ARMED_GROUPS):
            total = recruits[:, g].sum()
            self.new_recruits[f] = total
            self.cum_recruits[f] += total
        size = p["unit_size"]
        for v, g in zip(*np.nonzero(self.recruit_pool >= size)):
            f = ARMED_GROUPS[g]
            n_units = int(self.recruit_pool[v, g] // size)
            self.recruit_pool[v, g] -= n_units * size
            for _ in range(n_units):
                self._unit(int(v), f, size, GARRISON)
            self.log("Strategic developments", "Recruitment", FACTIONS[f], "", int(v))

    def update_control(self) -> None:
        """Who controls each town: the armed side present (contested if hostile sides share it), else the strongest influence."""
        pres = self.presence > 0
        state = pres[:, FAMA] | pres[:, WAGNER]
        armed = pres[:, list(ARMED_GROUPS)]
        n_groups = armed.sum(axis=1)
        strongest_group = np.array(ARMED_GROUPS)[np.argmax(self.presence[:, list(ARMED_GROUPS)], axis=1)]
        state_inf = np.clip(1 - self.influence.sum(axis=1), 0, 1)
        top_inf = np.column_stack([state_inf, self.influence])
        top = np.argmax(top_inf, axis=1)
        by_influence = np.where(top == 0, FAMA, np.array(ARMED_GROUPS)[np.maximum(top - 1, 0)])
        by_influence = np.where(top_inf.max(axis=1) >= self.p["control_threshold"], by_influence, CONTESTED)
        c = by_influence
        c = np.where(pres[:, UN] & ~state & (n_groups == 0), UN, c)
        c = np.where(state & (n_groups == 0), np.where(pres[:, FAMA], FAMA, WAGNER), c)
        c = np.where(~state & (n_groups >= 1), strongest_group, c)
        state_vs_group = state & armed.any(axis=1)
        groups_hostile = (pres[:, ISSP] & (pres[:, JNIM] | pres[:, CSP]))
        c = np.where(state_vs_group | (~state & groups_hostile), CONTESTED, c)
        c = np.where(self.population > 0, c, NONE)
        self.controller = c.astype(np.int8)
