"""The rebels' decision on war and JNIM–rebel cooperation as joint planning (docs/model.md, relations), checked on
replicated runs: every same-place strike has fighters of both groups there, with no cooperation such strikes fall
to chance, cooperation never weakens the two groups, and the war follows the army into the rebels' zone."""

from __future__ import annotations

from itertools import pairwise

import networkx as nx
import numpy as np
import pandas as pd
from helpers import mali, replicates

from vacuum_sim.factions import CSP, FACTIONS, GROUP_COLUMN, JNIM, ZONES
from vacuum_sim.model import metrics
from vacuum_sim.model.model import VacuumModel
from vacuum_sim.observed.patterns import STRIKES
from vacuum_sim.runs.runner import resolve

SEEDS = tuple(range(10))
DAYS = 300
GROUPS = (FACTIONS[JNIM], FACTIONS[CSP])


def strikes(events: pd.DataFrame) -> pd.DataFrame:
    """JNIM and CSP strikes (battles and explosions, not against each other) as the 2023 pattern counts them."""
    s = events[events["event_type"].isin(STRIKES) & events["actor1"].isin(GROUPS)
               & ~events["actor2"].isin(GROUPS)]
    return pd.DataFrame({"group": s["actor1"], "town": s["location"], "day": pd.to_datetime(s["event_date"])})


def same_place(s: pd.DataFrame) -> set:
    """(town, first day) of every JNIM–CSP pair of strikes on one town within a day (patterns.same_place_24h)."""
    pairs = s[s.group == GROUPS[0]].merge(s[s.group == GROUPS[1]], on="town", suffixes=("_a", "_b"))
    pairs = pairs[(pairs.day_a - pairs.day_b).abs() <= pd.Timedelta(days=1)]
    return set(zip(pairs.town, pairs[["day_a", "day_b"]].min(axis=1), strict=True))


def exposure(events: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per town, the days on which the state was there to be struck: any event there with the army or Wagner."""
    state = (events["actor1"] + "/" + events["actor2"]).str.contains("FAMa|Wagner")
    days = pd.to_datetime(events.loc[state, "event_date"])
    return {town: np.unique(d.to_numpy()) for town, d in days.groupby(events.loc[state, "location"])}


def shuffled_count(s: pd.DataFrame, exposed: dict[str, np.ndarray], rng, draws: int) -> list[int]:
    """Same-place strikes, ``draws`` times, if each group struck each town on as many days as it did, drawn at
    random, independently of the other group, among the days the state was exposed there (the targets kept, each group's timing made
    independent of the other's)."""
    towns = []
    for town, here in s.groupby("town"):
        n = [here.day[here.group == g].nunique() for g in GROUPS]  # each group's strike days there
        if min(n) > 0:
            days = exposed.get(town, here.day.unique()).astype("datetime64[D]").astype(int)
            towns.append((days, [min(k, len(days)) for k in n]))
    counts = []
    for _ in range(draws):
        count = 0
        for days, (na, nb) in towns:
            a = rng.choice(days, size=na, replace=False)
            b = rng.choice(days, size=nb, replace=False)
            near = np.abs(a[:, None] - b[None, :]) <= 1
            count += len(np.unique(np.minimum(a[:, None], b[None, :])[near]))
        counts.append(count)
    return counts


def test_every_same_place_strike_has_fighters_of_both_groups_within_reach():
    """Stepping three seeds day by day: for each counted pair, each group had personnel within reach of the town
    (``strike_reach`` corridors, one more for an ambush, logged at one end of the corridor with its ambushers near
    either end) at the start or the end of that day; and every strike the model records found its fighters there."""
    pairs = 0
    for seed in (0, 1, 2):
        m = VacuumModel(resolve("historical_2023", days=DAYS, mali=mali()), rng=seed, mali=mali())
        radius = m.p.strike_reach + 1
        near = [sorted(nx.single_source_shortest_path_length(m.grid.G, v, cutoff=radius)) for v in range(m.n)]
        seen = {}
        while m.running:
            before = m.presence[:, [JNIM, CSP]].copy()
            m.step()
            after = m.presence[:, [JNIM, CSP]]
            for v in range(m.n):
                seen[(m.names[v], pd.Timestamp(m.date))] = np.maximum(before[near[v]].sum(axis=0),
                                                                     after[near[v]].sum(axis=0))
        s = strikes(metrics.events_frame(m))
        for town, first in same_place(s):
            for g, col in zip(GROUPS, (0, 1), strict=True):
                days = s[(s.group == g) & (s.town == town) & ((s.day - first).abs() <= pd.Timedelta(days=1))].day
                assert any(seen[(town, d)][col] >= 1.0 for d in days), (seed, town, first, g)
            pairs += 1
        assert all(personnel >= 1.0 for *_, personnel in m.strikes), seed
    assert pairs >= 3  # the check was exercised


def test_without_cooperation_same_place_strikes_fall_to_chance_and_with_it_rise_above():
    """Observed same-place strikes over 10 seeds against a permutation baseline: each group's strikes on each town
    moved to days drawn independently among the days the state was exposed there (any event with the army or
    Wagner in that town), 40 draws per seed, so that both groups striking the same column by chance stays in it.
    At cooperation 0 the total must not exceed the baseline's mean by more than 3 standard deviations of its total
    (what chance gives; measured ~0.2-0.3 of it: hostile groups avoid each other); at the default cooperation it is
    above the baseline (measured 1.07-1.18 of it) and, relative to the baseline, at least twice what it is at 0."""
    rng = np.random.default_rng(0)

    def observed_and_baseline(overrides: tuple) -> tuple[int, float, float]:
        runs = replicates("historical_2023", DAYS, overrides, SEEDS)
        obs, means, variances = 0, 0.0, 0.0
        for m in runs:
            events = metrics.events_frame(m)
            s, exposed = strikes(events), exposure(events)
            obs += len(same_place(s))
            shuffles = shuffled_count(s, exposed, rng, 40)
            means += np.mean(shuffles)
            variances += np.var(shuffles)
        return obs, means, np.sqrt(variances)

    obs0, base0, sd0 = observed_and_baseline(("jnim_csp_cooperation=0",))
    assert obs0 <= base0 + 3 * max(sd0, 1.0), (obs0, base0, sd0)
    obs, base, sd = observed_and_baseline(())  # the default cooperation
    assert obs > base, (obs, base, sd)
    assert obs / base >= 2 * obs0 / base0, (obs, base, obs0, base0)  # cooperation lifts them well above chance


def test_more_cooperation_never_weakens_the_two_groups():
    """Towns held by JNIM and CSP together after a year, cooperation 0 / 0.5 / 1 on the same 10 seeds (common random
    numbers): each step up may lose at most 2 standard errors of the paired difference (seed noise)."""
    def held(coop: str) -> np.ndarray:
        out = []
        for m in replicates("historical_2023", 365, (f"jnim_csp_cooperation={coop}",), SEEDS):
            last = m.history.metrics_frame(m).iloc[-1]
            out.append(sum(last[f"n_towns_{g}_{z}"] for g in GROUPS for z in ZONES))
        return np.array(out, dtype=float)

    levels = [held(c) for c in ("0", "0.5", "1")]
    for lo, hi in pairwise(levels):
        diff = hi - lo
        assert diff.mean() >= -2 * diff.std(ddof=1) / np.sqrt(len(diff)), (lo, hi)


def test_the_war_follows_the_army_into_the_rebels_zone_and_not_without_the_withdrawal():
    """Share of 10 seeds at war on 15 September 2023 in historical_2023 (1.0 on these seeds; 0.8 over seeds 0–19)
    and at war at all within 300 days without the UN withdrawal (0.2 on these seeds; 0.3 over seeds 0–19)."""
    def at_war(scenario: str, day: str) -> float:
        return np.mean([m.history.metrics_frame(m).loc[day, "n_csp_at_war"]
                        for m in replicates(scenario, DAYS, (), SEEDS)])

    historical = at_war("historical_2023", "2023-09-15")
    no_withdrawal = np.mean([m.csp_at_war for m in replicates("no_withdrawal", DAYS, (), SEEDS)])
    assert historical >= 0.5, historical
    assert no_withdrawal <= 0.3, no_withdrawal


def test_the_rebels_strike_only_within_reach_of_the_territory_they_claim():
    """What the CSP sees as targets comes from towns.csv's rebel_claim: strong influence in a town far from the
    claimed regions (Bougouni, the south) or in the centre beyond strike_reach of them (Bandiagara) opens nothing;
    they walk into empty camps only inside the claim."""
    from vacuum_sim.model.group_command import TargetView
    from vacuum_sim.runs.runner import resolve

    m = VacuumModel(resolve("historical_2023", days=5, mali=mali()), rng=0, mali=mali())
    claim = m.mali.towns["rebel_claim"].to_numpy(bool)
    assert claim.sum() > 0 and (m.rebel_claim == claim).all()
    far = [m.mali.node(t) for t in ("Bougouni", "Bandiagara")]
    near = m.mali.node("Dioura")  # centre, within reach of Léré (claimed)
    m.influence[[*far, near], GROUP_COLUMN[CSP]] = 1.0
    view = TargetView.of(m, CSP)
    assert not view.network[far].any() and view.network[near]
    assert (view.open_to == claim).all()
    assert (TargetView.of(m, JNIM).open_to).all()
