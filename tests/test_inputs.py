"""Bad input: a clear one-line error naming the file, the key and what is allowed; exit 2; nothing written."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from vacuum_sim.cli import main
from vacuum_sim.inputs.geography import MapError, data_dir, load_map

BAD_SCENARIOS = {
    "misspelt key": ('extends = "historical_2023"\n[params]\nwagner_manpowr = 10\n', "params.wagner_manpowr", "allowed:"),
    "out of range": ('extends = "historical_2023"\n[params]\nwagner_manpower = -5\n', "params.wagner_manpower",
                     "must be in [0, 10000]"),
    "unknown town": ('extends = "historical_2023"\n[un_closures]\nAtlantis = 2023-09-01\n', "un_closures.Atlantis",
                     "unknown UN site"),
    "closure before start": ('extends = "historical_2023"\n[un_closures]\nKidal = 2022-01-01\n', "un_closures.Kidal",
                             "before the start date"),
    "malformed TOML": ('extends = "historical_2023"\n[params\n', "(syntax)", "malformed TOML"),
    "unknown top-level key": ('extend = "historical_2023"\n', "extend", "allowed: description"),
}


@pytest.mark.parametrize("case", BAD_SCENARIOS, ids=list(BAD_SCENARIOS))
def test_bad_scenario_file_is_refused_with_a_clear_message(case, tmp_path, capsys):
    text, key, allowed = BAD_SCENARIOS[case]
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--days", "5"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and key in err and allowed in err, err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists() and not list(tmp_path.glob(".out*"))
    assert main(["validate", str(path)]) == 2


def test_bad_set_and_unknown_scenario_from_the_command_line(tmp_path):
    """Run as users do: a subprocess, exit status 2, no traceback, no output folder."""
    for args in (["run", "historicl_2023"], ["run", "--set", "north_share=1.5"], ["run", "--set", "un_withdrawal=3"]):
        out = tmp_path / "r"
        proc = subprocess.run([sys.executable, "-m", "vacuum_sim.cli", *args, "--out", str(out)],
                              capture_output=True, text=True, check=False)
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr and proc.stderr.startswith("vacuum-sim: error:")
        assert not out.exists()
    assert "available: army_holds_centre" in subprocess.run(
        [sys.executable, "-m", "vacuum_sim.cli", "run", "historicl_2023"], capture_output=True, text=True,
        check=False).stderr


def test_an_existing_output_folder_is_never_overwritten(tmp_path, capsys):
    out = tmp_path / "r"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert main(["run", "--days", "3", "--out", str(out), "--no-figures"]) == 2
    assert (out / "keep.txt").read_text() == "mine"
    assert "exists" in capsys.readouterr().err


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
])
def test_inconsistent_map_data_is_a_clear_error(tmp_path, file, edit, message):
    with pytest.raises(MapError, match=message):
        load_map(_broken_map(tmp_path, file, edit))


def test_the_shipped_map_matches_its_sources():
    mali = load_map()
    assert mali.graph.number_of_nodes() == 59
    assert len(mali.corridors) == 83  # two town pairs are joined by both a road and the river
    assert len(mali.un_sites) == 13
    assert all(isinstance(v, int) for v in mali.graph)
