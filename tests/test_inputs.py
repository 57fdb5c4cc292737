"""Bad input: a clear one-line error naming the file, the key and what is allowed; exit 2; nothing written."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date

import pytest

from vacuum_sim.cli import main
from vacuum_sim.inputs.geography import DEPLOYMENT_DATE, MapError, data_dir, load_map
from vacuum_sim.inputs.scenario import Scenario, ScenarioError, apply_changes, load_scenario, start_window

BAD_SCENARIOS = {
    "misspelt key": ('extends = "historical_2023"\n[params]\nwagner_manpowr = 10\n', "params.wagner_manpowr", "allowed:"),
    "out of range": ('extends = "historical_2023"\n[params]\nwagner_manpower = -5\n', "params.wagner_manpower",
                     "must be in [0, 10000]"),
    "unknown town": ('extends = "historical_2023"\n[un_closures]\nAtlantis = 2023-09-01\n', "un_closures.Atlantis",
                     "unknown UN site"),
    "closure before start": ('extends = "historical_2023"\n[un_closures]\nKidal = 2022-01-01\n', "un_closures.Kidal",
                             "allowed from the start date 2023-04-01"),
    "closure past the calendar": ('extends = "historical_2023"\n[un_closures]\nKidal = 9999-12-31\n',
                                  "un_closures.Kidal", 'to 2033-03-29, or "never"'),
    "inf for an integer": ('extends = "historical_2023"\n[params]\nwagner_manpower = inf\n', "params.wagner_manpower",
                           "must be in [0, 10000]"),
    "nan for an integer": ('extends = "historical_2023"\n[params]\nunit_size = nan\n', "params.unit_size",
                           "must be in [20, 2000]"),
    "-inf for a float": ('extends = "historical_2023"\n[params]\nlethality = -inf\n', "params.lethality",
                         "must be in [0, 1]"),
    "datetime start": ('start_date = 2023-04-01T08:00:00\n', "start_date", "must be a date like 2023-04-01"),
    "time of day start": ('start_date = 08:00:00\n', "start_date", "must be a date like 2023-04-01"),
    "datetime closure": ('[un_closures]\nKidal = 2023-10-31T00:00:00Z\n', "un_closures.Kidal",
                         'must be a date like 2023-10-31 or "never"'),
    "start before the data": ('start_date = 2022-01-01\n', "start_date", "must be from 2023-04-01"),
    "start after the data": ('start_date = 2024-01-01\n', "start_date", "to 2023-08-03 (the first UN closure"),
    "start the calendar cannot reach": ('start_date = 9999-12-31\n', "start_date", "must be from 2023-04-01"),
    "zero days": ('days = 0\n', "days", "must be a whole number in [1, 3650]"),
    "description not text": ('description = 3\n', "description", "must be a string of text"),
    "extends not a name": ('extends = 3\n', "extends", "must be a bundled scenario's name or a path"),
    "extends a missing file": ('extends = "../nowhere.toml"\n', "extends", "a relative path starts from this file"),
    "extends an unknown name": ('extends = "historicl_2023"\n', "extends", "available: army_holds_centre"),
    "malformed TOML": ('extends = "historical_2023"\n[params\n', "(syntax)", "malformed TOML"),
    "unknown top-level key": ('extend = "historical_2023"\n', "extend", "allowed: description"),
}


@pytest.mark.parametrize("case", BAD_SCENARIOS, ids=list(BAD_SCENARIOS))
def test_bad_scenario_file_is_refused_with_a_clear_message(case, tmp_path, capsys):
    text, key, allowed = BAD_SCENARIOS[case]
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    _refused(path, key, allowed, tmp_path, capsys)


@pytest.mark.parametrize("content, message", [
    (b'description = "a"\n\x00\x01\x02', "binary file (contains NUL bytes)"),
    (b'description = "caf\xe9"\n', "not UTF-8 text (byte 0xe9 at offset 18)"),
], ids=["NUL bytes", "Latin-1"])
def test_a_binary_scenario_file_is_refused_naming_the_file(content, message, tmp_path, capsys):
    path = tmp_path / "binary.toml"
    path.write_bytes(content)
    _refused(path, "(file)", message, tmp_path, capsys)


def _refused(path, key, allowed, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--days", "5"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and key in err and allowed in err, err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists() and not list(tmp_path.glob("out*"))
    assert main(["validate", str(path)]) == 2


def test_bad_set_and_unknown_scenario_from_the_command_line(tmp_path):
    """Run as users do: a subprocess, exit status 2, no traceback, no output folder."""
    for args in (["run", "historicl_2023"], ["run", "--set", "reclaim_weight=1.5"], ["run", "--set", "un_withdrawal=3"],
                 ["run", "--set", "fama_manpower=inf"], ["run", "--set", "start_date=2023-04-01T00:00:00"]):
        out = tmp_path / "r"
        proc = subprocess.run([sys.executable, "-m", "vacuum_sim.cli", *args, "--out", str(out)],
                              capture_output=True, text=True, check=False)
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr and proc.stderr.startswith("vacuum-sim: error:")
        assert not out.exists()
    assert "available: army_holds_centre" in subprocess.run(
        [sys.executable, "-m", "vacuum_sim.cli", "run", "historicl_2023"], capture_output=True, text=True,
        check=False).stderr


def test_extends_names_a_bundled_scenario_or_a_path_from_the_extending_files_folder(tmp_path, monkeypatch):
    (tmp_path / "base.toml").write_text('extends = "no_wagner"\n[params]\nreclaim_weight = 0.5\n', encoding="utf-8")
    (tmp_path / "sibling.toml").write_text('extends = "base.toml"\n[params]\nops_per_month = 10.0\n', encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "child.toml").write_text('extends = "../sibling.toml"\ndays = 40\n', encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # relative to the file, never to the working directory
    child = load_scenario(tmp_path / "sub" / "child.toml")
    assert child.name == "child" and child.days == 40
    assert child.params["ops_per_month"] == 10.0 and child.params["reclaim_weight"] == 0.5
    assert child.params["wagner_manpower"] == 0  # from the bundled no_wagner, named bare
    (elsewhere / "no_wagner.toml").write_text('[params]\nwagner_manpower = 7\n', encoding="utf-8")
    assert load_scenario(tmp_path / "base.toml").params["wagner_manpower"] == 0  # a bare name is never a local file


def test_a_circular_extends_chain_is_refused(tmp_path):
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('extends = "./a.toml"\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match="circular 'extends' chain"):
        load_scenario(tmp_path / "a.toml")


def test_the_start_window_comes_from_the_map_data():
    first, last = start_window(load_map())
    assert first == DEPLOYMENT_DATE == date(2023, 4, 1)
    assert last == min(load_map().un_sites["closure_date"]) == date(2023, 8, 3)
    assert load_scenario("historical_2023").start_date == first
    for start in (first, last):  # both ends are allowed
        assert apply_changes(Scenario("x"), {"start_date": start}, "test").start_date == start


def test_a_closure_on_the_start_day_is_accepted_and_applied_on_day_0():
    from vacuum_sim.model.model import VacuumModel

    mali = load_map()
    scn = apply_changes(Scenario("x"), {"un_closures": {"Kidal": DEPLOYMENT_DATE}}, "test", mali)
    kidal = mali.node("Kidal")
    m = VacuumModel(scn, rng=0, mali=mali)
    assert m.vacated[kidal] and not m.un_open[kidal] and m.vacated.sum() == 1


def _broken_map(tmp_path, file: str, edit):
    d = tmp_path / "data"
    shutil.copytree(data_dir(), d)
    path = d / file
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return d


@pytest.mark.parametrize("file, edit, message", [
    ("corridors.csv", lambda t: t.replace("Bamako,Kati,", "Bamako,Katy,", 1), "unknown town 'Katy'"),
    ("towns.csv", lambda t: t + t.splitlines()[1] + "\n", "duplicate town 'Bamako'"),
    ("towns.csv", lambda t: t.replace("Kati,12.74,-8.07", "Kati,,-8.07"), "has no coordinate"),
    ("corridors.csv", lambda t: "\n".join(line for line in t.splitlines() if not line.startswith("Timbuktu,Araouane,")) + "\n",
     "disconnected; cut-off group: Araouane, Taoudenni"),
    ("corridors.csv", lambda t: t.replace(",paved,", ",tarmac,", 1), "kind must be one of"),
    ("towns.csv", lambda t: t.replace(",yes,no\n", ",no,no\n", 1), "exactly one town must have capital=yes, got 0"),
])
def test_inconsistent_map_data_is_a_clear_error(tmp_path, file, edit, message):
    with pytest.raises(MapError, match=message):
        load_map(_broken_map(tmp_path, file, edit))


def test_the_shipped_map_matches_its_sources():
    mali = load_map()
    assert mali.graph.number_of_nodes() == 62
    assert len(mali.corridors) == 89  # two town pairs are joined by both a road and the river
    assert len(mali.un_sites) == 13
    assert all(isinstance(v, int) for v in mali.graph)
