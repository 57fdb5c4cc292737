"""Scores of simulated against observed counts per cell, always beside two naive baselines.

A score means little alone: in forecasting challenges a no-change model has beaten
every entry on some metrics.  So every table holds the model and

* **zero**: nothing happens in any cell;
* **no change**: every month repeats the last observed month before the scored window.

One run is a point forecast: mean absolute error, relative error (total absolute
error over total observed, as a share) and Spearman's rank correlation across cells.
Replicates or an ensemble are a probabilistic forecast, scored with ``scoringrules``:

* CRPS of the ensemble (lower is better; for a point forecast it is the absolute error);
* log score, −log of the probability given to the observed count (lower is better; ``scipy``'s log pmf,
  exact for any count: ``scoringrules``' Poisson takes the pmf before its log and gives ``inf`` or ``nan``
  from a count near 200 on), from a negative binomial fitted by moments to the members (a Poisson when they
  spread less than Poisson), its mean floored at :data:`LOG_SCORE_FLOOR` so that a forecast of exactly zero
  that meets an event is heavily but finitely penalised;
* the share of cells whose count falls inside the members' 5–95 % range (90 % is ideal).

In the probabilistic table the baselines are Poisson forecasts around their value, the usual
way to turn a point forecast of counts into a distribution.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scoringrules as sr
from scipy import special, stats

LOG_SCORE_FLOOR = 0.1  # least forecast mean (events per cell) in the log score
POINT_COLUMNS = ("observed", "predicted", "MAE", "relative error", "Spearman")
ENSEMBLE_COLUMNS = ("observed", "predicted", "CRPS", "log score", "coverage 90%")


def point_scores(obs: np.ndarray, pred: np.ndarray) -> dict:
    """Scores of one predicted count per cell."""
    obs, pred = np.asarray(obs, float), np.asarray(pred, float)
    err = np.abs(pred - obs)
    rho = np.nan
    if len(obs) > 1 and np.ptp(obs) > 0 and np.ptp(pred) > 0:
        rho = stats.spearmanr(obs, pred).statistic
    return {"observed": obs.sum(), "predicted": pred.sum(), "MAE": err.mean(),
            "relative error": err.sum() / obs.sum() if obs.sum() > 0 else np.nan, "Spearman": rho}


def ensemble_scores(obs: np.ndarray, members: np.ndarray) -> dict:
    """Scores of an ensemble (cells × members)."""
    obs, members = np.asarray(obs, float), np.asarray(members, float)
    low, high = np.quantile(members, [0.05, 0.95], axis=1)
    return {"observed": obs.sum(), "predicted": members.mean(axis=1).sum(),
            "CRPS": sr.crps_ensemble(obs, members).mean(), "log score": log_score(obs, members).mean(),
            "coverage 90%": ((obs >= low) & (obs <= high)).mean()}


def log_score(obs: np.ndarray, members: np.ndarray) -> np.ndarray:
    """−log p(obs) per cell under a negative binomial (or Poisson) fitted by moments to the members."""
    mean = np.maximum(members.mean(axis=1), LOG_SCORE_FLOOR)
    var = members.var(axis=1)
    over = var > mean
    out = poisson_log_score(obs, mean)
    if over.any():  # scipy's pmf: scoringrules' logs_negbinom returns inf at a zero count when the size is below 1
        size = mean[over] ** 2 / (var[over] - mean[over])
        out[over] = -stats.nbinom.logpmf(obs[over], size, size / (size + mean[over]))
    return out


def poisson_log_score(obs: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """−log p(obs) under Poisson(mean): finite for any count a positive mean can give, ``inf`` where p is 0."""
    return -stats.poisson.logpmf(obs, mean)


def poisson_crps(obs: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """CRPS of Poisson(mean), the closed form of ``scoringrules.crps_poisson`` from scipy's pmf and cdf and the
    exponentially scaled Bessel functions (scoringrules' own gives ``nan`` from a count near 170 or a mean near 355 on,
    where the factorial or I0(2 × mean) overflows)."""
    return ((obs - mean) * (2 * stats.poisson.cdf(obs, mean) - 1) + 2 * mean * stats.poisson.pmf(np.floor(obs), mean)
            - mean * (special.i0e(2 * mean) + special.i1e(2 * mean)))


def poisson_scores(obs: np.ndarray, value: np.ndarray) -> dict:
    """Scores of a baseline in the probabilistic table: Poisson around its value in each cell."""
    obs, value = np.asarray(obs, float), np.asarray(value, float)
    low, high = stats.poisson.ppf(0.05, value), stats.poisson.ppf(0.95, value)
    return {"observed": obs.sum(), "predicted": value.sum(), "CRPS": poisson_crps(obs, value).mean(),
            "log score": poisson_log_score(obs, np.maximum(value, LOG_SCORE_FLOOR)).mean(),
            "coverage 90%": ((obs >= np.nan_to_num(low)) & (obs <= np.nan_to_num(high))).mean()}


def score_table(observed: pd.Series, members: pd.DataFrame, no_change: pd.Series) -> pd.DataFrame:
    """Model, zero and no-change scores over all cells and per event type (one run: point scores).

    ``observed`` and ``no_change`` are indexed by cell, ``members`` has one column per run.
    """
    ensemble = members.shape[1] > 1
    rows = []
    groups = [("all", slice(None))] + [(t, observed.index.get_level_values("event_type") == t)
                                       for t in observed.index.get_level_values("event_type").unique()]
    for group, where in groups:
        obs = observed.to_numpy()[where]
        sims = members.to_numpy()[where]
        base = {"zero": np.zeros_like(obs), "no change": no_change.to_numpy()[where]}
        if ensemble:
            rows.append({"cells": group, "forecast": "model", **ensemble_scores(obs, sims)})
            rows += [{"cells": group, "forecast": k, **poisson_scores(obs, v)} for k, v in base.items()]
        else:
            rows.append({"cells": group, "forecast": "model", **point_scores(obs, sims[:, 0])})
            rows += [{"cells": group, "forecast": k, **point_scores(obs, v)} for k, v in base.items()]
    return pd.DataFrame(rows)


def no_change(observed_reference: pd.Series, grid: pd.MultiIndex) -> pd.Series:
    """The reference month's observed count in every month of ``grid`` (indexed by cell without the month)."""
    keys = grid.droplevel("month")
    return pd.Series(observed_reference.reindex(keys, fill_value=0).to_numpy(), index=grid)
