"""The run folder: --out is checked before the simulation, and a folder is either complete or visibly incomplete."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from vacuum_sim.cli import main
from vacuum_sim.runs import runner
from vacuum_sim.runs.results import load_run, partial_path


@pytest.fixture
def no_simulation(monkeypatch):
    """Fail loudly if a run gets as far as simulating."""
    def simulate(*args, **kwargs):
        raise AssertionError("the simulation started before --out was checked")
    monkeypatch.setattr(runner, "simulate", simulate)


def _unwritable(tmp_path: Path) -> Path:
    """A place where no folder can be made: a read-only folder, or for root (whom permissions do not stop) /sys."""
    if os.geteuid() == 0:
        if not sys.platform.startswith("linux"):
            pytest.skip("needs a folder root cannot write to")
        return Path("/sys/vacuum_sim_test/run")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    return locked / "run"


@pytest.mark.parametrize("case", ["existing folder", "a file", "under a file", "unwritable"])
def test_a_bad_out_is_refused_before_the_simulation(case, tmp_path, capsys, no_simulation):
    existing = tmp_path / "r"
    existing.mkdir()
    (existing / "keep.txt").write_text("mine")
    out, says = {
        "existing folder": (existing, "is an existing folder; runs never overwrite"),
        "a file": (existing / "keep.txt", "is a file; runs never overwrite"),
        "under a file": (existing / "keep.txt" / "run", "keep.txt is a file, so no folder can be made under it"),
        "unwritable": (_unwritable(tmp_path), "cannot create a folder there"),
    }[case]
    assert main(["run", "--days", "3", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"vacuum-sim: error: --out {out}: ") and says in err and len(err.splitlines()) == 1, err
    assert (existing / "keep.txt").read_text() == "mine" and sorted(os.listdir(existing)) == ["keep.txt"]
    assert sorted(os.listdir(tmp_path)) in (["r"], ["locked", "r"])


def test_a_folder_appears_under_its_name_only_when_everything_in_it_is_written(tmp_path):
    out = tmp_path / "r"
    seen = {}

    def finish(folder):
        seen["folder"], seen["out_exists"] = folder, out.exists()
        seen["files"] = sorted(p.name for p in folder.iterdir())
        (folder / "figures").mkdir()
        (folder / "figures" / "drawn.png").write_bytes(b"png")

    runner.run("historical_2023", days=3, out=out, finish=finish)
    assert seen["folder"] == partial_path(out) == tmp_path / "r.partial" and not seen["out_exists"]
    assert seen["files"] == sorted(["metrics.csv", "control.csv", "events.csv", "towns.csv", "corridors.csv",
                                    "scenario.toml", "metadata.json"])
    assert sorted(os.listdir(tmp_path)) == ["r"] and (out / "figures" / "drawn.png").is_file()


def test_a_run_that_fails_while_drawing_leaves_nothing(tmp_path):
    def finish(folder):
        raise RuntimeError("figure failed")

    with pytest.raises(RuntimeError, match="figure failed"):
        runner.run("historical_2023", days=3, out=tmp_path / "r", finish=finish)
    assert os.listdir(tmp_path) == []


def test_a_killed_runs_leftover_is_visible_and_not_overwritten(tmp_path, capsys, no_simulation):
    out = tmp_path / "r"
    partial_path(out).mkdir()
    (partial_path(out) / "metrics.csv").write_text("half")
    assert main(["run", "--days", "3", "--out", str(out)]) == 2
    assert "r.partial exists (a run into it is under way or was killed)" in capsys.readouterr().err
    assert (partial_path(out) / "metrics.csv").read_text() == "half" and not out.exists()


def test_the_cli_writes_tables_figures_and_animation_and_records_the_overrides(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["run", "no_wagner", "--days", "4", "--seed", "2", "--set", "reclaim_weight=0.5",
                 "--set", "un_closures.Kidal=never", "--out", str(out)]) == 0
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert meta["overrides"] == ["reclaim_weight=0.5", "un_closures.Kidal=never"]
    assert meta["scenario"] == "no_wagner" and meta["seed"] == 2 and meta["days"] == 4
    figures = {p.name for p in (out / "figures").iterdir()}
    assert {"control_maps.png", "control_share.png", "capacity.png", "operations.png", "control.gif"} <= figures
    assert sorted(os.listdir(tmp_path)) == ["r"]
    printed = capsys.readouterr().out.splitlines()
    listed = [line.split("figure: ")[1] for line in printed if line.startswith("  figure: ")]
    assert sorted(listed) == sorted(str(out / "figures" / name) for name in figures)  # the final names
    assert f"wrote {out}" in printed


def test_the_python_api_records_its_overrides_in_the_same_form(tmp_path):
    r = runner.run("historical_2023", days=2, overrides={"wagner_manpower": 1500, "un_closures.Gao": "never"},
                   out=tmp_path / "r")
    assert r.metadata["overrides"] == ["wagner_manpower=1500", 'un_closures.Gao="never"']
    assert load_run(tmp_path / "r").metadata["overrides"] == r.metadata["overrides"]
    again = runner.run("historical_2023", days=2, overrides=r.metadata["overrides"])
    assert again.metrics.equals(r.metrics)
