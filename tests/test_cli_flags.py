"""Command-line flags: bad values get one line and exit 2; the app warns when served to the network; a closed
pipe stops the command quietly; runs report the commit only of the checkout the package is tracked in."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from vacuum_sim import cli
from vacuum_sim.runs.runner import git_commit

CLI = [sys.executable, "-m", "vacuum_sim.cli"]


@pytest.mark.parametrize("args, says", [
    (["run", "--days", "0"], "argument --days: must be a whole number in [1, 3650], got '0'"),
    (["run", "--days", "3651"], "argument --days: must be a whole number in [1, 3650]"),
    (["run", "--days", "ten"], "argument --days: must be a whole number in [1, 3650], got 'ten'"),
    (["run", "--seed", "-1"], "argument --seed: must be a whole number in [0, 2**64 - 1], got '-1'"),
    (["run", "--seed", str(2**64)], "argument --seed: must be a whole number in [0, 2**64 - 1]"),
    (["app", "--port", "0"], "argument --port: must be a whole number in [1, 65535], got '0'"),
    (["app", "--port", "70000"], "argument --port: must be a whole number in [1, 65535], got '70000'"),
    (["run", "--no-such-flag"], "unrecognized arguments: --no-such-flag"),
])
def test_a_bad_flag_is_one_line_and_exit_2(args, says, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(args)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("vacuum-sim: error: ") and says in err and len(err.splitlines()) == 1, err


def test_the_largest_seed_is_accepted(tmp_path):
    assert cli.main(["run", "--days", "1", "--seed", str(2**64 - 1), "--no-figures", "--out", str(tmp_path / "r")]) == 0


@pytest.mark.parametrize("host, warned", [("0.0.0.0", True), ("192.168.1.5", True), ("::", True),
                                          ("127.0.0.1", False), ("localhost", False), ("::1", False)])
def test_the_app_warns_when_it_will_be_reachable_from_the_network(host, warned, monkeypatch, capsys):
    pytest.importorskip("solara")
    started = []
    monkeypatch.setattr(cli.os, "execve", lambda path, argv, env: started.append(argv))
    cli.main(["app", "--host", host, "--port", "8999"])
    err = capsys.readouterr().err
    assert ("reachable from the network" in err) is warned, err
    assert started and started[0][started[0].index("--host") + 1] == host


def test_a_closed_pipe_stops_the_command_without_a_traceback():
    """`vacuum-sim params | head -1`: the reader has gone before the table is written."""
    proc = subprocess.Popen([*CLI, "params"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == cli.EXIT_BROKEN_PIPE
    assert err == ""


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=cwd, check=True,
                          capture_output=True, text=True).stdout.strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_commit_is_reported_only_for_a_checkout_that_tracks_the_package(tmp_path):
    repo = tmp_path / "other_project"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "README").write_text("someone else's project")
    _git(repo, "add", "README")
    _git(repo, "commit", "-q", "-m", "theirs")
    installed = repo / "venv" / "site-packages" / "vacuum_sim" / "runs" / "runner.py"  # a wheel unpacked in it
    installed.parent.mkdir(parents=True)
    installed.write_text("# installed copy")
    assert git_commit(installed) is None
    _git(repo, "add", str(installed))
    _git(repo, "commit", "-q", "-m", "vendored")
    assert git_commit(installed) == _git(repo, "rev-parse", "HEAD")
    assert git_commit(tmp_path / "runner.py") is None  # not in any checkout
