"""Missions from order to end: dispatch, a day on target (counting, abuses, the fight), holding what was
taken, and the way home for the rest."""

from __future__ import annotations

import math

from vacuum_sim.factions import FACTIONS, FAMA, GROUP_COLUMN, STATE, UN
from vacuum_sim.model import combat, population, relations
from vacuum_sim.model.agents import CONVOY, GARRISON, RESERVE, WITHDRAW, ForceUnit, Mission


def dispatch(model, mission: Mission, units: list[ForceUnit], task: str) -> None:
    """Give ``units`` the mission and set each off towards its target."""
    model.missions.append(mission)
    for u in units:
        u.task, u.mission = task, mission
        mission.units.append(u)
        if u.node != mission.target:
            u.send(model.route(u.node, mission.target))


def engagements(model) -> None:
    """Missions whose units stand on their target act there; missions without units end."""
    for mission in list(model.missions):
        on_target = [u for u in mission.units if u.node == mission.target and not u.route]
        if not on_target:
            if not mission.units:
                model.missions.remove(mission)
            continue
        conduct(model, mission, on_target)


def conduct(model, mission: Mission, on_target: list[ForceUnit]) -> None:
    """One day of a mission on its target: open it (count it), fight defenders, end it when due."""
    p, v = model.p, mission.target
    if not mission.started:
        mission.started = True
        if mission.side in STATE:
            model.ops_today[model.zone[v]] += 1
            model.log("Battles", "Government operation", "/".join(sorted({u.name for u in on_target})), "", v)
            relations.operation_reaches(model, v)
    defenders = [u for u in model.grid[v].agents
                 if isinstance(u, ForceUnit) and u.mission is not mission and not u.route
                 and model.hostile(mission.side, u.faction)]
    if defenders:
        won = combat.battle(model, v, on_target, defenders, "Armed clash" if mission.side in STATE else "Attack")
        if mission.side not in STATE:
            relations.record_strike(model, mission.side, v)
            relations.partner_strike(model, mission.side, v)
        if not won:
            if mission in model.missions:
                end_mission(model, mission, success=False)
            return
    if mission.side in STATE:
        population.operation_cut(model, v)
        mission.days_on_target += 1
        if mission.days_on_target >= p.operation_days:
            end_mission(model, mission, success=True)
    else:
        model.captures[mission.side] += 1
        model.log("Strategic developments", "Non-state actor overtakes territory", FACTIONS[mission.side], "", v)
        end_mission(model, mission, success=True)


def end_mission(model, mission: Mission, success: bool) -> None:
    """Leave a garrison if the mission was to hold the town; send the rest back to the nearest hub or home."""
    model.missions.remove(mission)
    units = [u for u in mission.units if u.strength >= 1.0]
    keep = []
    if success and mission.hold:
        if mission.side in STATE:
            n = max(1, math.ceil(model.p.garrison_size / model.p.unit_size))
            keep = [u for u in units if u.faction == FAMA][:n] or units[:n]
            model.is_army_base[mission.target] = True  # a held town becomes an army base (fortified, to be kept)
        else:
            keep = units
    for u in units:
        u.mission = None
        if u in keep:
            u.task = GARRISON
            continue
        fall_back(model, u, model.nearest_hub(u.node) if u.faction in STATE else mission.origin)


def retreat(model, u: ForceUnit) -> None:
    """Break off: state forces fall back to the nearest hub, others to where they came from or their strongest neighbour."""
    mission = u.mission
    if mission is not None:
        mission.units.remove(u)
    if u.faction in STATE or u.faction == UN:
        home = model.nearest_hub(u.node)
    elif mission is not None:
        home = mission.origin
    else:
        home = max(model.grid.G[u.node], key=lambda w: model.influence[w, GROUP_COLUMN[u.faction]])  # a safe haven
    fall_back(model, u, home)


def fall_back(model, unit: ForceUnit, home: int) -> None:
    """Send a unit off its mission to ``home``, travelling as a convoy, a reserve once there."""
    unit.mission = None
    if home == unit.node:
        unit.task = RESERVE
    else:
        unit.task = CONVOY
        unit.send(model.route(unit.node, home))


def arrived(model, unit: ForceUnit) -> None:
    """A unit reached the end of its route: UN convoys repatriate, convoys become reserves, others wait to fight."""
    if unit.task == WITHDRAW:
        model.retire(unit)
    elif unit.task == CONVOY:
        unit.task = RESERVE
