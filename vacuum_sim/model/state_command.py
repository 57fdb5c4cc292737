"""The state's command: each day it scores every town as a target, masses columns from its finite reserves on the
best it can take, and gives up its least valuable outposts when it is short of troops.

The junta's doctrine is one lever, ``reclaim_weight`` (0: protect the towns only … 1: reclaim the camps only):

    value(v) = reclaim_weight × reclaim(v) + (1 − reclaim_weight) × protect(v)

- ``reclaim(v)`` is the state's sovereignty claim: 1 for a UN camp the state does not hold that the UN has vacated
  or, by its published timetable, will vacate before a column could be there ``handover_lead_days`` early, and,
  once the rebels are at war, for a town they hold;
- ``protect(v)`` is the threat hostile armed groups pose to the town's people: their influence in the town or, if
  larger, on average next to it (from ``ct_target_min`` up) × pop / (pop + ``protect_pop``).  A base an armed group
  has overrun is a town to protect like any other.  As a target, a town where the state's forces stand with no
  hostile fighters is worth no protection: its garrison stands guard there already.  While the 2015 accord holds,
  the army's counter-insurgency keeps out of the rebels' zone (taking over a UN camp is not excluded).

A target's score is its value per day the column is tied up (the journey there and back from the nearest hub with
reserves, and ``operation_days`` on target); the command's estimate of each score is off by a log-normal error of
spread ``command_noise`` and it picks the best estimate.  It goes only where it can mass ``attack_odds`` times the
expected resistance (the armed groups' effective strength standing there, ``fortification`` times in a vacated
camp): a hard target gets several columns from several hubs, which assemble at the nearest of them first.  When it
cannot mass enough for the target it picked, it gives up outposts worth less than that target (least valuable
first; never a supply hub) until their garrisons would cover the shortfall, and waits for them; if even that
cannot cover it, it picks the next target.  It plans ``planning_days`` ahead on the UN's published timetable: the
columns the camps due for handover within that window will need are kept back, and a target worth less than a camp
may not take them (it looks for one the remaining reserves can mass for).  ``ops_per_month`` caps the tempo of the
default army in the theatre; the cap grows and shrinks in proportion to the army there (:func:`tempo`).
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np

from vacuum_sim.factions import (
    ARMED_GROUPS,
    CSP,
    FACTIONS,
    FAMA,
    GROUP_COLUMN,
    STATE,
    WAGNER,
)
from vacuum_sim.inputs.params import BY_NAME, DAYS_PER_MONTH
from vacuum_sim.model import missions
from vacuum_sim.model.agents import CONVOY, GARRISON, OPERATION, RESERVE, Mission

GROUPS = list(ARMED_GROUPS)
TEMPO_REFERENCE = BY_NAME["fama_manpower"].default * BY_NAME["theatre_share"].default  # the army ops_per_month is for


def setup(model) -> None:
    """The command's own state: missions assembling at a hub, travel days from each hub, outposts given up."""
    model.assembling: dict[Mission, int] = {}  # massed mission -> the hub where its columns assemble
    model.hub_days = np.array([[model.travel_days(h, v) for v in range(model.n)] for h in model.hubs])
    # For each town, the hubs from the nearest (the order columns are mustered in).
    model.hub_order = [[model.hubs[i] for i in np.argsort(model.hub_days[:, v], kind="stable")] for v in range(model.n)]
    model.cum_outposts_given_up = 0
    # The day from which each closing UN camp counts as a claim: its published closure less the journey from the
    # nearest hub and handover_lead_days (never for a camp that does not close).
    closing_day = np.full(model.n, np.inf)
    for day, towns in model.closures.items():
        closing_day[towns] = day
    model.handover_from = closing_day - model.hub_days.min(axis=0) - model.p.handover_lead_days
    g, reach = model.grid.G, model.p.strike_reach
    # The towns from which hostile fighters could close on each hub while a column is away; the seat of government,
    # whose fall would end the regime, is watched twice as far out.
    model.hub_watch = {h: sorted(nx.single_source_shortest_path_length(g, h, cutoff=reach * (2 if g.nodes[h]["capital"]
                                                                                             else 1))) for h in model.hubs}


def state_operations(model) -> None:
    """Send off assembled columns, then launch Poisson(:func:`tempo` / month) operations while reserves last."""
    set_off_assembled(model)
    rng = model.streams["command"]
    launches = rng.poisson(tempo(model.p) / DAYS_PER_MONTH)
    if launches == 0:
        return
    reserves = idle_reserves(model)
    claim = reclaim(model, model.state_present())
    value, resistance = target_values(model, claim), expected_resistance(model)
    guard = hub_guard(model)  # what each hub keeps for its own defence: its garrison and the threat hold all day
    for _ in range(launches):
        if not launch_best(model, rng, reserves, value, resistance, claim, guard):
            return


def tempo(p) -> float:
    """Operations a month: ``ops_per_month`` for the default army in the theatre, in proportion to the army there
    (a larger army has the staff, transport and air to run more columns at once)."""
    return p.ops_per_month * (p.fama_manpower * p.theatre_share) / TEMPO_REFERENCE


# ---------------------------------------------------------------------------------------------- what it sees


def hostile_groups(model) -> list[int]:
    return [g for g in ARMED_GROUPS if model.hostile(FAMA, g)]


def protect(model) -> np.ndarray:
    """The threat hostile armed groups pose to each town's people (see the module docstring)."""
    p = model.p
    cols = [GROUP_COLUMN[g] for g in hostile_groups(model)]
    influence = model.influence[:, cols].sum(axis=1) if cols else np.zeros(model.n)
    threat = np.maximum(influence, model.neighbour_mean(influence))
    threat = np.where(threat >= p.ct_target_min, np.minimum(threat, 1.0), 0.0)
    return threat * model.population / (model.population + p.protect_pop)


def reclaim(model, held: np.ndarray) -> np.ndarray:
    """1 for a UN camp the state does not hold that the UN has vacated or, by its published timetable, will vacate
    before a column from the nearest hub could be there ``handover_lead_days`` early; and for a rebel-held town
    at war."""
    out = ~held & (model.vacated | (model.day >= model.handover_from))
    if model.csp_at_war:
        out |= model.controller == CSP
    return out.astype(float)


def target_values(model, claim: np.ndarray) -> np.ndarray:
    """Today's value of each town as a target (0 where there is nothing to gain or the accord keeps the army out),
    given ``claim``, the towns to reclaim (:func:`reclaim`)."""
    p = model.p
    w = p.reclaim_weight
    guard = protect(model)
    if not model.csp_at_war:  # the 2015 accord: no counter-insurgency in the rebels' zone
        guard[(model.influence[:, GROUP_COLUMN[CSP]] >= p.rebel_zone_influence) | (model.controller == CSP)] = 0.0
    guarded = model.state_present() & ~(model.presence[:, hostile_groups(model)] > 0).any(axis=1)
    guard[guarded] = 0.0  # its garrison stands guard there already
    value = w * claim + (1 - w) * guard
    value[[m.target for m in model.missions]] = 0.0
    return value


def expected_resistance(model) -> np.ndarray:
    """Armed groups' effective strength standing in each town, ``fortification`` times in a vacated camp."""
    eff = model.presence[:, GROUPS] @ model.p.effectiveness[GROUPS]
    return eff * np.where(model.vacated, model.p.fortification, 1.0)


def idle_reserves(model) -> dict[tuple[int, int], list]:
    """(faction, town) -> the state's idle reserve units there."""
    out: dict[tuple[int, int], list] = {}
    for u in model.units:
        if u.faction in STATE and u.task == RESERVE and u.idle:
            out.setdefault((u.faction, u.node), []).append(u)
    return out


# ---------------------------------------------------------------------------------------------- deciding


def launch_best(model, rng, reserves: dict, value: np.ndarray, resistance: np.ndarray, claim: np.ndarray,
                guard: dict[int, float]) -> bool:
    """Launch one operation on the best target it can mass for, consolidating if short; False if it launched none.
    ``guard`` is what each hub keeps for its own defence (:func:`hub_guard`)."""
    p = model.p
    hubs = [i for i, h in enumerate(model.hubs) if reserves.get((FAMA, h))]
    days = model.hub_days[hubs].min(axis=0) if hubs else model.hub_days.min(axis=0)
    score = value / ((2 * days + p.operation_days) / p.operation_days)
    score *= rng.lognormal(0.0, p.command_noise, model.n) if p.command_noise > 0 else 1.0
    pool, spare, planned = available(model, reserves, guard), None, False
    for v in np.argsort(-score, kind="stable"):
        if score[v] <= 0:
            return False
        need = p.attack_odds * resistance[v]
        columns = muster(model, pool, int(v), need)
        if columns is not None and value[v] < p.reclaim_weight:  # worth less than a camp: not its columns
            if not planned:
                spare, planned = spare_after_handovers(model, reserves, resistance, guard), True
            if spare is not None and muster(model, spare, int(v), need) is None:
                continue
        if columns is not None:
            send(model, int(v), columns, reserves, bool(claim[v]))
            value[v] = 0.0
            return True
        # Short: count the troops already coming back, then give up outposts for the rest (one army column at least).
        total, army = massable(model, reserves)
        shortfall = max(need - total, (p.operation_size - army) * p.effectiveness[FAMA])
        if shortfall <= 0 or consolidate(model, shortfall, value[v]):
            return False  # the troops are on their way: the command waits for them
    return False


def massable(model, reserves: dict) -> tuple[float, float]:
    """Effective strength of the state's idle reserves and of its units on their way back to a hub; and the
    army's personnel among them."""
    eff = model.p.effectiveness
    units = [u for us in reserves.values() for u in us]
    units += [u for u in model.units if u.faction in STATE and u.task == CONVOY and u.mission is None]
    return sum(u.strength * eff[u.faction] for u in units), sum(u.strength for u in units if u.faction == FAMA)


def spare_after_handovers(model, reserves: dict, resistance: np.ndarray, guard: dict[int, float]) -> tuple | None:
    """The pool (:func:`available`) left once the columns for the UN camps due for handover within
    ``planning_days`` are kept back (each camp's columns mustered as if it were the target, soonest handover
    first); None when no handover is due."""
    p = model.p
    due = np.flatnonzero((model.handover_from > model.day) & (model.handover_from <= model.day + p.planning_days))
    if not len(due):
        return None
    spare = army, wagner = available(model, reserves, guard)
    for v in sorted(due, key=lambda v: (model.handover_from[v], v)):
        columns = muster(model, spare, int(v), p.attack_odds * resistance[v])
        for _, units in columns or ():
            for u in units:
                (wagner if u.faction == WAGNER else army)[u.node].remove(u)
    return spare


def available(model, reserves: dict, guard: dict[int, float]) -> tuple[dict, dict]:
    """The pool :func:`muster` draws on: each hub's idle army units less the reserve its own defence needs
    (``guard``, :func:`hub_guard`), and each hub's idle Wagner units."""
    eff = model.p.effectiveness[FAMA]
    fama = {h: list(reserves.get((FAMA, h), ())) for h in model.hubs}
    for h, keep in guard.items():
        while fama[h] and keep > 0:
            keep -= fama[h].pop().strength * eff
    return fama, {h: list(reserves.get((WAGNER, h), ())) for h in model.hubs}


def muster(model, pool: tuple[dict, dict], v: int, need: float) -> list[tuple[int, list]] | None:
    """Columns (hub, units) from the hubs nearest ``v`` until their effective strength reaches ``need``
    (at least one column), drawn from ``pool`` (:func:`available`); None if the whole pool cannot reach it.
    Each column takes ``operation_size`` of the army from one hub and up to ``wagner_per_operation`` of Wagner
    from its nearest reserves."""
    fama, wagner_at = pool
    p, eff = model.p, model.p.effectiveness
    per_column = max(1, math.ceil(p.operation_size / p.unit_size))
    per_wagner = math.ceil(p.wagner_per_operation / p.unit_size)
    order = model.hub_order[v]
    wagner = [u for h in order for u in wagner_at[h]]
    columns, own, w = [], 0.0, 0
    for h in order:
        army, i = fama[h], 0
        while i < len(army) and (not columns or own < need):
            units = army[i:i + per_column] + wagner[w:w + per_wagner]
            i, w = i + per_column, w + per_wagner
            own += sum(u.strength * eff[u.faction] for u in units)
            columns.append((h, units))
        if columns and own >= need:
            return columns
    return None


def hub_guard(model) -> dict[int, float]:
    """Effective reserve each hub keeps back: with its garrison, fortified, strong enough that the hostile fighters
    who could close on it while a column is away (within ``strike_reach``; twice that around the capital) cannot
    assault it at ``attack_odds``."""
    p, eff = model.p, model.p.effectiveness
    hostile = hostile_groups(model)
    enemy = model.presence[:, hostile] @ eff[hostile] if hostile else np.zeros(model.n)
    out = {}
    for h, watch in model.hub_watch.items():
        near = enemy[watch].sum()
        if near > 0:
            # Only its garrison stays: columns assembling or passing through are about to leave.
            garrison = sum(u.strength * eff[u.faction] for u in model.grid[h].agents
                           if u.faction in STATE and u.task == GARRISON)
            out[h] = near / (p.attack_odds * p.fortification) - garrison
    return out


def send(model, v: int, columns: list[tuple[int, list]], reserves: dict, reclaiming: bool) -> None:
    """Dispatch the mission: one column goes straight; several assemble at the nearest hub, then go together."""
    p = model.p
    for _, units in columns:
        for u in units:
            reserves[(u.faction, u.node)].remove(u)
    origin = columns[0][0]
    units = [u for _, us in columns for u in us]
    # Reclaim targets are held; elsewhere the army clears and holds when the reserves left still allow it.
    spare = sum(u.strength for (f, _), us in reserves.items() if f == FAMA for u in us)
    hold = reclaiming or spare >= p.operation_size + p.garrison_size
    mission = Mission(FAMA, v, origin, hold)
    if len(columns) == 1:
        missions.dispatch(model, mission, units, OPERATION)
        return
    model.missions.append(mission)
    model.assembling[mission] = origin
    for u in units:
        u.task, u.mission = OPERATION, mission
        mission.units.append(u)
        if u.node != origin:
            u.send(model.route(u.node, origin))


def set_off_assembled(model) -> None:
    """Massed missions whose columns have all reached their assembly hub set off for the target together."""
    for mission, hub in list(model.assembling.items()):
        if not mission.units or mission not in model.missions:
            del model.assembling[mission]
        elif all(u.node == hub and not u.route for u in mission.units):
            del model.assembling[mission]
            for u in mission.units:
                u.send(model.route(hub, mission.target))


def consolidate(model, shortfall: float, worth: float) -> bool:
    """Give up outposts worth less than ``worth`` (least valuable first, never a hub) until their garrisons cover
    ``shortfall`` of effective strength; their units fall back to the nearest hub.  False if they cannot."""
    w, eff = model.p.reclaim_weight, model.p.effectiveness
    keep = w * model.vacated + (1 - w) * protect(model)  # what holding each outpost is worth (same value function)
    garrisons: dict[int, list] = {}
    for u in model.units:
        if u.faction in STATE and u.task == GARRISON and u.idle:
            garrisons.setdefault(u.node, []).append(u)
    hostile = model.presence[:, hostile_groups(model)].sum(axis=1) > 0
    outposts = sorted((v for v in garrisons if v not in model.hubs and keep[v] < worth and not hostile[v]
                       and v not in model.fights), key=lambda v: (keep[v], v))
    freed, chosen = 0.0, []
    for v in outposts:
        if freed >= shortfall:
            break
        chosen.append(v)
        freed += sum(u.strength * eff[u.faction] for u in garrisons[v])
    if freed < shortfall or not chosen:
        return False
    for v in chosen:
        for u in garrisons[v]:
            missions.fall_back(model, u, model.nearest_hub(v))
        model.is_army_base[v] = False  # given up, not lost: no longer a base it keeps or fortifies
        model.cum_outposts_given_up += 1
        model.log("Strategic developments", "Non-violent transfer of territory", FACTIONS[FAMA], "", v)
    return True
