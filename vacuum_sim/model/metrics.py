"""Named daily outputs of a run, recorded into preallocated arrays.

Prefixes carry the meaning (as in Starsim): ``n_`` a stock on that day, ``new_`` a
flow during that day, ``cum_`` a running total, ``mean_``/``security_per_1000_``
a level.  Control of every town by day is kept as a separate table.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from vacuum_sim.factions import ARMED_GROUPS, CONTROL_LABELS, CSP, FACTIONS, FAMA, STATE, UN, WAGNER, ZONES

ATROCITY_FACTIONS = ("FAMa", "Wagner", "JNIM", "CSP", "ISSP")
GROUP_NAMES = tuple(FACTIONS[g] for g in ARMED_GROUPS)
VACATED_HOLDERS = ("state", "JNIM", "CSP", "ISSP", "contested")
EVENT_COLUMNS = ("event_date", "event_type", "sub_event_type", "actor1", "actor2", "admin1", "location",
                 "latitude", "longitude", "fatalities", "civilian_targeting")
BENCHMARK_PER_1000 = 20  # troops per 1,000 inhabitants often cited for counterinsurgency (Quinlivan 1995)


def metric_names() -> list[str]:
    names = [f"new_ops_{z}" for z in ZONES]
    names += ["n_vacated_bases"] + [f"n_vacated_held_{h}" for h in VACATED_HOLDERS]
    names += [f"n_towns_{c}_{z}" for c in CONTROL_LABELS for z in ZONES]
    names += [f"n_pop_{c}_{z}" for c in CONTROL_LABELS for z in ZONES]
    names += [f"security_per_1000_{z}" for z in (*ZONES, "national")]
    names += ["n_troops_needed", "n_troops_available"]
    names += [f"new_atrocities_{f}" for f in ATROCITY_FACTIONS] + [f"cum_atrocities_{f}" for f in ATROCITY_FACTIONS]
    names += [f"new_recruits_{g}" for g in GROUP_NAMES] + [f"cum_recruits_{g}" for g in GROUP_NAMES]
    names += [f"cum_captures_{g}" for g in GROUP_NAMES]
    names += ["cum_joint_strikes", "n_csp_at_war"]
    names += [f"n_strength_{f}" for f in FACTIONS]
    names += [f"mean_grievance_{z}" for z in ZONES]
    names += [f"mean_influence_{g}_{z}" for g in GROUP_NAMES for z in ZONES]
    return names


METRICS = tuple(metric_names())


def daily(model) -> np.ndarray:
    """Today's value of every metric in :data:`METRICS`, in that order."""
    m = model
    zone, pop, ctrl = m.zone, m.population, m.controller
    row = list(m.ops_today)
    vac = m.vacated
    holder = np.where(np.isin(ctrl, STATE), 0, np.where(ctrl == FACTIONS.index("JNIM"), 1,
                      np.where(ctrl == CSP, 2, np.where(ctrl == FACTIONS.index("ISSP"), 3, 4))))
    row.append(vac.sum())
    row += [(vac & (holder == h)).sum() for h in range(len(VACATED_HOLDERS))]
    onehot_zone = zone[:, None] == np.arange(len(ZONES))
    onehot_ctrl = ctrl[:, None] == np.arange(len(CONTROL_LABELS))
    row += list((onehot_ctrl[:, :, None] & onehot_zone[:, None, :]).sum(axis=0).ravel())
    row += list(np.einsum("n,nc,nz->cz", pop, onehot_ctrl, onehot_zone).ravel())
    security = m.presence[:, FAMA] + m.presence[:, WAGNER] + m.presence[:, UN]
    zone_pop = onehot_zone.T @ pop
    row += list(1000 * (onehot_zone.T @ security) / zone_pop) + [1000 * security.sum() / pop.sum()]
    row += [needed_troops(m), m.presence[:, FAMA].sum() + m.presence[:, WAGNER].sum()]
    idx = [FACTIONS.index(f) for f in ATROCITY_FACTIONS]
    row += list(m.new_atrocities[idx]) + list(m.cum_atrocities[idx])
    row += [m.new_recruits[g] for g in ARMED_GROUPS] + [m.cum_recruits[g] for g in ARMED_GROUPS]
    row += [m.captures[g] for g in ARMED_GROUPS]
    row += [m.cum_joint_strikes, float(m.csp_at_war)]
    row += list(m.presence.sum(axis=0))
    counts = onehot_zone.sum(axis=0)
    row += list((onehot_zone.T @ m.grievance) / counts)
    row += list(((onehot_zone.T @ m.influence) / counts[:, None]).T.ravel())
    return np.asarray(row, dtype=float)


def needed_troops(m) -> float:
    """Troops to garrison every army base and every vacated UN camp (to the UN's own strength there)."""
    bases = m.is_army_base | (np.isin(m.controller, STATE) & (m.presence[:, FAMA] > 0))
    needed = m.p["garrison_size"] * (bases & ~m.vacated).sum()
    vacated = m.vacated[m.un_site_nodes]
    needed += np.maximum(m.p["garrison_size"], m.un_site_troops[vacated]).sum()
    return float(needed)


class History:
    """Preallocated daily record of every metric and of each town's controller."""

    def __init__(self, model, days: int):
        self.values = np.full((days + 1, len(METRICS)), np.nan)
        self.control = np.zeros((days + 1, model.n), dtype=np.int8)
        self.rows = 0

    def record(self, model) -> None:
        self.values[self.rows] = daily(model)
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
    rows = [(d.isoformat(), et, st, a1, a2, towns.at[v, "region"], towns.at[v, "name"], towns.at[v, "lat"],
             towns.at[v, "lon"], fat, "Civilian targeting" if civ else "")
            for d, et, st, a1, a2, v, fat, civ in model.events]
    return pd.DataFrame(rows, columns=list(EVENT_COLUMNS))


def monthly_operations(metrics: pd.DataFrame) -> pd.DataFrame:
    """State operations per zone per calendar month."""
    cols = {f"new_ops_{z}": z for z in ZONES}
    return metrics[list(cols)].rename(columns=cols).resample("MS").sum()
