"""Same scenario and seed give identical outputs, in one process or across processes, and from the scenario.toml a run
writes; seeds differ."""

from __future__ import annotations

import multiprocessing
import tempfile
import tomllib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pandas as pd
from helpers import mali
from hypothesis import given, settings
from hypothesis import strategies as st

from vacuum_sim.cli import main
from vacuum_sim.inputs.params import PARAMS
from vacuum_sim.inputs.scenario import MAX_DAYS, Scenario, load_scenario, start_window, toml_value
from vacuum_sim.runs.runner import resolve, run


def _tables(seed: int):
    r = run("historical_2023", seed=seed, days=200)
    return r.metrics, r.control, r.events


def test_same_seed_same_outputs_in_process_and_across_processes():
    first = _tables(3)
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
        others = list(pool.map(_tables, [3, 3]))
    for other in [_tables(3), *others]:
        for a, b in zip(first, other):
            pd.testing.assert_frame_equal(a, b)


def test_different_seeds_give_different_outputs():
    a, b = _tables(1), _tables(2)
    assert not a[0].equals(b[0])
    assert not a[2].equals(b[2])


def test_outputs_record_scenario_seed_and_version(tmp_path):
    from vacuum_sim import __version__
    from vacuum_sim.runs.results import load_run

    run("no_wagner", seed=5, days=30, out=tmp_path / "r")
    loaded = load_run(tmp_path / "r")
    assert loaded.metadata["scenario"] == "no_wagner"
    assert loaded.metadata["seed"] == 5
    assert loaded.metadata["version"] == __version__
    assert "wagner_manpower = 0" in loaded.scenario_toml
    assert len(loaded.metrics) == 31 and loaded.metrics.index[0] == pd.Timestamp("2023-04-01")


# --- the resolved scenario.toml round-trips --------------------------------------------------------------------------

def _param_values():
    """Every parameter at any allowed value, its range's ends included (hypothesis favours them)."""
    def one(p):
        if p.dtype is bool:
            return st.booleans()
        if p.dtype is int:
            return st.integers(int(p.low), int(p.high))
        return st.floats(p.low, p.high, allow_nan=False)
    return st.fixed_dictionaries({p.name: one(p) for p in PARAMS})


TRICKY = '"\\\'\n\r\t\b\f\x00\x1f\x7f\x80\u2028\ufeff#=[]{} aé…𝔐'  # escapes, controls, TOML syntax, non-BMP


@st.composite
def scenarios(draw):
    first, last = start_window(mali())
    start = draw(st.dates(first, last))
    when = st.one_of(st.none(), st.dates(start, start + timedelta(days=MAX_DAYS)))
    closures = draw(st.dictionaries(st.sampled_from(list(mali().un_sites["town"])), when))
    description = draw(st.one_of(st.text(), st.text(alphabet=TRICKY)))
    return Scenario("s", description, start, draw(st.integers(1, MAX_DAYS)), draw(_param_values()), closures)


@settings(max_examples=40, deadline=None)
@given(scenarios())
def test_a_resolved_scenario_reads_back_equal(scn):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "s.toml"
        path.write_text(scn.to_toml(), encoding="utf-8")
        back = load_scenario(path, mali())
    assert back == scn
    assert {k: type(v) for k, v in back.params.items()} == {k: type(v) for k, v in scn.params.items()}  # true is not 1


def test_toml_values_spell_out_what_toml_allows():
    assert toml_value(float("inf")) == "inf" and toml_value(float("-inf")) == "-inf" and toml_value(float("nan")) == "nan"
    assert toml_value('a"b\\c\nd\x7f') == '"a\\"b\\\\c\\nd\\u007F"'
    assert tomllib.loads(f"v = {toml_value(5e-324)}")["v"] == 5e-324


def test_a_runs_scenario_toml_validates_and_reruns_to_identical_tables(tmp_path):
    scn = replace(resolve("historical_2023", days=10, overrides={"wagner_manpower": 1500, "un_closures.Kidal": "never"}),
                  description='Two lines, "quotes", a back\\slash,\nünïcode — and a tab\there')
    run(scn, seed=4, out=tmp_path / "a")
    written = tmp_path / "a" / "scenario.toml"
    assert main(["validate", str(written)]) == 0
    run(written, seed=4, out=tmp_path / "b")
    for table in ("metrics", "control", "events", "towns"):
        assert (tmp_path / "a" / f"{table}.csv").read_bytes() == (tmp_path / "b" / f"{table}.csv").read_bytes(), table
    assert (tmp_path / "b" / "scenario.toml").read_text(encoding="utf-8") == written.read_text(encoding="utf-8").replace(
        '# resolved scenario "historical_2023"', '# resolved scenario "scenario"')
