"""Footholds, blockades and redeployment (docs/model.md, 'Footholds, blockades, redeployment'): the rules one at a time
on a model at its start, then what they do over a year of replicated runs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import mali

from vacuum_sim.factions import ARMED_GROUPS, FAMA, GROUP_COLUMN, JNIM, ZONES
from vacuum_sim.model import blockades, expansion, metrics
from vacuum_sim.model.agents import GARRISON, ForceUnit, step_units
from vacuum_sim.model.model import VacuumModel
from vacuum_sim.runs.runner import resolve, simulate

J = GROUP_COLUMN[JNIM]
OFF = ("foothold_rate=0", "blockade_rate=0", "redeploy_rate=0")


def model(*overrides: str, seed: int = 0) -> VacuumModel:
    return VacuumModel(resolve("historical_2023", overrides=list(overrides), mali=mali()), rng=seed, mali=mali())


def others_near(m, v: int, f: int) -> tuple[bool, bool]:
    """(another faction's force stands in v, a state force stands in v or next to it)."""
    present = m.forces.present
    state = m.state_present()
    return bool(np.delete(present[v], f).any()), bool(state[v] or state[list(m.grid.G[v])].any())


def test_footholds_are_chosen_and_taken_only_where_nobody_else_stands_and_the_state_is_absent(monkeypatch):
    """Every foothold a spare unit chooses, and every one counted on arrival, over 200 days of 3 seeds: no other
    force in the town, no state force in it or next to it; the group had a network there when it chose it."""
    chosen, taken = [], []
    choose, settle_one = expansion.choose_foothold, expansion.settle_one

    def check_choice(m, u, own):
        move = choose(m, u, own)
        if move is not None:
            chosen.append((*others_near(m, move.town, u.faction), m.influence[move.town, J] >= m.p.strike_network_min,
                           move.town in m.reach[u.node]))
        return move

    def check_arrival(m, u, move):
        before = m.cum_footholds[u.faction]
        facts = others_near(m, move.post, u.faction)
        settle_one(m, u, move)
        if m.cum_footholds[u.faction] > before:
            taken.append(facts)

    monkeypatch.setattr(expansion, "choose_foothold", check_choice)
    monkeypatch.setattr(expansion, "settle_one", check_arrival)
    for seed in range(3):
        m = model("foothold_rate=0.1", seed=seed)
        for _ in range(200):
            m.step()
        events = [e for e in m.events if e[2] == "Headquarters or base established" and e[3] == "JNIM"]
        assert len(events) == m.cum_footholds[JNIM]
    assert len(chosen) >= 10 and len(taken) >= 5, (len(chosen), len(taken))
    assert all(c == (False, False, True, True) for c in chosen), chosen
    assert all(t == (False, False) for t in taken), taken


def garrison_town(m) -> tuple[int, int]:
    """A state garrison away from the supply hubs (army base with FAMa standing) with an approach where nobody stands."""
    present = m.forces.present
    for v in np.flatnonzero(m.is_army_base & present[:, FAMA] & (m.hub_km > 0)):
        empty = [w for w in m.grid.G[v] if not present[w].any()]
        if empty:
            return int(v), empty[0]
    raise AssertionError("no garrison with an empty approach")


def besiege(m, days: int) -> np.ndarray:
    """Days of the units' step (supply wear, travel) and the siege alone; the FAMa strength in each town, by day."""
    out = []
    for _ in range(days):
        step_units(m)
        blockades.siege(m)
        out.append(m.presence[:, FAMA].copy())
    return np.array(out)


def test_a_blockade_cuts_the_garrisons_supply_watches_its_roads_and_lifts_when_its_posts_leave():
    """Two copies of one model: in one, a JNIM unit takes post on an approach of a garrison.  The besieged garrison
    loses strength faster than the same garrison unbesieged (at supply_attrition × blockade_supply_km × cover), the
    group's IEDs and ambushes on its corridors grow by blockade_road_threat × cover, its influence there grows; once
    the post's fighters leave, the blockade lifts and the garrison wears as before."""
    free, held = model("supply_attrition=0.001"), model("supply_attrition=0.001")
    v, w = garrison_town(held)
    assert garrison_town(free) == (v, w)
    post = held.spawn(w, JNIM, 100, GARRISON)
    blockades.post(held, post, v)
    assert (v, JNIM) in held.blockades and held.cum_blockades[JNIM] == 1
    assert held.events[-1][1:4] == ("Strategic developments", "Change to group/activity", "JNIM")
    cover = 1 / held.degree[v]
    start = held.presence[v, FAMA]
    a, b = besiege(free, 60)[:, v], besiege(held, 60)[:, v]
    assert blockades.watch(held, JNIM, v, w) == pytest.approx(1 + held.p.blockade_road_threat * cover)
    assert blockades.watch(free, JNIM, v, w) == 1.0
    zone = {f"n_blockaded_{z}": int(held.zone[v] == i) for i, z in enumerate(ZONES)}
    assert dict(zip(metrics.METRICS, metrics.daily(held), strict=True)).items() >= zone.items()
    p = held.p
    assert held.supply_km[v] == pytest.approx(held.hub_km[v] + p.blockade_supply_km * cover)
    daily = (1 - p.supply_attrition * held.supply_km[v] / 100) / (1 - p.supply_attrition * held.hub_km[v] / 100)
    assert b[-1] < a[-1]
    assert b[-1] / a[-1] == pytest.approx(daily ** 59, rel=1e-9)  # cut off from the day after the post is taken
    assert held.influence[v, J] > free.influence[v, J]
    assert start - a[-1] > 0  # the unbesieged garrison wears too (its hub distance), only less
    held.retire(post)  # the post's fighters gone
    after = besiege(held, 10)[:, v]
    again = besiege(free, 10)[:, v]
    assert (v, JNIM) not in held.blockades and held.blockade_cover[v, J] == 0
    assert held.supply_km[v] == held.hub_km[v]
    assert np.allclose(after[1:] / after[1], again[1:] / again[1])  # from the day after, the unbesieged wear
    assert blockades.watch(held, JNIM, v, w) == 1.0


def lone_pair(m, *, reachable_prospect: bool) -> tuple[list[ForceUnit], int, int]:
    """Clear JNIM off the map; give it influence only in one open town ``x`` (nobody there, no state next to it) and
    two units in a town ``h`` with ``x`` beyond (or within) reach."""
    for u in [u for u in m.units if u.faction in ARMED_GROUPS]:
        m.retire(u)
    m.influence[:] = 0.0
    present, state = m.forces.present, m.state_present()
    open_towns = [x for x in range(m.n) if not present[x].any() and not state[x]
                  and not state[list(m.grid.G[x])].any() and m.population[x] > 0]
    for x in open_towns:
        for h in range(m.n):
            if h == x or present[h].any() or m.vacated[m.reach[h]].any():
                continue
            if (x in m.reach[h]) == reachable_prospect:
                m.influence[x, J] = 0.5
                return [m.spawn(h, JNIM, 100, GARRISON) for _ in range(2)], h, x
    raise AssertionError("no such pair of towns")


def test_a_unit_with_nothing_in_reach_redeploys_towards_the_best_prospect_and_takes_it():
    """Nothing but the prospect moves (no army operations, drones or attacks): one of the two units sets off for the
    open town beyond reach and establishes a foothold there; the other holds its town."""
    m = model("redeploy_rate=0.3", "foothold_rate=0", "blockade_rate=0", "jnim_attack_rate=0", "ops_per_month=0",
              "drone_sorties=0")
    units, h, x = lone_pair(m, reachable_prospect=False)
    spare, own = expansion.spare_units(m, JNIM, h)
    assert spare == units[1:] and own == units[1].strength * m.p.effectiveness[JNIM]
    move = expansion.choose_redeployment(m, units[1], own)
    assert move == expansion.Move(expansion.FOOTHOLD, x, x)
    for _ in range(30):  # a daily chance of redeploy_rate: 30 days leave it under one in 40,000 to sit out
        m.step()
        if any(u.route for u in units):
            break
    assert [u.route[-1] for u in units if u.route] == [x]
    for _ in range(60):
        m.step()
        if m.cum_footholds[JNIM]:
            break
    assert m.cum_footholds[JNIM] == 1
    assert m.forces.present[x, JNIM] and m.forces.present[h, JNIM]  # one unit went, one held the town


def test_a_unit_with_a_prospect_in_reach_does_not_redeploy():
    m = model()
    units, _, x = lone_pair(m, reachable_prospect=True)
    assert expansion.choose_redeployment(m, units[1], 100.0) is None
    assert expansion.choose_foothold(m, units[1], 100.0) == expansion.Move(expansion.FOOTHOLD, x, x)


def test_one_unit_always_holds_its_town():
    m = model()
    idle = [u for u in m.units if u.faction in expansion.MOVERS and u.idle]
    towns = {(u.faction, u.node) for u in idle}
    spares = [u for f, v in towns for u in expansion.spare_units(m, f, v)[0]]
    assert len(towns) >= 10 and len(spares) == len(idle) - len(towns)


def _jnim_towns(seed: int, overrides: tuple) -> tuple[int, int, int, bool]:
    m = simulate(resolve("historical_2023", days=365, overrides=list(overrides), mali=mali()), seed, mali())
    capital = int(mali().towns.index[mali().towns["capital"]][0])
    return ((m.influence[:, J] >= m.p.recruit_influence_min).sum(), (m.controller == JNIM).sum(),
            m.cum_footholds[JNIM] + m.cum_blockades[JNIM],
            bool(np.isin(m.history.control[:, capital], ARMED_GROUPS).any()))


@pytest.mark.slow
def test_over_a_year_jnim_reaches_more_towns_than_without_footholds_blockades_and_redeployment():
    """10 seeds × 365 days, paired (common random numbers): with the three moves JNIM holds more towns at day 365
    than with their rates at 0, on average and in at least 8 of 10 seeds, and has an established network (influence
    of at least recruit_influence_min) in more towns on average; the capital is never held.

    Measured while building (these seeds, experiments/jnim_expansion/before_after.py): JNIM-held towns 7.8 on average
    without, 11.9 with (more in each of the 10 seeds, by 1 to 8); towns with an established network 15.3 without,
    18.6 with (more in 8 seeds, fewer in 2: a network spread thinner).  The test asks for half the measured rise in
    held towns and for any rise in the network.  After the merge with the army's command (which then retook lost
    bases) the rise was smaller (2.5 on average, more in 7 seeds, fewer in 1): the test asks for a mean rise of 2 and
    more seeds with a rise than without, by a one-sided sign test at 5 % over the seeds that differ.  With the
    command's sovereignty claims (session 4) JNIM holds 9.4 towns with the moves against 5.4 without (means over the
    zones' rows of before_after.py)."""
    on = [_jnim_towns(s, ()) for s in range(10)]
    off = [_jnim_towns(s, OFF) for s in range(10)]
    network = np.array([a[0] - b[0] for a, b in zip(on, off, strict=True)])
    held = np.array([a[1] - b[1] for a, b in zip(on, off, strict=True)])
    more, fewer = (held > 0).sum(), (held < 0).sum()
    sign_p = sum(math.comb(more + fewer, k) for k in range(more, more + fewer + 1)) / 2 ** (more + fewer)
    assert held.mean() >= 2 and sign_p < 0.05, held
    assert network.mean() > 0, network
    assert all(b[2] == 0 for b in off) and all(a[2] > 0 for a in on)
    assert not any(a[3] or b[3] for a, b in zip(on, off, strict=True))
