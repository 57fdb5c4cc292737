"""The calibration's studies as one-command scripts: the synthetic-truth coverage count and the fixture scores."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from vacuum_sim.sweeps.calibration.posterior import read_posterior

EXPERIMENTS = Path(__file__).resolve().parents[1] / "experiments"


def _script(relative: str):
    spec = importlib.util.spec_from_file_location(Path(relative).stem, EXPERIMENTS / relative)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


coverage = _script("calibration_coverage/coverage.py")


def test_coverage_counts_a_hand_made_table():
    results = pd.DataFrame({"truth": [0, 0, 1, 1, 2, 2], "parameter": ["a", "b"] * 3,
                            "covered": [True, False, True, True, True, False]})
    table = coverage.coverage(results).set_index("parameter")
    assert table.loc["a", ["covered", "n"]].tolist() == [3, 3] and table.loc["b", ["covered", "n"]].tolist() == [1, 3]
    assert table.loc["all parameters", "coverage"] == pytest.approx(4 / 6)
    # Clopper–Pearson from the beta distribution, written out independently of scipy's binomtest
    assert table.loc["b", "ci_low"] == pytest.approx(stats.beta.ppf(0.025, 1, 3))
    assert table.loc["b", "ci_high"] == pytest.approx(stats.beta.ppf(0.975, 2, 2))
    assert table.loc["a", "ci_low"] == pytest.approx(0.025 ** (1 / 3)) and table.loc["a", "ci_high"] == 1


def test_a_tiny_coverage_study_reports_what_its_posteriors_say(tmp_path):
    results = coverage.study(truths=2, particles=8, workers=2, root=tmp_path, generations=2)
    assert len(results) == 2 * len(coverage.PRIORS) and set(results["parameter"]) == set(coverage.PRIORS)
    for r in results.itertuples():
        lo, hi = coverage.PRIORS[r.parameter]
        assert lo <= r.true <= hi and r.simulations == 8 + 4
        interval = read_posterior(tmp_path / f"truth{r.truth}" / "fit" / "posterior.json").interval(0.9)
        assert (r.low, r.high) == (interval.at[r.parameter, "low"], interval.at[r.parameter, "high"])
        assert r.covered == (r.low <= r.true <= r.high) and lo <= r.low <= r.median <= r.high <= hi
    table = coverage.coverage(results)
    assert table["n"].tolist() == [2, 2, 4]
    assert table["covered"].tolist() == [*results.groupby("parameter", sort=False)["covered"].sum(),
                                         results["covered"].sum()]
    text = coverage.section(results, "the command", 0.5)
    assert text.startswith(coverage.START) and text.endswith(coverage.END)
    assert "2 truths, 24 simulations of 120 days" in text
    for r in table.itertuples():
        assert f"| {r.parameter} | {r.covered} / {r.n} | {r.coverage:.2f} |" in text


def test_the_fixture_table_has_the_model_beside_both_baselines():
    score = _script("fixture_scores/score.py")
    table, window = score.scores(2)
    assert "no change = observed" in window
    assert set(table["forecast"]) == {"model", "zero", "no change"}
    assert set(table["fixture"]) == {"ACLED", "UCDP GED"} and set(table["measure"]) == {"events", "fatalities"}
    zero = table[table["forecast"] == "zero"]
    assert (zero["predicted"] == 0).all() and np.isfinite(table.loc[table["forecast"] == "model", "CRPS"]).all()
    text = score.markdown(table)
    assert text.count("\n") == 1 + len(table) and "| ACLED | events |" in text
