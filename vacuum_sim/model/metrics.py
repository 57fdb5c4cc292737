"""Named daily outputs of a run: a registry where each metric's name, unit, meaning and computation
are defined together, recorded into preallocated arrays.

Prefixes carry the meaning (as in Starsim): ``n_`` a stock on that day, ``new_`` a flow during
that day, ``cum_`` a running total, ``mean_``/``security_per_1000_`` a level.  Control of every
town by day is kept as a separate table.  ``docs/metrics.md`` is generated from :data:`REGISTRY`
(``vacuum-sim metrics``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd

from vacuum_sim.factions import ARMED_GROUPS, CONTROL_LABELS, CSP, FACTIONS, FAMA, ISSP, JNIM, STATE, UN, WAGNER, ZONES
from vacuum_sim.model import forces
from vacuum_sim.model.atrocities import AGAINST_STATE

GROUP_NAMES = tuple(FACTIONS[g] for g in ARMED_GROUPS)
ATROCITY_FACTIONS = (FAMA, WAGNER, JNIM, CSP, ISSP)
VACATED_HOLDERS = ("state", "JNIM", "CSP", "ISSP", "contested")
EVENT_COLUMNS = ("event_date", "event_type", "sub_event_type", "actor1", "actor2", "admin1", "location",
                 "latitude", "longitude", "fatalities", "civilian_targeting")
# Force-to-space doctrine: successful population security has needed at least 20 security personnel (troops and
# police) per 1,000 inhabitants, ~10x ordinary policing (Quinlivan 1995 [S166]).  A standard to measure against
# (n_troops_needed), not a behaviour of the model, hence a constant rather than a parameter.
BENCHMARK_PER_1000 = 20


@dataclass(frozen=True)
class Metric:
    """One column of ``metrics.csv``."""

    name: str
    unit: str
    meaning: str


@dataclass(frozen=True)
class MetricFamily:
    """Columns computed together by one function, which returns one value per column in this order."""

    metrics: tuple[Metric, ...]
    compute: Callable


REGISTRY: list[MetricFamily] = []


def each(name: str, meaning: str, **axes) -> list[tuple[str, str]]:
    """(name, meaning) for every combination of ``axes`` (the last axis varies fastest, as in ``ravel``)."""
    keys = list(axes)
    return [(name.format(**dict(zip(keys, combo, strict=True))), meaning.format(**dict(zip(keys, combo, strict=True))))
            for combo in itertools.product(*axes.values())]


def metric(columns: list[tuple[str, str]] | tuple[str, str], unit: str):
    """Register the decorated function as computing ``columns`` ((name, meaning) pairs) from the model."""
    columns = [columns] if isinstance(columns, tuple) else columns

    def register(fn):
        REGISTRY.append(MetricFamily(tuple(Metric(n, unit, m) for n, m in columns), fn))
        return fn

    return register


def _zone_mean(m, x: np.ndarray) -> np.ndarray:
    """Mean of a per-town value over each zone's towns."""
    return np.bincount(m.zone, weights=x, minlength=len(ZONES)) / m.zone_towns


def _labels(*labels) -> np.ndarray:
    """A lookup table over control labels, true for ``labels`` (``TABLE[controller]``: np.isin is slow on small arrays)."""
    table = np.zeros(len(CONTROL_LABELS), dtype=bool)
    table[list(labels)] = True
    return table


STATE_HELD = _labels(*STATE)
GROUPS_ACTIVE = _labels(*ARMED_GROUPS, CONTROL_LABELS.index("contested"))


def _by_control_zone(m, weights=None) -> np.ndarray:
    """Counts (or sums of ``weights``) of towns by controller × zone, raveled (zone varying fastest)."""
    cells = m.controller.astype(np.intp) * len(ZONES) + m.zone
    return np.bincount(cells, weights=weights, minlength=len(CONTROL_LABELS) * len(ZONES))


@metric(each("new_ops_{z}", "State operations opened in the {z} that day", z=ZONES), "operations")
def _operations(m):
    return m.ops_today


@metric(("n_vacated_bases", "UN camps vacated so far"), "bases")
def _vacated(m):
    return [m.vacated.sum()]


@metric(each("n_vacated_held_{h}", "Vacated UN camps held by {h} ('state': army or Wagner; 'contested': disputed)", h=VACATED_HOLDERS), "bases")
def _vacated_held(m):
    held = np.bincount(m.controller[m.vacated], minlength=len(CONTROL_LABELS))
    named = [held[FAMA] + held[WAGNER], held[JNIM], held[CSP], held[ISSP]]
    return [*named, m.vacated.sum() - sum(named)]


@metric(each("n_towns_{c}_{z}", "Towns in the {z} held by {c}", c=CONTROL_LABELS, z=ZONES), "towns")
def _towns(m):
    return _by_control_zone(m)


@metric(each("n_pop_{c}_{z}", "Inhabitants of the towns in the {z} held by {c}", c=CONTROL_LABELS, z=ZONES), "people")
def _population(m):
    return _by_control_zone(m, m.population)  # whole inhabitants: the sums are exact in any order


def _per_1000(m, factions) -> list[float]:
    """Personnel of ``factions`` standing in each zone (and in all) per 1,000 of its census population."""
    personnel = m.presence[:, list(factions)].sum(axis=1)
    by_zone = np.bincount(m.zone, weights=personnel, minlength=len(ZONES))
    return [*(1000 * by_zone / m.zone_catchment), 1000 * personnel.sum() / m.catchment.sum()]


@metric(each("security_per_1000_{z}", "Army, Wagner and UN personnel in the {z} per 1,000 of its inhabitants (2022 census)",
             z=(*ZONES, "national")), "personnel/1,000")
def _security(m):
    return _per_1000(m, (FAMA, WAGNER, UN))


@metric(each("state_per_1000_{z}", "Army and Wagner personnel in the {z} per 1,000 of its inhabitants (2022 census)",
             z=(*ZONES, "national")), "personnel/1,000")
def _state_security(m):
    return _per_1000(m, STATE)


@metric([("n_troops_needed", (f"Security personnel needed by force-to-space: {BENCHMARK_PER_1000} per 1,000 "
                               "inhabitants where armed groups are active (towns they hold, contest, stand in or hold "
                               "influence of at least ct_target_min in, with the census population each stands for)")),
         ("n_troops_available", "Army and Wagner personnel in the theatre"),
         ("n_troops_needed_un_footprint", ("Troops to garrison every army base and vacated UN camp, camps at the "
                                           "UN's former strength (a secondary view)"))], "personnel")
def _capacity(m):
    return [needed_troops(m), m.presence[:, FAMA].sum() + m.presence[:, WAGNER].sum(), un_footprint(m)]


def contested(m) -> np.ndarray:
    """Towns where armed groups are active: held or contested by them, with their fighters, or their influence
    at the army's own counter-insurgency threshold (``ct_target_min``)."""
    return (GROUPS_ACTIVE[m.controller] | (m.presence[:, ARMED_GROUPS] > 0).any(axis=1)
            | (m.influence.max(axis=1) >= m.p.ct_target_min))


def needed_troops(m) -> float:
    """Force-to-space: ``BENCHMARK_PER_1000`` per 1,000 people living where armed groups are active."""
    return float(BENCHMARK_PER_1000 * m.catchment[contested(m)].sum() / 1000)


def un_footprint(m) -> float:
    """Troops to garrison every army base and every vacated UN camp (to the UN's own strength there)."""
    bases = m.is_army_base | (STATE_HELD[m.controller] & (m.presence[:, FAMA] > 0))
    needed = m.p.garrison_size * (bases & ~m.vacated).sum()
    vacated = m.vacated[m.un_site_nodes]
    needed += np.maximum(m.p.garrison_size, m.un_site_troops[vacated]).sum()
    return float(needed)


@metric([("n_state_forces", "The state's forces in all (army, gendarmerie, national guard): theatre, rear, training"),
         ("n_state_rear", "State personnel outside the theatre (rear, schools, static duties off the map)"),
         ("n_state_trainees", "State recruits in training or waiting to form a unit"),
         ("cum_state_enlisted", "Recruits the state has taken into training so far")], "personnel")
def _state_forces(m):
    g = m.generation
    return [forces.state_forces(m), g.rear, g.trainees, g.enlisted]


@metric(each("cum_reinforcements_{f}", "{f} personnel arrived in the theatre as new units so far", f=("FAMa", "Wagner"))
        + each("cum_losses_{f}", "Personnel {f} has lost so far (fire, IEDs, ambushes, supply wear)", f=FACTIONS)
        + each("cum_stood_down_{f}", "Personnel of depleted {f} units that left the theatre with no unit of their own "
               "to join, so far", f=[FACTIONS[f] for f in forces.MERGING]), "personnel")
def _force_flows(m):
    g = m.generation
    return [*g.reinforcements[[FAMA, WAGNER]], *m.forces.lost, *g.stood_down[list(forces.MERGING)]]


ATROCITY_NAMES = [FACTIONS[f] for f in ATROCITY_FACTIONS]


@metric(each("new_atrocities_{f}", "Atrocities against civilians by {f} that day", f=ATROCITY_NAMES)
        + each("cum_atrocities_{f}", "Atrocities against civilians by {f} so far", f=ATROCITY_NAMES), "events")
def _atrocities(m):
    idx = list(ATROCITY_FACTIONS)
    return [*m.new_atrocities[idx], *m.cum_atrocities[idx]]


@metric(each("new_recruits_{g}", "Recruits raised by {g} that day", g=GROUP_NAMES)
        + each("cum_recruits_{g}", "Recruits raised by {g} so far", g=GROUP_NAMES), "people")
def _recruits(m):
    return [*(m.new_recruits[g] for g in ARMED_GROUPS), *(m.cum_recruits[g] for g in ARMED_GROUPS)]


@metric(each("cum_captures_{g}", "Towns and bases taken by {g} so far", g=GROUP_NAMES), "towns")
def _captures(m):
    return [m.captures[g] for g in ARMED_GROUPS]


MOVER_NAMES = ("JNIM", "ISSP")  # the groups that establish footholds and lay blockades (model.expansion.MOVERS)


@metric(each("cum_footholds_{g}", "Footholds {g} has established so far (its first fighters in a town where the state "
             "was absent)", g=MOVER_NAMES)
        + each("cum_blockades_{g}", "Blockades {g} has started so far (posts on the approaches of a state-held town)",
               g=MOVER_NAMES), "towns")
def _footholds(m):
    return [*(m.cum_footholds[FACTIONS.index(g)] for g in MOVER_NAMES),
            *(m.cum_blockades[FACTIONS.index(g)] for g in MOVER_NAMES)]


@metric(each("n_blockaded_{z}", "Towns in the {z} under blockade by an armed group that day", z=ZONES), "towns")
def _blockaded(m):
    return np.bincount(m.zone, weights=m.blockade_cover.max(axis=1) > 0, minlength=len(ZONES))


@metric(("cum_joint_strikes", "Strikes by JNIM and CSP on the same town within 24 hours of each other, so far"),
        "strikes")
def _joint_strikes(m):
    return [m.cum_joint_strikes]


@metric(("cum_outposts_given_up", "Outposts the army gave up to free reserves for a more valuable target, so far"),
        "towns")
def _outposts_given_up(m):
    return [m.cum_outposts_given_up]


@metric(("n_csp_at_war", "Whether the rebels (CSP) are at war with the state (1) or not (0)"), "flag")
def _csp_at_war(m):
    return [float(m.csp_at_war)]


@metric(("n_engagements", "Engagements under way at the end of the day (fights lasting until one side breaks off)"),
        "engagements")
def _engagements(m):
    return [len(m.fights)]


@metric([("cum_combat_deaths", "Fighters of every side killed in engagements, ambushes, IEDs and air strikes so far"),
         ("cum_drone_civilian_deaths", "Civilians killed by state drone strikes so far")], "people")
def _deaths(m):
    return [m.cum_combat_deaths, m.cum_drone_civilian_deaths]


@metric(("cum_drone_strikes", "State armed-drone strikes flown so far"), "strikes")
def _drone_strikes(m):
    return [m.cum_drone_strikes]


@metric(each("n_strength_{f}", "Personnel of {f} in the theatre", f=FACTIONS), "personnel")
def _strength(m):
    return m.presence.sum(axis=0)


@metric(each("mean_grievance_{z}", "Mean grievance against the state over the {z}'s towns", z=ZONES), "index")
def _grievance(m):
    return _zone_mean(m, m.grievance[:, AGAINST_STATE])


@metric(each("mean_influence_{g}_{z}", "Mean influence of {g} over the {z}'s towns", g=GROUP_NAMES, z=ZONES), "0–1")
def _influence(m):
    return np.concatenate([_zone_mean(m, m.influence[:, g]) for g in range(len(GROUP_NAMES))])


METRICS: tuple[str, ...] = tuple(x.name for fam in REGISTRY for x in fam.metrics)
BY_NAME: dict[str, Metric] = {x.name: x for fam in REGISTRY for x in fam.metrics}


def daily(model, row: np.ndarray | None = None) -> np.ndarray:
    """Today's value of every metric in :data:`METRICS`, in that order (written into ``row`` if given).

    Each family returns a flat sequence of its columns' values (a list or a 1-d array)."""
    row = np.empty(len(METRICS)) if row is None else row
    i = 0
    for fam in REGISTRY:
        values = fam.compute(model)
        n = len(fam.metrics)
        if len(values) != n:
            raise RuntimeError(f"{fam.compute.__name__} gave {len(values)} values for {n} metrics")
        row[i:i + n] = values
        i += n
    return row


def markdown_table() -> str:
    """The data dictionary of ``metrics.csv`` (``docs/metrics.md`` is generated from this)."""
    lines = ["| column | unit | meaning |", "|---|---|---|"]
    lines += [f"| `{x.name}` | {x.unit} | {x.meaning} |" for fam in REGISTRY for x in fam.metrics]
    return "\n".join(lines) + "\n"


class History:
    """Preallocated daily record of every metric and of each town's controller."""

    def __init__(self, model, days: int):
        self.values = np.full((days + 1, len(METRICS)), np.nan)
        self.control = np.zeros((days + 1, model.n), dtype=np.int8)
        self.rows = 0

    def record(self, model) -> None:
        daily(model, self.values[self.rows])
        self.control[self.rows] = model.controller
        self.rows += 1

    def dates(self, model) -> pd.DatetimeIndex:
        start = pd.Timestamp(model.start_date)
        return pd.DatetimeIndex([start + timedelta(days=i) for i in range(self.rows)], name="date")

    def metrics_frame(self, model) -> pd.DataFrame:
        return pd.DataFrame(self.values[: self.rows], index=self.dates(model), columns=list(METRICS))

    def control_frame(self, model) -> pd.DataFrame:
        labels = np.asarray(CONTROL_LABELS, dtype=object)[self.control[: self.rows]]
        return pd.DataFrame(labels, index=self.dates(model), columns=model.names)


def events_frame(model) -> pd.DataFrame:
    """The event log in ACLED's column layout."""
    towns = model.mali.towns
    region, name, lat, lon = (towns[c].tolist() for c in ("region", "name", "lat", "lon"))  # not .at per event
    rows = [(d.isoformat(), et, st, a1, a2, region[v], name[v], lat[v], lon[v], fat,
             "Civilian targeting" if civ else "")
            for d, et, st, a1, a2, v, fat, civ in model.events]
    return pd.DataFrame(rows, columns=list(EVENT_COLUMNS))


def monthly_operations(metrics: pd.DataFrame) -> pd.DataFrame:
    """State operations per zone per calendar month."""
    cols = {f"new_ops_{z}": z for z in ZONES}
    return metrics[list(cols)].rename(columns=cols).resample("MS").sum()
