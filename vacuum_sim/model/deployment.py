"""Initialisation: the map as a Mesa network with this scenario's travel times, the towns' arrays, and
the forces as deployed in April 2023 (army garrisons and reserves, UN sites, armed-group footholds)."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
from mesa.discrete_space import Network

from vacuum_sim.factions import ARMED_GROUPS, CSP, FACTIONS, FAMA, GROUP_COLUMN, ISSP, JNIM, UN, WAGNER, ZONES
from vacuum_sim.model.agents import GARRISON, RESERVE


def build_space(model) -> None:
    """The corridor network with each corridor's fastest mode at this scenario's speeds, and the supply hubs."""
    g = model.mali.graph.copy()  # edges get this scenario's speeds; the shared map stays untouched
    model.n = g.number_of_nodes()
    layout = {v: (d["lon"], d["lat"]) for v, d in g.nodes(data=True)}
    model.grid = Network(g, random=model.random, layout=layout)
    p = model.p
    speed = {"paved": p.speed_paved, "track": p.speed_track, "seasonal": p.speed_seasonal, "river": p.speed_river}
    for _, _, d in g.edges(data=True):
        kind, km = min(d["modes"], key=lambda m: m[1] / speed[m[0]])
        d["km"], d["speed"], d["days"] = km, speed[kind], km / speed[kind]
    # Both directions of every corridor, for neighbour sums in O(corridors) rather than O(towns²).
    u, v = np.array(g.edges()).T
    model.edge_from, model.edge_to = np.concatenate([u, v]), np.concatenate([v, u])
    model.degree = np.bincount(model.edge_to, minlength=model.n)
    model.reach = [sorted(nx.single_source_shortest_path_length(g, v, cutoff=p.strike_reach)) for v in range(model.n)]
    model._routes = {}
    model._travel_days = {}
    # The corridors' travel days as a sparse matrix: scipy's Dijkstra on it gives the same sums as networkx's, faster.
    model._days_matrix = nx.to_scipy_sparse_array(g, nodelist=range(model.n), weight="days", format="csr")
    hubs = [v for v in g if g.nodes[v]["supply_hub"]]
    km = nx.multi_source_dijkstra_path_length(g, hubs, weight="km")
    model.hubs = hubs
    model.hub_km = np.array([km[v] for v in range(model.n)])


def build_towns(model) -> None:
    """The towns' state as arrays (one row per node): population, zone, bases, influence, grievance, control."""
    t = model.mali.towns.sort_index()
    p = model.p
    model.population = t["population"].to_numpy(float)
    model.catchment = t["catchment"].to_numpy(float)  # the census population each town stands for
    model.zone = np.array([ZONES.index(z) for z in t["zone"]])
    model.names = list(t["name"])
    model.rebel_claim = t["rebel_claim"].to_numpy(bool)  # the territory the rebels claim as theirs
    model.claim_in_reach = np.array([model.rebel_claim[r].any() for r in model.reach])  # within strike_reach
    model.is_army_base = t["garrison_at_start"].to_numpy(bool, copy=True)  # grows as the army holds towns
    model.influence = np.zeros((model.n, len(ARMED_GROUPS)))
    fighters = {JNIM: p.jnim_fighters, CSP: p.csp_fighters, ISSP: p.issp_fighters}
    for f in model.mali.footholds.itertuples():
        if fighters[FACTIONS.index(f.faction)] == 0:
            continue
        g = GROUP_COLUMN[FACTIONS.index(f.faction)]
        model.influence[f.node, g] = max(model.influence[f.node, g], f.influence)
    model.grievance = np.zeros((model.n, 1 + len(ARMED_GROUPS)))  # against the state, then each armed group
    model.recruit_pool = np.zeros((model.n, len(ARMED_GROUPS)))
    model.controller = np.full(model.n, FAMA, dtype=np.int8)
    model.un_open = np.zeros(model.n, bool)
    model.un_open[model.mali.un_sites["node"].to_numpy()] = True
    model.vacated = np.zeros(model.n, bool)
    sites = model.mali.un_sites
    model.repatriation_hubs = list(sites.loc[sites["repatriation_hub"], "node"])
    model.un_site_nodes = sites["node"].to_numpy()
    model.un_site_troops = sites["troops"].to_numpy(float) * p.un_troops / sites["troops"].sum()
    model.zone_towns = np.bincount(model.zone, minlength=len(ZONES))  # per zone, for the metrics' daily means
    model.zone_catchment = np.bincount(model.zone, weights=model.catchment, minlength=len(ZONES))


def units_for(model, personnel: float) -> list[float]:
    """``personnel`` cut into units of ``unit_size`` (and one smaller remainder of at least one person)."""
    size = model.p.unit_size
    full, rest = divmod(float(personnel), size)
    return [size] * int(full) + ([rest] if rest >= 1 else [])


def deploy_forces(model) -> None:
    """Initial deployment (April 2023): army garrisons, mobile reserves at hubs, UN at its sites, armed groups in their footholds."""
    p = model.p
    fama = units_for(model, p.fama_manpower * p.theatre_share)
    per_base = max(1, math.ceil(p.garrison_size / p.unit_size))
    for v in np.flatnonzero(model.is_army_base):
        for _ in range(per_base):
            if fama:
                model.spawn(v, FAMA, fama.pop(), GARRISON)
    for i, s in enumerate(fama):
        model.spawn(model.hubs[i % len(model.hubs)], FAMA, s, RESERVE)
    for i, s in enumerate(units_for(model, p.wagner_manpower)):
        model.spawn(model.hubs[i % len(model.hubs)], WAGNER, s, RESERVE)
    place(model, UN, p.un_troops, model.un_site_nodes, model.un_site_troops, GARRISON)
    fh = model.mali.footholds
    for faction, personnel in ((JNIM, p.jnim_fighters), (CSP, p.csp_fighters), (ISSP, p.issp_fighters)):
        rows = fh[fh["faction"] == FACTIONS[faction]]
        place(model, faction, personnel, rows["node"].to_numpy(), rows["strength_weight"].to_numpy(float), GARRISON)


def place(model, faction: int, personnel: float, nodes: np.ndarray, weights: np.ndarray, task: str) -> None:
    """Spread ``personnel`` over ``nodes`` in proportion to ``weights``, in whole units."""
    if personnel <= 0 or len(nodes) == 0:
        return
    shares = personnel * weights / weights.sum()
    for v, share in zip(nodes, shares, strict=True):
        for s in units_for(model, share):
            model.spawn(int(v), faction, s, task)
