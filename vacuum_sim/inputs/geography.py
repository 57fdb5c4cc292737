"""The map of Mali: towns, corridors, UN sites and armed-group footholds, read from data files.

Only data and checks live here, no behaviour.  Node ids are integers (Mesa's
network drawing needs them); town names are node attributes.  Every check
raises :class:`MapError` naming the file, the row and what is wrong.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from importlib import resources
from pathlib import Path

import networkx as nx
import pandas as pd

from vacuum_sim.factions import ARMED_GROUPS, FACTIONS, ZONES

CORRIDOR_KINDS = ("paved", "track", "seasonal", "river")
# The day the starting forces describe: towns.csv's garrison_at_start and un_sites.csv's troops are the deployment of
# April 2023 (data/README.md).  Runs start on or after it.
DEPLOYMENT_DATE = date(2023, 4, 1)
GROUP_NAMES = tuple(FACTIONS[g] for g in ARMED_GROUPS)


class MapError(ValueError):
    """A map data file is inconsistent."""


@dataclass(frozen=True)
class MaliMap:
    graph: nx.Graph  # int nodes; attributes = towns.csv columns
    towns: pd.DataFrame  # one row per node, index = node id
    corridors: pd.DataFrame  # source, target (names), kind, km
    un_sites: pd.DataFrame  # town, node, closure_date (date), troops, repatriation_hub
    footholds: pd.DataFrame  # town, node, faction, influence, strength_weight

    def node(self, name: str) -> int:
        return self._ids[name]

    @cached_property
    def _ids(self) -> dict[str, int]:
        return {d["name"]: n for n, d in self.graph.nodes(data=True)}


def data_dir() -> Path:
    return Path(str(resources.files("vacuum_sim.inputs") / "data"))


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _yes(path, i, field, value) -> bool:
    if value not in ("yes", "no"):
        raise MapError(f"{path.name} row {i}: {field} must be 'yes' or 'no', got {value!r}")
    return value == "yes"


def _number(path, i, field, value) -> float:
    try:
        return float(value)
    except ValueError:
        raise MapError(f"{path.name} row {i}: {field} must be a number, got {value!r}") from None


def _town_id(path, i, ids, name) -> int:
    if name not in ids:
        raise MapError(f"{path.name} row {i}: unknown town {name!r} (not in towns.csv)")
    return ids[name]


def load_map(directory: Path | None = None) -> MaliMap:
    """Build the checked map from ``towns.csv``, ``corridors.csv``, ``un_sites.csv`` and ``armed_groups.csv``."""
    d = Path(directory) if directory else data_dir()
    graph = nx.Graph()
    ids: dict[str, int] = {}
    path = d / "towns.csv"
    for i, r in enumerate(_rows(path), start=2):
        name = r["name"].strip()
        if not name:
            raise MapError(f"{path.name} row {i}: empty town name")
        if name in ids:
            raise MapError(f"{path.name} row {i}: duplicate town {name!r}")
        if not r["lat"] or not r["lon"]:
            raise MapError(f"{path.name} row {i}: town {name!r} has no coordinate (lat, lon)")
        if r["zone"] not in ZONES:
            raise MapError(f"{path.name} row {i}: zone must be one of {', '.join(ZONES)}, got {r['zone']!r}")
        ids[name] = len(ids)
        graph.add_node(
            ids[name], name=name, lat=_number(path, i, "lat", r["lat"]), lon=_number(path, i, "lon", r["lon"]),
            region=r["region"], zone=r["zone"], population=_number(path, i, "population", r["population"]),
            un_base=_yes(path, i, "un_base", r["un_base"]), fama_base=_yes(path, i, "fama_base_oct2023", r["fama_base_oct2023"]),
            garrison_at_start=_yes(path, i, "garrison_at_start", r["garrison_at_start"]),
            supply_hub=_yes(path, i, "supply_hub", r["supply_hub"]), capital=_yes(path, i, "capital", r["capital"]),
            rebel_claim=_yes(path, i, "rebel_claim", r["rebel_claim"]),
        )
    capitals = [graph.nodes[n]["name"] for n in graph if graph.nodes[n]["capital"]]
    if len(capitals) != 1:
        raise MapError(f"{path.name}: exactly one town must have capital=yes, got {len(capitals)} ({', '.join(capitals)})")

    path = d / "corridors.csv"
    corridors = []
    for i, r in enumerate(_rows(path), start=2):
        u, v = _town_id(path, i, ids, r["source"]), _town_id(path, i, ids, r["target"])
        if r["kind"] not in CORRIDOR_KINDS:
            raise MapError(f"{path.name} row {i}: kind must be one of {', '.join(CORRIDOR_KINDS)}, got {r['kind']!r}")
        km = _number(path, i, "km", r["km"])
        if km <= 0:
            raise MapError(f"{path.name} row {i}: km must be positive, got {km}")
        if not (r.get("sources") or "").strip():
            raise MapError(f"{path.name} row {i}: sources is empty (cite an [S#] of SOURCES.md)")
        if u == v:
            raise MapError(f"{path.name} row {i}: a corridor must join two different towns, got {r['source']!r} twice")
        corridors.append({"source": r["source"], "target": r["target"], "kind": r["kind"], "km": km})
        # Two towns joined by both a road and the river: movement takes the faster one (see edge "modes").
        modes = graph.edges[u, v]["modes"] if graph.has_edge(u, v) else []
        if r["kind"] in (kind for kind, _ in modes):
            raise MapError(f"{path.name} row {i}: duplicate {r['kind']} corridor {r['source']}–{r['target']}")
        graph.add_edge(u, v, modes=[*modes, (r["kind"], km)])
    isolated = [graph.nodes[n]["name"] for n in graph if graph.degree(n) == 0]
    if isolated:
        raise MapError(f"corridors.csv: towns with no corridor: {', '.join(isolated)}")
    if not nx.is_connected(graph):
        parts = sorted(nx.connected_components(graph), key=len)
        names = ", ".join(graph.nodes[n]["name"] for n in parts[0])
        raise MapError(f"corridors.csv: the map is disconnected; cut-off group: {names}")

    path = d / "un_sites.csv"
    sites = []
    for i, r in enumerate(_rows(path), start=2):
        node = _town_id(path, i, ids, r["town"])
        if not graph.nodes[node]["un_base"]:
            raise MapError(f"{path.name} row {i}: {r['town']!r} has un_base=no in towns.csv")
        try:
            closure = date.fromisoformat(r["closure_date"])
        except ValueError:
            raise MapError(f"{path.name} row {i}: closure_date must be YYYY-MM-DD, got {r['closure_date']!r}") from None
        sites.append({"town": r["town"], "node": node, "closure_date": closure,
                      "troops": _number(path, i, "troops", r["troops"]),
                      "repatriation_hub": _yes(path, i, "repatriation_hub", r["repatriation_hub"])})
    missing = {graph.nodes[n]["name"] for n in graph if graph.nodes[n]["un_base"]} - {s["town"] for s in sites}
    if missing:
        raise MapError(f"{path.name}: UN bases in towns.csv without a closure row: {', '.join(sorted(missing))}")

    path = d / "armed_groups.csv"
    footholds = []
    for i, r in enumerate(_rows(path), start=2):
        if r["faction"] not in GROUP_NAMES:
            raise MapError(f"{path.name} row {i}: faction must be one of {', '.join(GROUP_NAMES)}, got {r['faction']!r}")
        influence = _number(path, i, "influence", r["influence"])
        if not 0 <= influence <= 1:
            raise MapError(f"{path.name} row {i}: influence must be in [0, 1], got {influence}")
        footholds.append({"town": r["town"], "node": _town_id(path, i, ids, r["town"]), "faction": r["faction"],
                          "influence": influence, "strength_weight": _number(path, i, "strength_weight", r["strength_weight"])})

    catchments(graph, d / "regions_population_2022.csv")
    towns = pd.DataFrame([{"node": n, **a} for n, a in graph.nodes(data=True)]).set_index("node", drop=False)
    return MaliMap(graph, towns, pd.DataFrame(corridors), pd.DataFrame(sites), pd.DataFrame(footholds))


def catchments(graph: nx.Graph, path: Path) -> None:
    """Give every town a ``catchment``: the share of its region's 2022 census population it stands for.

    The 59 towns hold ~7 M of Mali's 22.4 M people; the forces must cover everyone.  Each region's census
    population [S162] is shared among its modelled towns in proportion to their own populations, so a zone's
    catchments add up to the census population of its regions, and a region spanning two zones (Ségou) is
    split by the population of its towns in each (data/README.md).
    """
    census: dict[str, float] = {}
    for i, r in enumerate(_rows(path), start=2):
        if r["region"] in census:
            raise MapError(f"{path.name} row {i}: duplicate region {r['region']!r}")
        census[r["region"]] = _number(path, i, "population_2022", r["population_2022"])
        if census[r["region"]] <= 0:
            raise MapError(f"{path.name} row {i}: population_2022 must be positive, got {census[r['region']]:g}")
    towns_pop: dict[str, float] = {}
    for _, a in graph.nodes(data=True):
        towns_pop[a["region"]] = towns_pop.get(a["region"], 0.0) + a["population"]
    unknown = sorted(set(towns_pop) - set(census))
    if unknown:
        raise MapError(f"{path.name}: regions of towns.csv without a population row: {', '.join(unknown)}")
    empty = sorted(set(census) - set(towns_pop)) + sorted(r for r, p in towns_pop.items() if p <= 0)
    if empty:
        raise MapError(f"{path.name}: regions with no populated town in towns.csv: {', '.join(empty)}")
    for _, a in graph.nodes(data=True):
        a["catchment"] = census[a["region"]] * a["population"] / towns_pop[a["region"]]
