"""Summaries of a sweep folder: tidy data, replicate bands, Sobol' indices and scenario discovery.

Plain functions of a sweep folder (see :mod:`vacuum_sim.sweeps.store`) or of the frames
they return; nothing here runs the model, and only part files that match their checksum
in the manifest are read.  Statistics come from maintained
libraries: SALib for Sobol' indices, the EMA workbench's PRIM for scenario discovery.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.dataset as ds

from vacuum_sim.inputs.geography import load_map
from vacuum_sim.sweeps.experiment import ExperimentError
from vacuum_sim.sweeps.store import Store

TOWN_SHARE = "frac_towns_"  # frac_towns_<label>_<zone>: n_towns_<label>_<zone> as a share of that zone's towns


def manifest(sweep_dir: str | Path) -> dict:
    return Store(sweep_dir).read_manifest()


def factor_names(sweep_dir: str | Path) -> list[str]:
    return [f["name"] for f in manifest(sweep_dir)["factors"]]


def load(sweep_dir: str | Path, metrics: list[str] | None = None) -> pd.DataFrame:
    """The tidy rows of every finished run: run, point, factors, seed, day, date, metric, value.

    Besides the kept metrics, ``frac_towns_<label>_<zone>`` can be asked for: the
    share of the zone's towns held by ``<label>`` (e.g. ``frac_towns_JNIM_centre``).
    """
    store = Store(sweep_dir)
    info = store.read_manifest()
    wanted = list(metrics or info["metrics"])
    stored = {m: m.replace(TOWN_SHARE, "n_towns_", 1) for m in wanted}
    missing = [m for m, s in stored.items() if s not in info["metrics"]]
    if missing:
        raise ExperimentError(str(store.manifest), missing[0], "metric not kept by this sweep; kept: "
                              f"{', '.join(info['metrics'])} (and frac_towns_* for each kept n_towns_*)")
    parts = store.verified_parts(info)
    if not parts:
        raise ExperimentError(str(store.root), "runs", "no finished runs yet")
    data = ds.dataset(parts, format="parquet").to_table(
        filter=ds.field("metric").isin(sorted(set(stored.values())))).to_pandas()
    towns = load_map().towns["zone"].value_counts()
    parts = []
    for metric, source in stored.items():
        rows = data[data["metric"] == source].assign(metric=metric)
        if metric != source:
            rows["value"] /= towns[metric.rsplit("_", 1)[1]]
        parts.append(rows)
    data = pd.concat(parts, ignore_index=True)
    data["date"] = pd.to_datetime(data["date"])
    data["metric"] = data["metric"].astype("category")
    return data.sort_values(["run", "metric", "day"], ignore_index=True)


def outcome(data: pd.DataFrame, metric: str, day: int | None = None) -> pd.DataFrame:
    """One row per run: its point, factors, seed, day, date and the value of ``metric`` on ``day`` (default: the last)."""
    rows = data[data["metric"] == metric]
    days = np.sort(rows["day"].unique())
    day = int(days[-1]) if day is None else day
    if day not in days:
        raise ExperimentError("--day", str(day), f"not a kept day of this sweep; kept: {', '.join(map(str, days))}")
    rows = rows[rows["day"] == day]
    return rows.drop(columns="metric").set_index("run").sort_index()


def bands(data: pd.DataFrame, metric: str, low: float = 0.1, high: float = 0.9) -> pd.DataFrame:
    """Median and the ``low``–``high`` quantile band across replicates, per design point and kept day."""
    rows = data[data["metric"] == metric]
    keys = [c for c in rows.columns if c not in ("run", "seed", "metric", "value")]  # point, factors, day, date
    stats = rows.groupby(keys, observed=True)["value"].quantile([low, 0.5, high]).unstack()
    stats.columns = [f"q{low * 100:g}", "median", f"q{high * 100:g}"]
    return stats.reset_index()


def sobol_indices(sweep_dir: str | Path, metric: str, day: int | None = None) -> pd.DataFrame:
    """First- and total-order Sobol' indices with 95 % confidence intervals (SALib), of the replicate mean.

    Needs a ``sobol`` design with every run finished: Saltelli's estimator uses the
    design points in the order SALib generated them.
    """
    from SALib.analyze import sobol

    info = manifest(sweep_dir)
    if info["design"]["type"] != "sobol":
        raise ExperimentError(str(sweep_dir), "design.type", f"Sobol' indices need the sobol design, "
                              f"this sweep used {info['design']['type']}")
    if info["counts"]["pending"] or info["counts"]["failed"]:
        raise ExperimentError(str(sweep_dir), "runs", "Sobol' indices need every run finished without error; "
                              f"counts: {info['counts']}")
    runs = outcome(load(sweep_dir, [metric]), metric, day)
    y = runs.groupby("point")["value"].mean().to_numpy()
    factors = info["factors"]
    problem = {"num_vars": len(factors), "names": [f["name"] for f in factors], "bounds": [f["range"] for f in factors]}
    si = sobol.analyze(problem, y, calc_second_order=info["design"]["second_order"], conf_level=0.95, seed=0)
    table = pd.DataFrame({k: si[k] for k in ("S1", "S1_conf", "ST", "ST_conf")}, index=problem["names"])
    table.insert(0, "kind", [f["kind"] for f in factors])
    table.index.name = "factor"
    return table


@dataclass
class Discovery:
    """A PRIM box: where in factor space the runs of interest concentrate."""

    condition: str
    cases: int  # runs meeting the condition
    runs: int
    stats: pd.Series  # coverage, density, mass, res_dim
    limits: pd.DataFrame  # factor -> min, max of the box (only the restricted factors)

    def __str__(self) -> str:
        s = self.stats
        head = (f"{self.condition}: {self.cases} of {self.runs} runs; PRIM box with coverage {s['coverage']:.0%} "
                f"(share of those runs inside) and density {s['density']:.0%} (share of the box's runs meeting it)")
        return f"{head}\n{self.limits.to_string()}"


def discover(sweep_dir: str | Path, metric: str, threshold: float, above: bool = True, day: int | None = None,
             min_density: float = 0.8) -> Discovery:
    """Scenario discovery with PRIM (EMA workbench): which factor ranges lead to ``metric`` beyond ``threshold``.

    From PRIM's peeling trajectory it picks the box of highest coverage whose
    density reaches ``min_density`` (the densest box if none does).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the workbench warns about optional parallel back-ends on import
        from ema_workbench.analysis.prim import Prim

    runs = outcome(load(sweep_dir, [metric]), metric, day)
    x = runs[factor_names(sweep_dir)].astype(float).reset_index(drop=True)
    y = (runs["value"] >= threshold if above else runs["value"] <= threshold).to_numpy()
    condition = f"{metric} {'>=' if above else '<='} {threshold:g} on day {runs['day'].iloc[0]}"
    if not y.any() or y.all():
        raise ExperimentError(str(sweep_dir), metric, f"{condition} holds in {y.sum()} of {len(y)} runs; "
                              "PRIM needs some runs on each side")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module="ema_workbench")  # its own pandas deprecations
        box = Prim(x, y).find_box()
    trajectory = box.peeling_trajectory
    dense = trajectory[trajectory["density"] >= min_density]
    i = int(dense["coverage"].idxmax() if len(dense) else trajectory["density"].idxmax())
    stats, limits = box.inspect(i, style="data")[0]
    limits = limits.droplevel(0, axis=1).iloc[:, :2]
    limits.index.name = "factor"
    return Discovery(condition, int(y.sum()), len(y), stats[["coverage", "density", "mass", "res_dim"]], limits)


__all__ = ["Discovery", "bands", "discover", "factor_names", "load", "manifest", "outcome", "sobol_indices"]
