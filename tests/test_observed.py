"""Reading ACLED and UCDP GED exports, aggregating events to cells, and scoring against the naive baselines."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import vacuum_sim
from vacuum_sim.cli import main
from vacuum_sim.observed import vocabulary as vocab
from vacuum_sim.observed.compare import compare
from vacuum_sim.observed.counts import as_compared, whole_months
from vacuum_sim.observed.readers import DataError, read_events, simulated, to_acled
from vacuum_sim.observed.scores import (
    LOG_SCORE_FLOOR,
    ensemble_scores,
    log_score,
    point_scores,
    poisson_crps,
    poisson_log_score,
    poisson_scores,
)

DATA = Path(__file__).parent / "data"
ACLED = DATA / "acled_format_mali_2023_handmade.csv"
UCDP = DATA / "ucdp_ged_format_mali_2023_handmade.csv"
DAYS = 200  # 1 April to 17 October 2023: whole months April to September


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Three replicate run folders of the historical scenario."""
    root = tmp_path_factory.mktemp("runs")
    return [vacuum_sim.run("historical_2023", seed=s, days=DAYS, out=root / f"seed{s}") for s in range(3)], root


# ---------------------------------------------------------------- vocabulary
@pytest.mark.parametrize("name, actor", [
    ("Military Forces of Mali (2021-)", "FAMa"), ("Military Forces of Mali (2012-2020)", "FAMa"),
    ("Government of Mali", "FAMa"), ("Wagner Group", "Wagner"),
    ("MINUSMA: United Nations Multidimensional Integrated Stabilization Mission in Mali (2013-2023)", "UN"),
    ("JNIM: Group for Support of Islam and Muslims", "JNIM"), ("CSP-PSD: Permanent Strategic Framework", "CSP"),
    ("CMA: Coordination of Azawad Movements", "CSP"), ("Islamic State (Sahel)", "ISSP"), ("IS", "ISSP"),
    ("Civilians (Mali)", "Civilians"), ("ISWAP", None), ("Unidentified Armed Group (Mali)", None),
    ("Dan Na Ambassagou", None), ("CSPX", None)])
def test_actors_match_by_prefix_at_a_word_boundary(name, actor):
    assert vocab.actor_of(name) == actor


@pytest.mark.parametrize("name, admin1", [("Timbuktu", "Tombouctou"), ("Tombouctou region", "Tombouctou"),
                                          ("Segou", "Ségou"), ("SÉGOU", "Ségou"), ("Menaka", "Ménaka"),
                                          ("Douentza", "Mopti"), ("Taoudenni", "Tombouctou"), ("Ouagadougou", None)])
def test_region_names_of_any_period_and_spelling(name, admin1):
    assert vocab.admin1_of(name) == admin1


def test_every_model_region_and_actor_is_covered():
    """Each region of the model's map has a compared admin1, and each model actor an ACLED name to be written as."""
    towns = pd.read_csv(Path(vacuum_sim.__file__).parent / "inputs" / "data" / "towns.csv")
    assert all(vocab.admin1_of(r) in vocab.regions() for r in towns["region"].unique())
    assert set(vocab.acled_names()) == {"FAMa", "Wagner", "UN", "JNIM", "CSP", "ISSP", "Civilians"}


# ---------------------------------------------------------------- reading
def test_acled_fixture_is_read_and_its_unknown_actor_reported():
    events, report = read_events(ACLED)
    assert (report.format, report.rows, report.kept) == ("acled", 27, 27)
    assert report.unmapped_actors == {"Unidentified Armed Group (Mali)": 1}
    assert not report.unknown_columns and not report.unknown_regions and not report.dropped
    assert events["event_type"].value_counts().to_dict() == {
        "Battles": 13, "Strategic developments": 9, "Explosions/Remote violence": 4, "Violence against civilians": 1}
    ber = events[(events["date"] == "2023-08-11")].iloc[0]
    assert (ber["admin1"], ber["side1"], ber["side2"], ber["fatalities"]) == ("Tombouctou", "CSP/JNIM", "FAMa/Wagner", 30)
    assert events["fatalities"].sum() == 2 + 30 + 49 + 65 + 10 + 56 + 35 + 86 + 26 + 1


def test_ucdp_fixture_is_read():
    events, report = read_events(UCDP)
    assert (report.format, report.kept) == ("ucdp", 9)
    assert events["event_type"].value_counts().to_dict() == {"Battles": 8, "Violence against civilians": 1}
    assert set(events["admin1"]) == {"Tombouctou", "Gao", "Mopti"}
    assert set(events["side1"]) == {"FAMa", "JNIM"} and set(events["side2"]) == {"CSP", "JNIM", "Civilians"}


def _acled_file(tmp_path, rows: list[dict], extra: dict | None = None) -> Path:
    base = pd.read_csv(ACLED, dtype=str, keep_default_na=False).head(3)
    frame = pd.concat([base, pd.DataFrame(rows)], ignore_index=True).fillna("")
    for column, value in (extra or {}).items():
        frame[column] = value
    path = tmp_path / "export.csv"
    frame.to_csv(path, index=False)
    return path


def test_other_countries_types_not_simulated_and_unknown_columns_are_reported(tmp_path):
    row = dict(pd.read_csv(ACLED, dtype=str, keep_default_na=False).iloc[1])
    path = _acled_file(tmp_path, [dict(row, country="Burkina Faso"), dict(row, event_type="Protests"),
                                  dict(row, event_type="Protests"), dict(row, admin1="Atlantis")],
                       extra={"my_notes": "x"})
    events, report = read_events(path)
    assert report.rows == 7 and report.kept == 4 and len(events) == 4
    assert report.dropped == {"country is not Mali": 1, "event type not simulated: Protests": 2}
    assert report.unknown_columns == ["my_notes"] and report.unknown_regions == {"Atlantis": 1}
    text = "\n".join(report.lines())
    assert "my_notes" in text and "Protests" in text and "Atlantis" in text


@pytest.mark.parametrize("change, message", [
    ({"event_date": "2023-13-45"}, "line 5: column event_date: '2023-13-45' is not a date"),
    ({"fatalities": "-3"}, "line 5: column fatalities: '-3' is not a whole number >= 0"),
    ({"fatalities": "many"}, "line 5: column fatalities: 'many' is not a whole number"),
    ({"event_type": "Battle"}, "line 5: column event_type: 'Battle' is not one of Battles"),
])
def test_a_malformed_value_names_file_line_and_column(tmp_path, change, message):
    row = dict(pd.read_csv(ACLED, dtype=str, keep_default_na=False).iloc[1])
    path = _acled_file(tmp_path, [dict(row, **change)])
    with pytest.raises(DataError, match=f"^{path}: {message}"):
        read_events(path)


def test_ragged_rows_missing_columns_and_other_files_are_refused(tmp_path):
    text = ACLED.read_text(encoding="utf-8").splitlines()
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("\n".join([*text[:3], text[3] + ",extra", *text[4:]]) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="line 4: 20 fields where the header has 19"):
        read_events(ragged)
    no_admin = tmp_path / "no_admin.csv"
    pd.read_csv(ACLED, dtype=str).drop(columns="admin1").to_csv(no_admin, index=False)
    with pytest.raises(DataError, match="missing required column.s. admin1 of the ACLED format"):
        read_events(no_admin)
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(DataError, match="not an ACLED export .* nor a UCDP GED export"):
        read_events(other)


def test_cli_bad_data_exits_2_with_one_line_and_writes_nothing(runs, tmp_path, capsys):
    _, root = runs
    row = dict(pd.read_csv(ACLED, dtype=str, keep_default_na=False).iloc[1])
    path = _acled_file(tmp_path, [dict(row, event_date="someday")])
    out = tmp_path / "cmp"
    assert main(["compare", str(root / "seed0"), str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "line 5: column event_date: 'someday'" in err
    assert not out.exists() and not list(tmp_path.glob(".cmp*"))


# ---------------------------------------------------------------- aggregation
def test_whole_months():
    assert list(map(str, whole_months(pd.Timestamp("2023-04-01").date(), 200))) == [
        "2023-04", "2023-05", "2023-06", "2023-07", "2023-08", "2023-09"]
    assert list(map(str, whole_months(pd.Timestamp("2023-04-02").date(), 60))) == ["2023-05"]


def test_simulated_events_count_for_ucdp_only_when_deadly():
    log = pd.DataFrame({"event_date": ["2023-05-01"] * 4, "event_type": [
        "Battles", "Battles", "Explosions/Remote violence", "Strategic developments"],
        "actor1": ["JNIM", "FAMa/Wagner", "JNIM", "CSP"], "actor2": ["FAMa", "", "UN", ""],
        "admin1": ["Douentza"] * 4, "fatalities": [3, 0, 2, 0]})
    ucdp = as_compared(simulated(log), "ucdp")
    assert list(ucdp["event_type"]) == ["Battles", "Battles"] and list(ucdp["admin1"]) == ["Mopti", "Mopti"]
    assert len(as_compared(simulated(log), "acled")) == 4


# ---------------------------------------------------------------- scores
def test_point_scores():
    s = point_scores(np.array([0, 2, 4, 10]), np.array([1, 2, 3, 14]))
    assert s["MAE"] == pytest.approx(1.5) and s["relative error"] == pytest.approx(6 / 16)
    assert s["Spearman"] == pytest.approx(1.0) and np.isnan(point_scores([1, 2], [0, 0])["Spearman"])


def test_ensemble_scores_against_closed_forms():
    obs = np.array([0.0, 3.0, 5.0])
    exact = ensemble_scores(obs, np.repeat(obs[:, None], 10, axis=1))
    assert exact["CRPS"] == 0 and exact["coverage 90%"] == 1
    members = np.array([[0, 1, 2, 3], [2, 2, 2, 2], [0, 0, 0, 0]], float)
    crps_first = np.mean(np.abs(members[0] - 0)) - 0.5 * np.mean(np.abs(members[0][:, None] - members[0]))
    assert ensemble_scores(obs[:1], members[:1])["CRPS"] == pytest.approx(crps_first)
    ls = log_score(obs, members)
    assert ls[1] == pytest.approx(-stats.poisson.logpmf(3, 2.0))  # no spread beyond Poisson: Poisson(mean)
    assert ls[2] == pytest.approx(-stats.poisson.logpmf(5, 0.1))  # all zero: mean floored at 0.1
    wide = np.array([[0, 0, 10, 10]], float)  # overdispersed: negative binomial by moments
    m, v = 5.0, 25.0
    assert log_score(np.array([4.0]), wide)[0] == pytest.approx(-stats.nbinom.logpmf(4, m * m / (v - m), m / v))
    skewed = np.array([[0, 0, 0, 4]], float)  # size 0.5 < 1 at a zero count (where scoringrules returns inf)
    assert log_score(np.array([0.0]), skewed)[0] == pytest.approx(-stats.nbinom.logpmf(0, 0.5, 1 / 3))
    zero = poisson_scores(obs, np.zeros(3))
    assert zero["CRPS"] == pytest.approx(obs.mean()) and zero["coverage 90%"] == pytest.approx(1 / 3)


def test_poisson_log_score_of_a_large_toll_is_finite_and_exact():
    """A toll of 5,000 against a mean of 10 scored inf or nan: scoringrules took the pmf, 0 in floating point,
    before its log.  −log(e^−μ μ^k / k!) = μ − k log μ + log k!, by hand."""
    by_hand = 10 - 5000 * math.log(10) + math.lgamma(5001)
    assert by_hand == pytest.approx(26088.218, abs=1e-3)
    baseline = poisson_scores(np.array([5000.0, 0.0]), np.array([10.0, 0.0]))  # the empty cell's mean: the floor
    assert baseline["log score"] == pytest.approx((by_hand + LOG_SCORE_FLOOR) / 2, rel=1e-12)
    model = log_score(np.array([5000.0, 200.0]), np.full((2, 4), 10.0))  # no spread: Poisson(10)
    assert model == pytest.approx([by_hand, 10 - 200 * math.log(10) + math.lgamma(201)], rel=1e-12)
    assert poisson_log_score(np.array([3.0, 0.0]), np.array([0.0, 0.0])).tolist() == [math.inf, 0.0]  # p = 0, 1


def test_poisson_crps_of_large_counts_and_means_matches_the_sum_over_counts():
    """The baselines' CRPS was nan (or inf) for a count or a mean in the hundreds; the discrete CRPS is
    Σ_k (F(k) − 1[k ≥ obs])², summed here far into both tails."""
    obs, mean = np.array([5000.0, 480.0, 150.0, 3.0, 2.0]), np.array([10.0, 500.0, 160.0, 2.0, 0.0])
    k = np.arange(8000)
    by_sum = [((stats.poisson.cdf(k, m) - (k >= y)) ** 2).sum() for y, m in zip(obs, mean)]
    assert poisson_crps(obs, mean) == pytest.approx(by_sum, rel=1e-9)
    assert poisson_scores(obs, mean)["CRPS"] == pytest.approx(np.mean(by_sum), rel=1e-9)


# ---------------------------------------------------------------- compare
def test_round_trip_a_runs_own_events_score_as_a_perfect_match(runs, tmp_path):
    results, root = runs
    data = tmp_path / "own.csv"
    to_acled(results[0].events, "vacuum-sim seed 0").to_csv(data, index=False)
    for by_actor in (False, True):
        c = compare([root / "seed0"], data, by_actor=by_actor)
        assert not c.report.unmapped_actors and not c.report.unknown_regions
        model = c.scores[c.scores["forecast"] == "model"].set_index("cells")
        assert (model["MAE"] == 0).all() and (model["relative error"].fillna(0) == 0).all()
        assert model.loc["all", "Spearman"] == pytest.approx(1.0)
        assert model.loc["all", "observed"] == model.loc["all", "predicted"] > 0
    fat = compare([root / "seed0"], data, measure="fatalities").scores
    assert fat.loc[fat["forecast"] == "model", "MAE"].max() == 0


def test_fixture_scored_beside_the_baselines(runs, tmp_path):
    _, root = runs
    c = compare([root / f"seed{s}" for s in range(3)], ACLED)
    assert str(c.reference) == "2023-04" and [str(m) for m in c.months] == [
        "2023-05", "2023-06", "2023-07", "2023-08", "2023-09"]
    table = c.scores.set_index(["cells", "forecast"])
    assert set(table.index.get_level_values("forecast")) == {"model", "zero", "no change"}
    assert table.loc[("all", "zero"), "CRPS"] == pytest.approx(c.observed.mean())
    assert table[["CRPS", "log score", "coverage 90%"]].notna().all().all()
    assert table.loc[("all", "model"), "observed"] == 15  # May–September rows of the fixture
    assert "Unidentified Armed Group (Mali) (1)" in c.text() and "no-change baseline = observed 2023-04" in c.text()
    ucdp = compare([root / "seed0"], UCDP, first="2023-09")
    assert [str(m) for m in ucdp.months] == ["2023-09"] and str(ucdp.reference) == "2023-08"
    assert set(ucdp.observed.index.get_level_values("event_type")) == {"Battles", "Violence against civilians"}


def test_cli_compare_writes_a_complete_folder(runs, tmp_path, capsys):
    _, root = runs
    out = tmp_path / "cmp"
    assert main(["compare", str(root / "seed0"), str(root / "seed1"), str(ACLED), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "CRPS" in printed and "no change" in printed
    assert {p.name for p in out.iterdir()} == {"report.txt", "scores.csv", "cells.csv", "comparison.png",
                                              "metadata.json"}
    cells = pd.read_csv(out / "cells.csv")
    assert {"observed", "model_median", "model_q05", "model_q95", "no_change"} <= set(cells.columns)
    assert main(["compare", str(root / "seed0"), str(ACLED), "--out", str(out)]) == 2  # never overwritten
    assert main(["compare", str(root / "seed0"), str(ACLED), "--from", "May", "--out", str(tmp_path / "x")]) == 2
    assert not (tmp_path / "x").exists()
