"""Calibration (APMC ABC-SMC), the posterior file, sweeps and frozen forecasts drawn from it."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import vacuum_sim
from vacuum_sim.cli import main
from vacuum_sim.inputs.params import BY_NAME
from vacuum_sim.observed.readers import to_acled
from vacuum_sim.sweeps.calibration.apmc import apmc
from vacuum_sim.sweeps.calibration.calibrate import load_calibration
from vacuum_sim.sweeps.calibration.posterior import read_posterior
from vacuum_sim.sweeps.calibration.targets import CalibrationError, Targets, load_patterns, pattern_value

DAYS = 120  # short horizon: the synthetic-truth calibrations must fit the test budget
# Particles per synthetic-truth calibration: a 90 % interval's tails rest on its few outermost particles, so with 30
# the intervals came out too narrow (3 of 6 truths covered on the model of this session, against 37 of 40 in the
# full study, experiments/calibration_coverage, with 120 particles).
PARTICLES = 60
PRIORS = {"jnim_attack_rate": (0.005, 0.08), "ied_rate": (0.01, 0.2)}


# ---------------------------------------------------------------- the algorithm
def _normal_mean(seed: int, n: int = 200):
    """y ~ N(mu, 1), 10 observations, prior U(-5, 5): the posterior is N(ybar, 1/10)."""
    rng = np.random.default_rng(seed)
    mu = rng.uniform(-3, 3)
    ybar = rng.normal(mu, 1 / np.sqrt(10))
    noise = np.random.default_rng(seed + 10_000)
    history = apmc(np.array([[-5.0, 5.0]]), lambda th, g: np.abs(noise.normal(th[:, 0], 1 / np.sqrt(10)) - ybar),
                   n=n, alpha=0.5, generations=8, seed=seed)
    return mu, ybar, history


def test_apmc_recovers_a_known_posterior():
    _, ybar, h = _normal_mean(1, n=400)
    p = h.final
    mean = np.sum(p.weights * p.theta[:, 0])
    sd = np.sqrt(np.sum(p.weights * (p.theta[:, 0] - mean) ** 2))
    assert mean == pytest.approx(ybar, abs=0.06) and sd == pytest.approx(1 / np.sqrt(10), rel=0.2)
    assert h.populations[-1].epsilon < h.populations[0].epsilon / 5


def test_apmc_intervals_cover_the_truth_about_90_percent():
    covered = []
    for seed in range(40):
        mu, _, h = _normal_mean(seed)
        x, w = h.final.theta[:, 0], h.final.weights
        order = np.argsort(x)
        cum = np.cumsum(w[order])
        covered.append(x[order][np.searchsorted(cum, 0.05)] <= mu <= x[order][np.searchsorted(cum, 0.95)])
    assert 0.8 <= np.mean(covered) <= 1.0  # measured: 0.925 over these 40 seeds


def test_apmc_is_reproducible_and_respects_the_prior_box():
    a, b = _normal_mean(7)[2], _normal_mean(7)[2]
    assert all(np.array_equal(x.theta, y.theta) and np.array_equal(x.raw, y.raw)
               for x, y in zip(a.populations, b.populations))
    assert all(((d >= -5) & (d <= 5)).all() for d in a.draws)


# ---------------------------------------------------------------- targets and files
def test_patterns_are_read_from_a_run():
    r = vacuum_sim.run("historical_2023", seed=0, days=210)
    patterns = load_patterns()
    values = {p.name: pattern_value(p, r.metrics, r.events, r.control) for p in patterns.itertuples()}
    assert values["ops_centre_apr_jul"] == r.metrics.loc["2023-04-01":"2023-07-31", "new_ops_centre"].sum()
    assert values["csp_at_war_mid_sep"] == r.metrics.loc["2023-09-15", "n_csp_at_war"]
    dates = pd.to_datetime(r.events["event_date"])
    deaths = r.events.loc[(dates >= "2023-06-15") & (dates <= "2023-10-05"), "fatalities"].sum()
    assert values["deaths_jun_oct"] == deaths
    t = Targets(patterns, None, None)
    inside = np.array([20.0, 2.0, 25.0, 5.0, 11.0, 1.0, 700.0])
    assert t.distance(inside, np.zeros(0)) == 0
    assert t.distance(inside - np.array([0, 0, 10, 0, 0, 0, 0]), np.zeros(0)) == pytest.approx(np.sqrt((5 / 20) ** 2 / 7))


def _calibration_file(folder: Path, data: str | None, particles=30, generations=3, extra="") -> Path:
    priors = "\n".join(f"{k} = [{lo}, {hi}]" for k, (lo, hi) in PRIORS.items())
    target = f'patterns = false\ndata = "{data}"' if data else "patterns = true"
    path = folder / "calibration.toml"
    path.write_text(f'scenario = "historical_2023"\ndays = {DAYS if data else 210}\n[priors]\n{priors}\n'
                    f"[targets]\n{target}\n[abc]\nparticles = {particles}\ngenerations = {generations}\n"
                    f"checks = 4\n{extra}", encoding="utf-8")
    return path


@pytest.mark.parametrize("edit, message", [
    (("jnim_attack_rate = [0.005, 0.08]", "reclaim_weight = [0.1, 0.9]"), "priors.reclaim_weight: is a lever"),
    (("jnim_attack_rate = [0.005, 0.08]", "jnim_attack_rate = [0.005, 2]"), "the parameter's range"),
    (("jnim_attack_rate = [0.005, 0.08]", "jnim_attack_rat = [0.005, 0.08]"), "priors.jnim_attack_rat: unknown"),
    (("days = 210", "days = 150"), "days: the pattern ops_centre_aug_oct ends on 2023-10-25"),
    (("checks = 4", "checks = 4\nwalkers = 3"), "abc.walkers: unknown key"),
])
def test_bad_calibration_files_exit_2_naming_the_key(tmp_path, capsys, edit, message):
    path = _calibration_file(tmp_path, None)
    path.write_text(path.read_text().replace(*edit))
    with pytest.raises(CalibrationError, match=message):
        load_calibration(path)
    assert main(["calibrate", str(path), "--out", str(tmp_path / "out")]) == 2
    assert message.split(":")[0] in capsys.readouterr().err and not (tmp_path / "out").exists()


# ---------------------------------------------------------------- synthetic truth, end to end
@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """Three truths drawn from the priors, each run and then calibrated on its own event counts (via the CLI)."""
    root = tmp_path_factory.mktemp("synthetic")
    rng = np.random.default_rng(11)
    out = []
    for k in range(3):
        truth = {n: float(rng.uniform(lo, hi)) for n, (lo, hi) in PRIORS.items()}
        folder = root / f"truth{k}"
        folder.mkdir()
        run = vacuum_sim.run("historical_2023", seed=100 + k, days=DAYS, overrides=truth)
        to_acled(run.events, f"synthetic truth {k}").to_csv(folder / "truth.csv", index=False)
        _calibration_file(folder, "truth.csv", particles=PARTICLES, extra=f"seed = {k}\n")
        assert main(["calibrate", str(folder), "--workers", "2", "--out", str(folder / "fit")]) == 0
        out.append((truth, folder))
    return out


def test_synthetic_truth_falls_in_the_posterior_intervals(synthetic):
    hits = []
    for truth, folder in synthetic:
        post = read_posterior(folder / "fit" / "posterior.json")
        ranges = post.interval(0.9)
        hits += [ranges.at[n, "low"] <= v <= ranges.at[n, "high"] for n, v in truth.items()]
        gens = pd.read_csv(folder / "fit" / "generations.csv")
        assert gens["tolerance"].iloc[-1] < gens["tolerance"].iloc[0]
        assert post.meta["simulations"] == PARTICLES + 2 * PARTICLES // 2 + 4
    print(f"synthetic-truth coverage of the 90 % intervals: {np.mean(hits):.2f} ({sum(hits)}/{len(hits)})")
    assert np.mean(hits) >= 4 / 6  # measured 6/6 with these seeds; the full study is experiments/calibration_coverage


def test_calibration_folder_is_complete_and_reproducible(synthetic, tmp_path):
    _, folder = synthetic[0]
    fit = folder / "fit"
    assert {"posterior.json", "calibration.toml", "simulations.csv", "predictive.csv", "generations.csv",
            "report.txt", "posterior.png", "predictive_events.png"} <= {p.name for p in fit.iterdir()}
    meta = json.loads((fit / "posterior.json").read_text())
    assert {"scenario_toml", "seed", "version", "git_commit", "priors", "epsilon"} <= set(meta)
    again = tmp_path / "again"
    assert main(["calibrate", str(folder), "--workers", "1", "--out", str(again)]) == 0  # serial: same result
    a, b = read_posterior(fit / "posterior.json"), read_posterior(again / "posterior.json")
    assert np.array_equal(a.particles, b.particles) and np.array_equal(a.weights, b.weights)


def test_forecast_is_frozen_and_scored_later_by_compare(synthetic, tmp_path, capsys):
    _, folder = synthetic[0]
    post = folder / "fit" / "posterior.json"
    out = tmp_path / "fc"
    args = ["forecast", "--posterior", str(post), "--from", "2023-06-01", "--months", "2", "--members", "3",
            "--workers", "1", "--out", str(out)]
    assert main(args) == 0
    meta = json.loads((out / "forecast.json").read_text())
    assert meta["seed"] == [0, 1, 2] and meta["from"] == "2023-06" and meta["months"] == 2
    assert {"version", "git_commit", "issued", "posterior_sha256", "scenario"} <= set(meta)
    assert main(args) == 2  # frozen: never overwritten
    capsys.readouterr()
    assert main(["compare", str(out), str(folder / "truth.csv"), "--out", str(tmp_path / "cmp")]) == 0
    printed = capsys.readouterr().out
    assert "2023-06 to 2023-07" in printed and "no-change baseline = observed 2023-05" in printed and "CRPS" in printed


def test_sweep_draws_its_uncertainties_from_the_posterior(synthetic, tmp_path):
    _, folder = synthetic[0]
    study = tmp_path / "study"
    study.mkdir()
    (study / "experiment.toml").write_text('days = 20\nreplicates = 1\n[design]\ntype = "full_factorial"\n'
                                           "[factors]\nreclaim_weight = { levels = [0.5, 0.9] }\n"
                                           '[output]\nmetrics = ["new_ops_north"]\n', encoding="utf-8")
    out = tmp_path / "sweep"
    assert main(["sweep", str(study), "--posterior", str(folder / "fit" / "posterior.json"), "--draws", "2",
                 "--workers", "1", "--out", str(out)]) == 0
    design = pd.read_parquet(out / "design.parquet")
    assert len(design) == 4 and set(PRIORS) <= set(design.columns)
    post = read_posterior(folder / "fit" / "posterior.json")
    draws = post.draws(2, 0)
    assert np.allclose(design[list(PRIORS)].to_numpy(), np.tile(draws[list(PRIORS)].to_numpy(), (2, 1)))
    assert "--posterior" in (out / "experiment.toml").read_text()
    assert BY_NAME["jnim_attack_rate"].kind == "uncertainty"
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    assert main(["sweep", str(study), "--posterior", str(bad), "--out", str(tmp_path / "s2")]) == 2


# ---------------------------------------------------------------- the one pool
def test_the_sweeps_pool_maps_in_submission_order_and_names_a_failed_task():
    from vacuum_sim.sweeps.runners import RunLost, pool

    values = [float(v) for v in range(30, 0, -1)]
    with pool(2, None, 0) as runners:
        assert runners.map(math.sqrt, values) == [math.sqrt(v) for v in values]
        with pytest.raises(RunLost, match="math domain error"):
            runners.map(math.sqrt, [4.0, -1.0, 9.0])


def test_the_worked_calibrations_readme_section_comes_from_its_folder(synthetic):
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "experiments" / "calibration_2023" / "readme.py"
    spec = importlib.util.spec_from_file_location("readme", path)
    readme = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(readme)
    fit = synthetic[0][1] / "fit"
    text = readme.section(fit)
    meta = json.loads((fit / "posterior.json").read_text())
    assert f"**{meta['simulations']:,} simulations**" in text and f"{meta['wall_seconds'] / 60:.1f} minutes" in text
    for r in pd.read_csv(fit / "generations.csv").itertuples():
        assert f"| {r.generation} | {r.tolerance:.4f} | {r.accepted_share:.2f} | {r.simulations:,} |" in text
    for name, r in read_posterior(fit / "posterior.json").interval(0.9).iterrows():
        assert f"| {name} | {r['median']:.4g} | [{r['low']:.4g}, {r['high']:.4g}] |" in text
    assert text.startswith(readme.START) and text.endswith(readme.END) and "![posterior.png]" in text
