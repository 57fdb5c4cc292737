"""Unit checks of single submodels against their written rules (docs/model.md, section 3.3)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from helpers import mali

from vacuum_sim.factions import FAMA, JNIM, UN
from vacuum_sim.model import combat, population
from vacuum_sim.model.agents import GARRISON, RESERVE, WITHDRAW, ForceUnit
from vacuum_sim.model.model import VacuumModel
from vacuum_sim.runs.runner import resolve


def model(*overrides: str, seed: int = 0) -> VacuumModel:
    return VacuumModel(resolve("historical_2023", overrides=list(overrides), mali=mali()), rng=seed, mali=mali())


def test_un_sites_close_on_the_planned_dates_and_the_levers_move_them():
    m = model()
    plan = {s.town: s.closure_date for s in mali().un_sites.itertuples()}
    closing = {m.names[v]: m.start_date + timedelta(days=d) for d, vs in m.closures.items() for v in vs}
    assert closing == plan
    first = min(plan.values())
    stretched = model("withdrawal_stretch=2.0", "withdrawal_shift_days=10")
    closing = {m.names[v]: m.start_date + timedelta(days=d) for d, vs in stretched.closures.items() for v in vs}
    for town, when in plan.items():
        assert closing[town] == first + timedelta(days=10 + 2 * (when - first).days)
    assert model("un_withdrawal=false").closures == {}


def test_a_closed_site_is_vacated_and_its_troops_leave():
    m = model()
    kidal = mali().node("Kidal")
    day = next(d for d, vs in m.closures.items() if kidal in vs)
    while m.day < day:
        m.step()
    assert m.vacated[kidal] and not m.un_open[kidal]
    assert date(2023, 10, 31) == m.date
    un_here = [a for a in m.grid[kidal].agents if isinstance(a, ForceUnit) and a.faction == UN]
    assert un_here and all(u.task == WITHDRAW and u.route for u in un_here)
    for _ in range(10):
        m.step()
    assert not any(isinstance(a, ForceUnit) and a.faction == UN for a in m.grid[kidal].agents)


def test_travel_takes_corridor_length_over_speed():
    m = model("speed_track=50")
    gao, tarkint = mali().node("Gao"), mali().node("Tarkint")
    km = m.corridor_km(gao, tarkint)  # a track, 123 km
    unit = m.spawn(gao, FAMA, 100, RESERVE)
    unit.send([tarkint])
    days = 0
    while unit.node != tarkint:
        unit.travel()
        days += 1
    assert days == int(np.ceil(km / 50))


def test_square_law_losses_scale_with_the_enemy_strength():
    """Lanchester square law: in a day of fire each side's losses are proportional to the enemy's effective strength."""
    losses = {}
    for attackers in (200, 400):
        lost = []
        for seed in range(20):  # the same fire-noise draws for both sizes (common random numbers)
            m = model(seed=seed)
            v = mali().node("Kita")
            att, dfd = [m.spawn(v, JNIM, attackers, GARRISON)], [m.spawn(v, FAMA, 300, GARRISON)]
            lost.append(combat.exchange(m, att, dfd, m.p.lethality, 1.0, m.streams["combat"])[1])
        losses[attackers] = np.mean(lost)
    # Doubling the attackers doubles the defenders' losses (within 1 %: the attackers shrink during the day).
    assert 1.98 < losses[400] / losses[200] < 2.02, losses


def test_grievance_decays_with_its_half_life_and_spreads_to_neighbours():
    m = model("grievance_spread=0", "grievance_decay=0.01")
    v = mali().node("Mopti")
    m.grievance[v] = 1.0  # against the state and against each armed group alike
    for _ in range(69):
        population.update_grievance(m)
    assert m.grievance[v] == pytest.approx(np.full(4, 0.99**69)) and 0.49 < m.grievance[v, 0] < 0.51
    m = model("grievance_spread=0.1")
    m.grievance[v, 0] = 1.0
    population.update_grievance(m)
    assert all(m.grievance[w, 0] > 0 for w in m.grid.G[v])
    assert not m.grievance[:, 1:].any()  # grievance against the state does not turn into grievance against others


def test_recruitment_is_capped_per_town_and_day():
    m = model("recruit_rate=0.01", "recruit_cap=2")
    m.grievance[:, 0] = 1.0
    m.new_recruits = np.zeros_like(m.new_recruits)
    before = m.cum_recruits_by_town.copy()
    population.recruitment(m)
    added = m.cum_recruits_by_town - before
    assert added.max() == pytest.approx(2.0)
    assert (added[m.influence <= m.p.recruit_influence_min] == 0).all()


def test_closures_due_on_or_before_the_start_day_are_applied_on_day_0():
    """A shift that moves closures before the start must vacate those camps at once, never skip them."""
    m = model("start_date=2023-08-03", "withdrawal_shift_days=-20")
    due = [mali().node(s.town) for s in mali().un_sites.itertuples()
           if (s.closure_date - date(2023, 8, 3)).days - 20 <= 0]
    assert due, "the shift should bring some closures before the start"
    assert all(m.vacated[v] and not m.un_open[v] for v in due)
    assert m.vacated.sum() == len(due)
    assert all(u.task == WITHDRAW for v in due for u in m.grid[v].agents if u.faction == UN)


def test_presence_always_equals_the_units_standing_in_each_town():
    """Presence is derived from the units: after moves, losses and removals it matches a fresh count."""
    m = model()
    for _ in range(40):
        m.step()
        fresh = np.zeros_like(m.presence)
        for u in m.units:
            fresh[u.node, u.faction] += u.strength
        assert np.allclose(m.presence, fresh, atol=1e-6)
        assert ((m.presence > 0) == (fresh > 0)).all()
