"""Speed of the model against Mesa's own minimal agent loop, and how cost grows with map size.

1. The 730-day historical_2023 run (data collection on) vs a bare Mesa model on the same
   map with the same number of CellAgents, each moving to a random neighbour every step,
   timed in processor seconds in alternating pairs; the ratio is the median over the pairs.
   Target: model/bare ratio <= 2.5 (issues 8 and 9).
2. A synthetic map of 1x, 4x and 16x the nodes and agents (copies of Mali joined in a ring
   at their capitals, forces scaled alike): time per simulated day must grow no faster than
   linearly (16x the work in <= 20x the time).

Usage: python experiments/benchmarks/bench_model.py [--repeats N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace

import mesa
import networkx as nx
import pandas as pd
from mesa.discrete_space import CellAgent, Network

from vacuum_sim.inputs import params as table
from vacuum_sim.inputs.geography import MaliMap, load_map
from vacuum_sim.inputs.scenario import load_scenario
from vacuum_sim.model.model import VacuumModel

SCALED = ("fama_manpower", "wagner_manpower", "un_troops", "jnim_fighters", "csp_fighters", "issp_fighters")


class Walker(CellAgent):
    def step(self):
        self.move_to(self.cell.neighborhood.select_random_cell())


class BareModel(mesa.Model):
    """Mesa's minimal agent loop: n CellAgents on the map, a random move each step, nothing else."""

    def __init__(self, graph: nx.Graph, n_agents: int, rng: int = 0):
        super().__init__(rng=rng)
        self.grid = Network(graph, random=self.random, layout=None)
        cells = list(self.grid.all_cells)
        for i in range(n_agents):
            Walker(self).cell = cells[i % len(cells)]

    def step(self):
        self.agents.shuffle_do("step")


def tile(mali: MaliMap, k: int) -> MaliMap:
    """k disjoint copies of the map, copy i's capital joined to copy i+1's (a ring)."""
    n = mali.graph.number_of_nodes()
    graph = nx.disjoint_union_all([mali.graph] * k)
    for v in graph:  # names unique per copy
        graph.nodes[v]["name"] = f"{mali.graph.nodes[v % n]['name']}#{v // n}"
    capital = mali.node("Bamako")
    for i in range(k if k > 2 else k - 1):
        graph.add_edge(i * n + capital, ((i + 1) % k) * n + capital, modes=[("paved", 500.0)])

    def copies(frame: pd.DataFrame) -> pd.DataFrame:
        out = pd.concat([frame.assign(node=frame["node"] + i * n) for i in range(k)], ignore_index=True)
        if "town" in out:
            out["town"] = [graph.nodes[v]["name"] for v in out["node"]]
        return out

    towns = pd.DataFrame([{"node": v, **a} for v, a in graph.nodes(data=True)]).set_index("node", drop=False)
    return MaliMap(graph, towns, mali.corridors, copies(mali.un_sites), copies(mali.footholds))


def allow_scaled_forces() -> None:
    """Lift the table's upper bounds on the scaled forces: the synthetic map holds k copies of Mali's forces,
    beyond what the ranges allow for one Mali (only this benchmark does this; runs stay checked)."""
    table.PARAMS = tuple(replace(p, high=float("inf")) if p.name in SCALED else p for p in table.PARAMS)
    table.BY_NAME.update({p.name: p for p in table.PARAMS})


def cpu_seconds(fn) -> float:
    """Processor time of one call: on a shared machine it leaves out the time other work holds the core."""
    t = time.process_time()
    fn()
    return time.process_time() - t


def timed(fn, repeats: int) -> float:
    """Best processor time of ``repeats`` calls."""
    return min(cpu_seconds(fn) for _ in range(repeats))


def paired_ratios(a, b, repeats: int) -> tuple[list[float], list[float]]:
    """Processor times of ``a`` and ``b`` in alternating pairs (a first, then b first), so that a machine whose
    speed drifts during the benchmark slows both sides of each pair alike."""
    times_a, times_b = [], []
    for i in range(repeats):
        for fn, out in ((a, times_a), (b, times_b)) if i % 2 == 0 else ((b, times_b), (a, times_a)):
            out.append(cpu_seconds(fn))
    return times_a, times_b


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5, help="pairs of model and bare runs")
    args = ap.parse_args()
    mali = load_map()
    scn = load_scenario("historical_2023", mali)
    days = scn.days

    def model_run(m=mali, s=scn):
        model = VacuumModel(s, rng=1, mali=m)
        while model.running:
            model.step()
        return model

    n_agents = len(VacuumModel(scn, rng=1, mali=mali).agents)

    def bare_run(graph=mali.graph, n=n_agents):
        model = BareModel(graph, n, rng=1)
        for _ in range(days):
            model.step()

    t_model, t_bare = paired_ratios(model_run, bare_run, args.repeats)
    ratios = sorted(m / b for m, b in zip(t_model, t_bare, strict=True))
    print(f"historical_2023, {days} days, {n_agents} agents at start; processor time of {args.repeats} "
          "alternating pairs")
    print(f"  model (data collection on): {min(t_model):.3f}–{max(t_model):.3f} s")
    print(f"  bare Mesa loop (same map, {n_agents} CellAgents moving at random): {min(t_bare):.3f}–{max(t_bare):.3f} s")
    print(f"  pair ratios: {', '.join(f'{r:.2f}' for r in ratios)}")

    print("synthetic map scaling (time per simulated day):")
    allow_scaled_forces()
    per_day = {}
    for k in (1, 4, 16):
        big = tile(mali, k)
        params = dict(scn.params) | {p: scn.params[p] * k for p in SCALED}
        s = replace(scn, params=params, days=365)
        per_day[k] = timed(lambda b=big, s=s: model_run(b, s), 3) / 365  # best of 3 at every size alike
        print(f"  {k:2d}x: {big.graph.number_of_nodes():4d} towns, {per_day[k] * 1000:7.2f} ms/day, "
              f"{per_day[k] / per_day[1]:5.1f}x the 1x cost")
    print(f"scaling 16x/1x: {per_day[16] / per_day[1]:.1f} (target <= 20)")
    print(f"model/bare ratio: {statistics.median(ratios):.2f} (median of the pairs; target <= 2.5)")


if __name__ == "__main__":
    main()
