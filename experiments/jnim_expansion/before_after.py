"""JNIM's footholds, blockades and redeployment: where JNIM stands after a year with and without them.

    .venv/bin/python experiments/jnim_expansion/before_after.py [SEEDS] [key=value ...]   (default 10 seeds)

Runs historical_2023 for 365 days on seeds 0..SEEDS-1 with the given parameter changes (e.g. the three move rates at
0 for "before") and prints, as median and 10–90 % over seeds: JNIM-held towns and towns with an established JNIM
network (influence of at least recruit_influence_min) per zone at day 365, towns under blockade at day 365, footholds
and blockades started in the year, whether the capital was ever held by an armed group; then the towns most often
under blockade (town-days per seed, with their zone), the towns where blockades started and footholds were taken.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict

import numpy as np

from vacuum_sim.factions import ARMED_GROUPS, GROUP_COLUMN, JNIM, ZONES
from vacuum_sim.inputs.geography import load_map
from vacuum_sim.model.model import VacuumModel
from vacuum_sim.runs.runner import resolve

DAYS = 365


def main(seeds: int = 10, overrides: tuple[str, ...] = ()) -> None:
    mali = load_map()
    capital = int(mali.towns.index[mali.towns["capital"]][0])
    out: dict[str, list] = defaultdict(list)
    blockade_days, starts, footholds = Counter(), Counter(), Counter()
    for seed in range(seeds):
        m = VacuumModel(resolve("historical_2023", days=DAYS, overrides=list(overrides), mali=mali), rng=seed, mali=mali)
        while m.running:
            m.step()
            blockade_days.update(m.names[v] for v in np.flatnonzero(m.blockade_cover.max(axis=1) > 0))
        last = m.history.metrics_frame(m).iloc[-1]
        network = m.influence[:, GROUP_COLUMN[JNIM]] >= m.p.recruit_influence_min
        for i, z in enumerate(ZONES):
            out[f"JNIM-held towns, {z}"].append(last[f"n_towns_JNIM_{z}"])
            out[f"JNIM network towns, {z}"].append((network & (m.zone == i)).sum())
            out[f"towns under blockade, {z}"].append(last[f"n_blockaded_{z}"])
        out["footholds in the year"].append(m.cum_footholds[JNIM])
        out["blockades started in the year"].append(m.cum_blockades[JNIM])
        out["capital ever held"].append(np.isin(m.history.control[:, capital], ARMED_GROUPS).any())
        for e in m.events:
            if e[3] == "JNIM" and e[2] == "Change to group/activity":
                starts[m.names[e[5]]] += 1
            elif e[3] == "JNIM" and e[2] == "Headquarters or base established":
                footholds[m.names[e[5]]] += 1
    print(f"historical_2023, {DAYS} days, seeds 0-{seeds - 1}, changes: {' '.join(overrides) or 'none'}")
    for name, values in out.items():
        v = np.asarray(values, float)
        print(f"  {name:34s} median {np.median(v):5.1f}   10-90 % {np.percentile(v, 10):5.1f} - "
              f"{np.percentile(v, 90):5.1f}   mean {v.mean():5.2f}")
    zone = dict(zip(m.names, (ZONES[z] for z in m.zone), strict=True))
    print("  town-days under blockade per seed:",
          ", ".join(f"{t} ({zone[t]}) {d / seeds:.0f}" for t, d in blockade_days.most_common(10)))
    print("  blockades started (all seeds):", ", ".join(f"{t} {n}" for t, n in starts.most_common(10)))
    print("  footholds taken (all seeds):", ", ".join(f"{t} {n}" for t, n in footholds.most_common(10)))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10, tuple(sys.argv[2:]))
