"""Combat that decides: the square law, a table of engagements whose outcomes follow from the fight, ambushes
that scale with the ambushers, hostile forces that never share a town quietly, and drone strikes.

Engagements are fought on an emptied map (every unit removed) between JNIM attackers and FAMa defenders, who
have equal effectiveness by default, over a handful of seeds of the combat stream.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import mali

from vacuum_sim.factions import CSP, FAMA, GROUP_COLUMN, JNIM, UN
from vacuum_sim.model import air, combat, engagements, relations, roads
from vacuum_sim.model.agents import GARRISON, OPERATION, Mission
from vacuum_sim.model.model import VacuumModel
from vacuum_sim.runs.runner import resolve

SEEDS = range(5)


def empty_model(*overrides: str, seed: int = 0) -> VacuumModel:
    m = VacuumModel(resolve("historical_2023", overrides=list(overrides), mali=mali()), rng=seed, mali=mali())
    for u in list(m.units):
        m.retire(u)
    return m


def engagement(attackers: float, defenders: float, town: str, *overrides: str, seed: int = 0) -> dict:
    """Fight JNIM ``attackers`` against FAMa ``defenders`` at ``town`` until one side breaks off."""
    m = empty_model(*overrides, seed=seed)
    v = mali().node(town)
    att, dfd = [m.spawn(v, JNIM, attackers, GARRISON)], [m.spawn(v, FAMA, defenders, GARRISON)]
    eng = engagements.open_engagement(m, v, frozenset((JNIM,)), frozenset((FAMA,)), "Attack")
    while v in m.fights and eng.days < 100:
        engagements.day_of_fighting(m, eng)
    return {"days": eng.days, "attacker_loss": eng.loss_share(0), "defender_loss": eng.loss_share(1),
            "won": all(u.route for u in dfd if u.strength >= 1) and not any(u.route for u in att)}


PLAIN, BASE = "Kita", "Kayes"  # a town with no base, and an army base (FAMa defenders fortified)


def test_square_law_solution_is_exact():
    """Deterministic check: at equal effectiveness 100 against 80 fought to annihilation leaves √(100²−80²) = 60,
    and the square law's invariant A² − D² holds at every time, however the fight is cut into days."""
    assert combat.square_law(100, 80, 0.05, 0.05, t=1000) == (60.0, 0.0)
    for t in (0.1, 1.0, 7.3):
        a, d = combat.square_law(100, 80, 0.05, 0.05, t)
        assert a * a - d * d == pytest.approx(100**2 - 80**2)
    a, d = combat.square_law(100, 80, 0.05, 0.05, 3.0)
    assert combat.square_law(*combat.square_law(100, 80, 0.05, 0.05, 1.0), 0.05, 0.05, 2.0) == pytest.approx((a, d))


def test_an_engagement_fought_to_the_end_keeps_the_square_law():
    """Through the model: no noise, no break-off, equal effectiveness: the attackers end with 60 of 100."""
    out = engagement(100, 80, PLAIN, "combat_noise=0", "lethality=0.05", "attacker_loss_tolerance=1",
                     "defender_loss_tolerance=1", "withdraw_odds=100")
    assert out["won"] and out["defender_loss"] == pytest.approx(1.0)
    assert out["attacker_loss"] == pytest.approx(0.4, abs=1e-9)  # 100 − 60 of 100


@pytest.fixture(scope="module")
def table():
    """Odds 1:1 … 8:1, fortified or not, five seeds each (200 defenders)."""
    return {(odds, town): [engagement(200 * odds, 200, town, seed=s) for s in SEEDS]
            for odds in (1, 2, 4, 8) for town in (PLAIN, BASE)}


def test_at_even_odds_the_attack_stalls(table):
    """1:1: both lose at the same rate, and the attackers' lower tolerance stops them first (4 of 5 seeds at
    least: a seed's noise would have to give the defenders ~50 % more losses over several days to flip it)."""
    fights = table[(1, PLAIN)]
    assert sum(not f["won"] for f in fights) >= 4
    assert all(f["days"] >= 2 for f in fights)  # fought over several days, not settled by a rule on day one


def test_at_two_to_one_the_defenders_give_way(table):
    """2:1 is above the ~1.2 effective odds at which the tolerances make an assault pay off."""
    fights = table[(2, PLAIN)]
    assert all(f["won"] for f in fights)
    assert np.mean([f["attacker_loss"] for f in fights]) < np.mean([f["defender_loss"] for f in fights])


def test_at_overwhelming_odds_the_defenders_withdraw_at_once_with_light_attacker_losses(table):
    """4:1 and 8:1 exceed withdraw_odds (3) after the first day: the defenders leave; attackers lose < 0.5 %."""
    for odds in (4, 8):
        for f in table[(odds, PLAIN)]:
            assert f["won"] and f["days"] == 1
            assert f["attacker_loss"] < 0.005
    assert np.mean([f["attacker_loss"] for f in table[(8, PLAIN)]]) < np.mean(
        [f["attacker_loss"] for f in table[(4, PLAIN)]])


def test_attacker_losses_fall_as_the_odds_rise(table):
    means = [np.mean([f["attacker_loss"] for f in table[(odds, PLAIN)]]) for odds in (2, 4, 8)]
    assert means[0] > means[1] > means[2], means


def test_fortification_shifts_the_balance_by_its_factor(table):
    """A fortified defender counts `fortification` (2) times its number: at 2:1 it fights exactly like an
    unfortified one at 1:1 (same seeds, same shares lost, same outcome), and at 8:1 like one at 4:1."""
    for odds in (2, 8):
        for fortified, plain in zip(table[(odds, BASE)], table[(odds // 2, PLAIN)], strict=True):
            assert fortified["won"] == plain["won"] and fortified["days"] == plain["days"]
            assert fortified["attacker_loss"] == pytest.approx(plain["attacker_loss"], rel=1e-9)
            assert fortified["defender_loss"] == pytest.approx(plain["defender_loss"], rel=1e-9)
    assert sum(not f["won"] for f in table[(1, BASE)]) == len(SEEDS)  # 1:1 against a fortified base never pays


def column_on_the_road(jnim_nearby: float, column: float, seed: int):
    """A FAMa column setting off from Boni to Hombori, JNIM-influenced, with ``jnim_nearby`` fighters at Boni."""
    m = empty_model("ambush_rate=1", "ied_rate=0", seed=seed)
    boni, hombori = mali().node("Boni"), mali().node("Hombori")
    m.influence[[boni, hombori], GROUP_COLUMN[JNIM]] = 1.0
    m.spawn(boni, JNIM, jnim_nearby, GARRISON)
    unit = m.spawn(boni, FAMA, column, OPERATION)
    mission = Mission(FAMA, hombori, m.hubs[0], hold=False, units=[unit])
    unit.mission = mission
    m.missions.append(mission)
    unit.send([hombori])
    roads.road_attacks(m)
    return m, unit, hombori, mission.origin


def test_a_column_ambushed_by_a_much_larger_force_is_cut_up_and_turned_back():
    """6,000 fighters near the road commit 900, who count double (1,800) against 600: the column loses ~15 %
    (ambush_lethality × 1,800) on average, and over 5 % in every seed (the noise would have to cut the
    ambushers' fire to a third, a 3.7-s.d. draw), and falls back the way it came."""
    lost = []
    for seed in SEEDS:
        m, unit, _, origin = column_on_the_road(6000, 600, seed)
        lost.append(1 - unit.strength / 600)
        assert unit.mission is None and unit.route and unit.route[-1] == origin
        assert any(e[2] == "Ambush" for e in m.events)
    assert min(lost) > 0.05 and np.mean(lost) > 0.1, lost


def test_a_small_ambush_on_a_large_column_is_costly_only_to_the_ambushers():
    """100 fighters near the road commit 15 against 1,000: the column loses under 1 % and keeps going."""
    for seed in SEEDS:
        m, unit, hombori, _ = column_on_the_road(100, 1000, seed)
        assert unit.strength > 0.99 * 1000
        ambushers = [u for u in m.units if u.faction == JNIM]
        assert 1 - sum(u.strength for u in ambushers) / 100 > 1 - unit.strength / 1000
        assert unit.route == [hombori] and unit.mission is not None


def test_an_ied_costs_a_vehicle_crew_whatever_the_column():
    for size in (100, 1000):
        m = empty_model()
        v = mali().node("Boni")
        unit = m.spawn(v, FAMA, size, GARRISON)
        roads.ied(m, JNIM, [unit], v)
        assert unit.strength == pytest.approx(size - m.p.ied_casualties)


@pytest.mark.parametrize(("sides", "expect"), [
    ({FAMA: 800, JNIM: 200}, "fight"),  # the army outguns them 4:1: it attacks
    ({FAMA: 200, JNIM: 200}, "JNIM leaves"),  # neither reaches attack_odds; the army holds its base
    ({UN: 800, JNIM: 200}, "JNIM leaves"),  # the UN defends but does not assault
    ({JNIM: 300, CSP: 250}, "fight"),  # the rebels and JNIM clash when the relationship draw says so
])
def test_hostile_forces_in_one_town_end_the_day_fighting_or_one_has_left(sides, expect):
    m = empty_model("jnim_csp_cooperation=0")  # a clash is certain when JNIM and the rebels meet
    v = mali().node(BASE)
    units = {f: m.spawn(v, f, n, GARRISON) for f, n in sides.items()}
    engagements.contacts(m)
    relations.insurgent_clashes(m)
    engagements.fight(m)
    leaving = {f for f, u in units.items() if u.route}
    fighting = v in m.fights or any(e[1] == "Battles" for e in m.events)
    assert fighting or leaving, "hostile forces stood side by side"
    if expect == "fight":
        assert fighting
    else:
        assert leaving == {JNIM} and not fighting


def test_drone_strikes_support_the_states_hardest_fight_and_cost_no_ground_troops():
    m = empty_model("drone_sorties=20", "drone_civilian_risk=1")
    kita, kayes = mali().node(PLAIN), mali().node(BASE)
    fama = [m.spawn(kita, FAMA, 300, GARRISON), m.spawn(kayes, FAMA, 200, GARRISON)]
    jnim = [m.spawn(kita, JNIM, 300, GARRISON), m.spawn(kayes, JNIM, 1000, GARRISON)]
    for v, u in ((kita, jnim[0]), (kayes, jnim[1])):
        engagements.open_engagement(m, v, frozenset((JNIM,)), frozenset((FAMA,)), "Attack")
    air.drone_strikes(m)
    strikes = [e for e in m.events if e[2] == "Air/drone strike" and e[4] != "Civilians"]
    assert strikes and all(e[5] == kayes for e in strikes)  # the worse odds: 200 against 1,000
    assert jnim[1].strength == pytest.approx(1000 - len(strikes) * m.p.drone_strike_casualties)
    assert [u.strength for u in fama] == [300, 200]
    assert m.fights[kayes].lost[0] == pytest.approx(len(strikes) * m.p.drone_strike_casualties)
    assert m.cum_drone_civilian_deaths > 0 and m.grievance[kayes].any() and not m.grievance[kita].any()


def test_no_drones_no_strikes():
    from helpers import replicates
    m = replicates(overrides=("drone_sorties=0",), days=120, seeds=(0,))[0]
    assert m.cum_drone_strikes == 0 and not any(e[2] == "Air/drone strike" for e in m.events)
    assert math.isclose(m.history.metrics_frame(m)["cum_drone_strikes"].iloc[-1], 0)


def test_every_day_ends_with_hostile_forces_in_a_town_fighting_or_one_side_leaving():
    """Over a run with all six forces (ISSP fights everyone): no day ends with hostile forces standing side by side
    in a town with no engagement under way there (those leaving are on the road, not standing)."""
    m = VacuumModel(resolve("with_issp", days=200, mali=mali()), rng=0, mali=mali())
    engaged = 0
    while m.running:
        m.step()
        for v in range(m.n):
            here = engagements.standing(m, v)
            if any(m.hostile(a.faction, b.faction) for a in here for b in here):
                assert v in m.fights, (m.date, m.names[v], sorted({u.name for u in here}))
                engaged += 1
    assert engaged > 0  # the situation arises, and is resolved
