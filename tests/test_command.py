"""The army's command: it scores targets by the junta's doctrine, masses columns on hard targets or leaves them,
gives up outposts when short of troops, and the doctrine lever moves where its operations go."""

from __future__ import annotations

import numpy as np
from helpers import mali, replicates

from vacuum_sim.factions import ARMED_GROUPS, CSP, FAMA, GROUP_COLUMN, JNIM, UN, ZONES
from vacuum_sim.model import state_command
from vacuum_sim.model.model import VacuumModel
from vacuum_sim.runs.runner import resolve

THEATRE_6000 = f"fama_manpower={round(6000 / 0.36)}"  # theatre_share 0.36 of it: an army of ~6,000 in the theatre


def model(*overrides: str) -> VacuumModel:
    """The historical scenario on its first day, before any operation (every army base garrisoned, no camp vacated)."""
    return VacuumModel(resolve("historical_2023", days=30, overrides=list(overrides), mali=mali()), rng=0, mali=mali())


def vacate(m: VacuumModel, town: str) -> int:
    """The UN leaves ``town``'s camp now (by hand)."""
    v = m.mali.node(town)
    m.un_open[v], m.vacated[v] = False, True
    for u in [u for u in m.grid[v].agents if u.faction == UN]:
        m.retire(u)
    return v


def launch(m: VacuumModel) -> bool:
    """One launch decision of the command, as in ``state_operations``."""
    claim = state_command.reclaim(m, m.state_present())
    return state_command.launch_best(m, m.streams["command"], state_command.idle_reserves(m),
                                     state_command.target_values(m, claim), state_command.expected_resistance(m), claim,
                                     state_command.hub_guard(m))


def test_the_doctrine_picks_a_vacated_base_at_1_and_a_threatened_populous_town_at_0():
    """Tessalit's camp vacated, Mopti (186,000 people) and the hamlet of Ogossagou (2,000) under the same JNIM
    influence with the same few JNIM fighters in each: reclaiming only, the command goes to Tessalit; protecting
    only, to Mopti, not the hamlet."""
    for weight, expected in ((1.0, "Tessalit"), (0.0, "Mopti")):
        m = model(f"reclaim_weight={weight}", "command_noise=0")
        tessalit = vacate(m, "Tessalit")
        for town in ("Mopti", "Ogossagou"):
            m.influence[m.mali.node(town), GROUP_COLUMN[JNIM]] = 0.6
            m.spawn(m.mali.node(town), JNIM, 20, "garrison")
        value = state_command.target_values(m, state_command.reclaim(m, m.state_present()))
        assert m.names[int(np.argmax(value))] == expected
        assert value[m.mali.node("Mopti")] > value[m.mali.node("Ogossagou")] or weight == 1.0
        # The accord keeps counter-insurgency out of the rebels' zone, not the reclaiming of a vacated camp.
        assert m.influence[tessalit, GROUP_COLUMN[CSP]] >= m.p.rebel_zone_influence
        assert (value[tessalit] > 0) == (weight > 0)
        assert launch(m)
        assert [m.names[x.target] for x in m.missions] == [expected]


def test_a_town_its_own_garrison_guards_is_no_target_until_hostile_fighters_stand_there():
    """Mopti under heavy JNIM influence: with only the army standing there, protecting it is its garrison's work and
    worth no column; once JNIM fighters stand in the town, it is a target."""
    m = model("reclaim_weight=0", "command_noise=0")
    mopti = m.mali.node("Mopti")
    m.influence[mopti, GROUP_COLUMN[JNIM]] = 0.9
    assert m.state_present()[mopti] and state_command.protect(m)[mopti] > 0
    value = lambda: state_command.target_values(m, state_command.reclaim(m, m.state_present()))[mopti]
    assert value() == 0.0
    m.spawn(mopti, JNIM, 20, "garrison")
    assert value() > 0.0


def test_the_command_sets_off_for_a_closing_camp_in_time_to_be_there_before_the_un_leaves():
    """Ber's camp closes on a published date: it becomes a camp to take over once the journey from the nearest
    hub plus ``handover_lead_days`` covers the days left, not before."""
    m = model("reclaim_weight=1")
    ber = m.mali.node("Ber")
    closing = next(day for day, towns in m.closures.items() if ber in towns)
    lead = min(m.travel_days(h, ber) for h in m.hubs) + m.p.handover_lead_days
    m.day = int(np.ceil(closing - lead)) - 1  # the last day before it counts
    assert state_command.reclaim(m, m.state_present())[ber] == 0.0
    m.day += 1
    assert state_command.reclaim(m, m.state_present())[ber] == 1.0 and m.un_open[ber]


def test_a_hard_target_gets_columns_from_several_hubs_that_set_off_together():
    """Kidal's vacated camp held by ~650 rebels (fortified): one column (600 army, 200 Wagner) is not enough,
    so columns from two or more hubs assemble at the nearest, then leave for Kidal together."""
    m = model("reclaim_weight=1", "command_noise=0")
    kidal = vacate(m, "Kidal")
    need = m.p.attack_odds * state_command.expected_resistance(m)[kidal]
    assert need > m.p.operation_size * m.p.effectiveness[FAMA] + m.p.wagner_per_operation * m.p.effectiveness[1]
    assert launch(m)
    (mission,) = m.missions
    assert mission.target == kidal and mission in m.assembling
    hubs = {u.node for u in mission.units}
    assert len(hubs) >= 2 and hubs <= set(m.hubs)
    assert sum(u.strength * m.p.effectiveness[u.faction] for u in mission.units) >= need
    while mission in m.assembling:
        assert all(u.node != kidal for u in mission.units)  # nobody goes ahead alone
        m.step()
    assert {u.node for u in mission.units} == {m.assembling.get(mission, mission.origin)}
    assert all(u.route and u.route[-1] == kidal for u in mission.units)


def test_a_target_the_army_cannot_mass_for_is_left_for_the_next():
    """Kidal held by more rebels than the whole theatre army could outgun: no column goes, no outpost is given
    up for it, and the command takes the next target (Tessalit's vacated camp)."""
    m = model("reclaim_weight=1", "command_noise=0")
    kidal, tessalit = vacate(m, "Kidal"), vacate(m, "Tessalit")
    for u in [u for u in m.grid[kidal].agents if u.faction == CSP]:
        u.strength *= 40
    assert launch(m)
    assert [x.target for x in m.missions] == [tessalit]
    assert m.cum_outposts_given_up == 0


def test_short_of_troops_the_army_gives_up_outposts_and_still_operates():
    """At ~6,000 in the theatre every soldier starts in a garrison; the command gives up its least valuable
    outposts, never a hub, and operations are launched in every seed, differently from seed to seed."""
    runs = replicates(days=90, overrides=(THEATRE_6000,), seeds=(0, 1, 2, 3, 4))
    assert runs[0].presence[:, FAMA].sum() < 6000 * 1.05
    ops = [m.history.metrics_frame(m)[[f"new_ops_{z}" for z in ZONES]].sum(axis=1).to_numpy() for m in runs]
    for m, daily in zip(runs, ops, strict=True):
        given_up = [e for e in m.events if e[2] == "Non-violent transfer of territory" and e[3] == "FAMa"]
        assert m.cum_outposts_given_up == len(given_up) > 0
        assert not {e[5] for e in given_up} & set(m.hubs)
        assert daily.sum() >= 3
    assert len({tuple(np.flatnonzero(d)) for d in ops}) == len(runs)  # operations on different days in each seed


def test_the_doctrine_moves_operations_from_the_centre_to_the_north():
    """Pooled over 6 seeds to 31 October 2023, the north's share of the north's and centre's operations rises
    with reclaim_weight (0 → 0.5 → 1).  Measured over 8 seeds: 0.22, 0.33, 0.54; the pooled share of ~45
    operations a run has a seed-to-seed standard error of about 0.04 at 6 seeds, so each step (≥ 0.1) is asked
    to exceed 0.02, not to match."""
    shares = []
    for weight in (0.0, 0.5, 1.0):
        runs = replicates(days=213, overrides=(f"reclaim_weight={weight}",), seeds=tuple(range(6)))
        north = sum(m.history.metrics_frame(m).new_ops_north.sum() for m in runs)
        centre = sum(m.history.metrics_frame(m).new_ops_centre.sum() for m in runs)
        shares.append(north / (north + centre))
    assert shares[0] + 0.02 < shares[1] and shares[1] + 0.02 < shares[2], shares


def test_columns_due_for_a_handover_within_planning_days_are_not_spent_on_a_smaller_target():
    """One army column left, at Timbuktu, and no armed group but a JNIM band at Niafunké nearby: while Ber's camp is
    due for handover within ``planning_days``, the command keeps the column for it; without planning it goes after
    the band (Niafunké or Diré beside it, closer to the hub)."""
    for planning, expected in ((30, []), (0, ["Diré"])):
        m = model("reclaim_weight=0.6", "command_noise=0", f"planning_days={planning}")
        timbuktu, ber, niafunke = (m.mali.node(t) for t in ("Timbuktu", "Ber", "Niafunké"))
        reserves = state_command.idle_reserves(m)
        column = reserves[(FAMA, timbuktu)][: m.p.operation_size // m.p.unit_size]
        for u in [u for us in reserves.values() for u in us if u not in column]:
            m.retire(u)
        for u in [u for u in m.units if u.faction in ARMED_GROUPS]:
            m.retire(u)
        m.influence[:] = 0.0
        m.influence[niafunke, GROUP_COLUMN[JNIM]] = 0.6
        m.spawn(niafunke, JNIM, 20, "garrison")
        m.day = int(m.handover_from[ber]) - 10
        assert 0 < state_command.target_values(m, state_command.reclaim(m, m.state_present()))[niafunke] < 0.6
        launch(m)
        assert [m.names[x.target] for x in m.missions] == expected
