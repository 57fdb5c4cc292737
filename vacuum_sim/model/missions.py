"""Missions from order to end: dispatch, a day on target (counting, abuses, the fight), holding what was
taken, and the way home for the rest."""

from __future__ import annotations

import math

from vacuum_sim.factions import FACTIONS, FAMA, GROUP_COLUMN, STATE, UN
from vacuum_sim.model import engagements, population, relations
from vacuum_sim.model.agents import CONVOY, GARRISON, RESERVE, WITHDRAW, ForceUnit, Mission


def dispatch(model, mission: Mission, units: list[ForceUnit], task: str) -> None:
    """Give ``units`` the mission and set each off towards its target."""
    model.missions.append(mission)
    for u in units:
        u.task, u.mission = task, mission
        mission.units.append(u)
        if u.node != mission.target:
            u.send(model.route(u.node, mission.target))


def on_target(mission: Mission) -> list[ForceUnit]:
    return [u for u in mission.units if u.node == mission.target and not u.route]


def assaults(model) -> None:
    """Missions whose units stand on their target open it (count, abuses) and assault any hostile defenders."""
    for mission in list(model.missions):
        here = on_target(mission)
        if not here:
            if not mission.units:
                model.missions.remove(mission)
            continue
        v = mission.target
        if not mission.started:
            mission.started = True
            if mission.side in STATE:
                model.ops_today[model.zone[v]] += 1
                model.log("Battles", "Government operation", "/".join(sorted({u.name for u in here})), "", v)
        if v in model.fights:
            relations.join_fight(model, mission, model.fights[v])  # an ally's fight: join the attackers
            continue  # a fight is already under way there: the mission's units join their side's
        enemies = frozenset(u.faction for u in engagements.standing(model, v) if model.hostile(mission.side, u.faction))
        if enemies:
            engagements.open_engagement(model, v, engagements.camp(mission.side), enemies,
                                        "Armed clash" if mission.side in STATE else "Attack", mission)
            if mission.side not in STATE:
                relations.record_strike(model, mission.side, v)


def advance(model) -> None:
    """Missions standing on a target cleared of hostile forces act there: operations count their days on
    target (cutting insurgent influence), armed groups take the town."""
    p = model.p
    for mission in list(model.missions):
        v = mission.target
        if not on_target(mission) or v in model.fights:
            continue
        if any(model.hostile(mission.side, u.faction) for u in engagements.standing(model, v)):
            continue  # hostile forces still stand there: nothing is taken or cleared until they are gone
        if mission.side in STATE:
            population.operation_cut(model, v)
            mission.days_on_target += 1
            if mission.days_on_target >= p.operation_days:
                end_mission(model, mission, success=True)
        elif relations.ally_holds(model, mission):
            end_mission(model, mission, success=False)  # the partner holds it: taken together, taken once
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
    """Break off: state and UN forces fall back to the nearest other hub, armed groups to where their mission
    came from or, otherwise, to a safe haven."""
    mission = u.mission
    if mission is not None:
        mission.units.remove(u)
    if u.faction in STATE or u.faction == UN:
        home = min((h for h in model.hubs if h != u.node), key=lambda h: model.travel_days(u.node, h))
    elif mission is not None:
        home = mission.origin
    else:
        home = haven(model, u)
    fall_back(model, u, home)


def turn_back(model, u: ForceUnit) -> None:
    """A column stopped on its way falls back the way it came, to where its mission set out from."""
    origin = u.mission.origin
    u.mission.units.remove(u)
    fall_back(model, u, origin)


def haven(model, u: ForceUnit) -> int:
    """The nearest safe town: the neighbour where the unit's group is most influential among those where no
    hostile force stands, else the same within ``strike_reach``, else the most influential neighbour."""
    col = GROUP_COLUMN[u.faction]
    # towns where a faction hostile to the unit stands (a boolean matrix-vector product is an "any")
    enemy_there = (model.forces.present @ relations.ENEMIES[model.csp_at_war][u.faction]).tolist()

    def safe(towns):
        return [w for w in towns if w != u.node and not enemy_there[w]]

    towns = safe(model.grid.G[u.node]) or safe(model.reach[u.node]) or list(model.grid.G[u.node])
    return max(towns, key=lambda w: model.influence[w, col])


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
