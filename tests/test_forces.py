"""Force generation and accounting: the state's forces add up, Wagner is topped up, depleted units merge,
per-1,000 metrics follow the census, and without recruitment the state's forces only shrink."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from helpers import mali, replicates

from vacuum_sim.factions import FACTIONS, FAMA, WAGNER, ZONES
from vacuum_sim.inputs.geography import data_dir
from vacuum_sim.model import forces
from vacuum_sim.model.agents import CONVOY, RESERVE
from vacuum_sim.model.metrics import BENCHMARK_PER_1000
from vacuum_sim.model.model import VacuumModel
from vacuum_sim.runs.runner import resolve

DAYS = 400  # past the first trained cohorts (training_days = 180) and the UN's last closures


def frame(model):
    return model.history.metrics_frame(model)


def test_state_strength_follows_recruitment_and_losses():
    """Theatre: start + new units − losses − stood down = now; in all: start + enlisted − losses = now, every day."""
    m = replicates(days=DAYS, seeds=(0,))[0]
    f = frame(m)
    theatre = f.n_strength_FAMa.iloc[0] + f.cum_reinforcements_FAMa - f.cum_losses_FAMa - f.cum_stood_down_FAMa
    np.testing.assert_allclose(f.n_strength_FAMa, theatre, rtol=1e-9, atol=1e-6)
    total = f.n_state_forces.iloc[0] + f.cum_state_enlisted - f.cum_losses_FAMa
    np.testing.assert_allclose(f.n_state_forces, total, rtol=1e-9, atol=1e-6)
    parts = f.n_strength_FAMa + f.n_state_rear + f.n_state_trainees
    np.testing.assert_allclose(f.n_state_forces, parts, rtol=1e-9, atol=1e-6)
    p = m.p
    assert f.n_state_forces.iloc[0] == p.fama_manpower
    assert f.n_strength_FAMa.iloc[0] == pytest.approx(p.theatre_share * p.fama_manpower)
    # Both flows act: losses are replaced by trained recruits, who reach the theatre only after training.
    assert f.cum_losses_FAMa.iloc[-1] > 1000 and f.cum_reinforcements_FAMa.iloc[-1] > 1000
    assert (f.cum_reinforcements_FAMa.iloc[: p.training_days] == 0).all()
    # Enlistment never exceeds the training capacity.
    assert f.cum_state_enlisted.diff().max() <= p.training_capacity + 1e-9


def test_new_units_appear_at_hubs_as_reserves():
    m = VacuumModel(resolve("historical_2023", days=DAYS, mali=mali()), rng=3, mali=mali())
    seen = {u.unique_id for u in m.units}
    new = 0
    while m.running:
        m.step()
        for u in m.units:
            if u.unique_id not in seen and u.faction in (FAMA, WAGNER):
                # a reserve, or already falling back: the day's contacts may send it off a hub where hostile forces stand
                assert u.node in m.hubs and u.task in (RESERVE, CONVOY), (m.day, FACTIONS[u.faction], m.names[u.node],
                                                                           u.task)
                new += 1
        seen |= {u.unique_id for u in m.units}
    assert new >= 20


def test_wagner_stays_near_its_ceiling_over_1000_days():
    """Tolerance: a rotation takes wagner_rotation_days and is ordered in pieces of at least the merge floor, so the
    contingent dips after heavy losses; over 1,000 days it stays within 20 % of the ceiling on average, never above."""
    for m in replicates(days=1000, seeds=(0, 1)):
        wagner = frame(m).n_strength_Wagner
        ceiling = m.p.wagner_manpower
        assert wagner.max() <= ceiling + 1e-6
        assert wagner.iloc[m.p.wagner_rotation_days:].mean() >= 0.8 * ceiling, wagner.describe()
        assert wagner.iloc[-100:].min() >= 0.5 * ceiling
        assert frame(m).cum_losses_Wagner.iloc[-1] > 0.5 * ceiling  # the rotation replaced real losses


def _depleted_left_standing(overrides: tuple[str, ...], days: int = 300) -> tuple[int, int]:
    """(unit-days a depleted unit stood idle or on a mission at the end of a day, unit-days it was on the road)."""
    m = VacuumModel(resolve("historical_2023", days=days, overrides=list(overrides), mali=mali()), rng=1, mali=mali())
    least = 0.5 * m.p.unit_size  # the default floor, to compare runs with and without merging
    standing = travelling = 0
    while m.running:
        m.step()
        for u in m.units:
            if u.faction in forces.MERGING and u.strength < least:
                if u.route and u.mission is None:  # on its way (a convoy home, a reserve to its hub): merges there
                    travelling += 1
                else:
                    standing += 1
    return standing, travelling


def test_no_depleted_unit_stays_in_the_field():
    """After each day no unit below the merge floor stands idle or on a mission: it merged or is on its way to."""
    standing, travelling = _depleted_left_standing(())
    assert standing == 0
    assert travelling > 0  # the rule acted: fragments did arise and went to join others
    unmerged, _ = _depleted_left_standing(("merge_below=0",))
    assert unmerged > 100  # without merging, fragments linger (so the check above can fail)


def _zone_population() -> dict[str, float]:
    """By hand from the two data files: each region's census figure to the zone of its towns, a region with towns
    in two zones split by the towns' populations."""
    with (data_dir() / "towns.csv").open(encoding="utf-8") as fh:
        towns = list(csv.DictReader(fh))
    with (data_dir() / "regions_population_2022.csv").open(encoding="utf-8") as fh:
        census = {r["region"]: float(r["population_2022"]) for r in csv.DictReader(fh)}
    out = dict.fromkeys(ZONES, 0.0)
    for region, people in census.items():
        mine = [t for t in towns if t["region"] == region]
        total = sum(float(t["population"]) for t in mine)
        for t in mine:
            out[t["zone"]] += people * float(t["population"]) / total
    return out


def test_per_1000_metrics_follow_the_census_table():
    pop = _zone_population()
    assert sum(pop.values()) == pytest.approx(22_395_490)
    assert pop["north"] == pytest.approx(974_278 + 100_358 + 727_517 + 83_194 + 318_876)  # Tombouctou … Ménaka
    m = replicates(days=DAYS, seeds=(0,))[0]
    f = frame(m).iloc[-1]
    zone = np.array([m.mali.graph.nodes[v]["zone"] for v in range(m.n)])
    for z in ZONES:
        state = m.presence[zone == z][:, [FAMA, WAGNER]].sum()
        security = state + m.presence[zone == z][:, FACTIONS.index("UN")].sum()
        assert f[f"state_per_1000_{z}"] == pytest.approx(1000 * state / pop[z])
        assert f[f"security_per_1000_{z}"] == pytest.approx(1000 * security / pop[z])
    assert f.state_per_1000_national == pytest.approx(1000 * m.presence[:, [FAMA, WAGNER]].sum() / 22_395_490)


def test_zero_recruitment_means_the_state_forces_only_shrink():
    for m in replicates(days=DAYS, overrides=("training_capacity=0",), seeds=(0, 1)):
        f = frame(m)
        assert f.cum_state_enlisted.iloc[-1] == 0 and f.cum_reinforcements_FAMa.iloc[-1] == 0
        assert (f.n_strength_FAMa.diff().dropna() <= 1e-6).all()
        assert (f.n_state_forces.diff().dropna() <= 1e-6).all()
        assert f.n_strength_FAMa.iloc[-1] < f.n_strength_FAMa.iloc[0] - 1000


def test_no_armed_groups_means_no_troops_needed():
    """Force-to-space counts people where armed groups are active; with none, nobody needs securing."""
    none = ("jnim_fighters=0", "csp_fighters=0", "issp_fighters=0")
    f = frame(replicates(days=60, overrides=none, seeds=(0,))[0])
    assert (f.n_troops_needed == 0).all()
    base = frame(replicates(days=60, seeds=(0,))[0])
    assert (base.n_troops_needed > 0).all()
    assert (base.n_troops_needed <= BENCHMARK_PER_1000 * 22_395_490 / 1000).all()
