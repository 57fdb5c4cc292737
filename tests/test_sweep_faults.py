"""Sweeps under faults: a killed parent, a killed worker, corrupt part files, a second --resume, every run failing,
and progress in a log.  Each fault is either survived (the results equal an uninterrupted sweep's) or refused with
one clear message; none leaves a process behind or lets a bad file through.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pandas as pd
import psutil
import pytest
from test_sweep import SMALL, study, tidy

from vacuum_sim import cli
from vacuum_sim.sweeps import analysis
from vacuum_sim.sweeps.experiment import ExperimentError
from vacuum_sim.sweeps.store import Store
from vacuum_sim.sweeps.sweep import sweep
from vacuum_sim.sweeps.worker import FAULTS_ENV

TWO_RUNS = ('days = 30\nreplicates = 2\n[design]\ntype = "full_factorial"\n[factors]\nreclaim_weight = { levels = [0.5] }\n'
            '[output]\nmetrics = ["cum_recruits_JNIM"]\n')
TINY = TWO_RUNS.replace("levels = [0.5]", "levels = [0.5, 0.85]").replace('["cum_recruits_JNIM"]', '["n_towns_*"]')


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """Four 30-day runs (2 points × 2 seeds) and their uninterrupted sweep."""
    tmp = tmp_path_factory.mktemp("tiny")
    exp = study(tmp, TINY)
    assert sweep(exp, out=tmp / "sweep", workers=2, progress=False).done == 4
    return exp, tmp / "sweep"


def in_session(sid: int) -> list[psutil.Process]:
    """Live (not zombie) processes of a session: the sweep started as its leader, and everything it started."""
    out = []
    for p in psutil.process_iter(["status"]):
        try:
            if os.getsid(p.pid) == sid and p.info["status"] != psutil.STATUS_ZOMBIE:
                out.append(p)
        except (ProcessLookupError, PermissionError):
            pass
    return out


def recorded(out) -> int:
    """Finished runs the manifest vouches for (0 before it exists)."""
    try:
        return sum(r["state"] != "pending" for r in json.loads((out / "manifest.json").read_text())["runs"])
    except (FileNotFoundError, json.JSONDecodeError):
        return 0


def test_kill_9_of_the_parent_mid_run_leaves_no_process_behind(tmp_path):
    """SIGKILL on the sweep alone (not its process group), while its two workers are in the middle of long runs:
    the workers, the forkserver and the resource tracker go with it, at once, not when their runs end."""
    exp = study(tmp_path, TWO_RUNS.replace("days = 30", "days = 3000"))  # runs of ~10 s
    proc = subprocess.Popen([sys.executable, "-m", "vacuum_sim.cli", "sweep", str(exp), "--workers", "2",
                             "--out", str(tmp_path / "out")], start_new_session=True, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(in_session(proc.pid)) < 5 and time.monotonic() < deadline:  # sweep, forkserver, tracker, 2 workers
        time.sleep(0.05)
    time.sleep(0.5)  # the workers have their runs
    assert len(in_session(proc.pid)) >= 5 and proc.poll() is None
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 3
    while (left := in_session(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, f"left behind: {[(p.pid, p.name()) for p in left]}"


def test_ctrl_c_stops_the_sweep_with_one_line_and_leaves_it_resumable(tmp_path):
    """Ctrl-C reaches the whole process group, as from a terminal: one line, exit status 130, no process left."""
    exp = study(tmp_path, TWO_RUNS.replace("days = 30", "days = 3000"))
    proc = subprocess.Popen([sys.executable, "-m", "vacuum_sim.cli", "sweep", str(exp), "--workers", "2",
                             "--out", str(tmp_path / "out")], start_new_session=True, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(in_session(proc.pid)) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGINT)
    assert proc.wait(timeout=30) == 130
    assert proc.stderr.read().strip() == "vacuum-sim: sweep interrupted; finish it with --resume"
    assert not in_session(proc.pid)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["counts"] == {"done": 0, "failed": 0, "pending": 2}


def test_resume_after_kill_9_equals_an_uninterrupted_sweep_and_a_second_resume_is_locked_out(tmp_path, capsys):
    # 12 runs of 400 days: on one worker long enough (several seconds even on a quiet machine) for the lock
    # check and the kill to land mid-way; the manifest that the loop below watches is rewritten about once a second.
    exp = study(tmp_path, SMALL.replace("days = 120", "days = 400"))
    ref = tmp_path / "reference"
    sweep(exp, out=ref, workers=2, progress=False)
    out = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, "-m", "vacuum_sim.cli", "sweep", str(exp), "--workers", "1",
                             "--out", str(out)], start_new_session=True, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while recorded(out) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)

    assert cli.main(["sweep", str(exp), "--out", str(out), "--resume"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"vacuum-sim: error: --out: {out}: another sweep (process {proc.pid}) is running in this folder; " \
                  "wait for it to end"

    os.kill(proc.pid, signal.SIGKILL)  # the lock goes with the process
    proc.wait()
    done = recorded(out)
    assert 3 <= done < 12, "the kill should land mid-way"
    (out / "runs" / ".run-000011.parquet.tmp").write_bytes(b"PAR1 cut short")  # a write interrupted by the kill
    report = sweep(exp, out=out, workers=2, resume=True, progress=False)
    assert report.ran == 12 - done and report.done == 12
    assert not list((out / "runs").glob(".*"))
    pd.testing.assert_frame_equal(tidy(out), tidy(ref))


def test_a_run_that_kills_its_worker_once_costs_one_retried_run(tiny, tmp_path, monkeypatch, capfd):
    exp, ref = tiny
    monkeypatch.setenv(FAULTS_ENV, "1=kill-once")
    report = sweep(exp, out=tmp_path / "retried", workers=2, progress=False)
    assert (report.done, report.failed, report.ran, report.retried) == (4, 0, 4, 1)
    assert "Traceback" not in capfd.readouterr().err
    pd.testing.assert_frame_equal(tidy(tmp_path / "retried"), tidy(ref))


def test_a_run_that_always_kills_its_worker_is_recorded_as_failed(tiny, tmp_path, monkeypatch):
    exp, ref = tiny
    monkeypatch.setenv(FAULTS_ENV, "2=kill")
    report = sweep(exp, out=tmp_path / "killer", workers=2, progress=False)
    assert (report.done, report.failed, report.retried) == (3, 1, 1)
    error = json.loads((tmp_path / "killer" / "failed" / "run-000002.json").read_text())["error"]
    assert error == "the worker process running it died (killed by SIGKILL) on each of 2 attempts"
    expected = tidy(ref)
    pd.testing.assert_frame_equal(tidy(tmp_path / "killer"), expected[expected["run"] != 2].reset_index(drop=True))


def corrupt(store: Store, run: int, how: str) -> None:
    path = store.part(run)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] if how == "truncate" else data[:100] + bytes([data[100] ^ 1]) + data[101:])


def test_resume_runs_corrupted_and_truncated_parts_again(tiny, tmp_path):
    exp, ref = tiny
    out = tmp_path / "copy"
    shutil.copytree(ref, out)
    corrupt(Store(out), 1, "flip")
    corrupt(Store(out), 3, "truncate")
    report = sweep(exp, out=out, workers=2, resume=True, progress=False)
    assert (report.ran, report.corrupt, report.done) == (2, [1, 3], 4)
    assert "run 1, 3: file missing, corrupted or truncated (checksum mismatch); run again" in str(report)
    pd.testing.assert_frame_equal(tidy(out), tidy(ref))


def test_analysis_refuses_a_corrupted_part(tiny, tmp_path, capsys):
    _, ref = tiny
    out = tmp_path / "copy"
    shutil.copytree(ref, out)
    corrupt(Store(out), 2, "flip")
    with pytest.raises(ExperimentError, match="run-000002.parquet: sha256: missing, corrupted or truncated"):
        analysis.load(out)
    assert cli.main(["analyse", str(out), "--metric", "n_towns_JNIM_centre"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and str(Store(out).part(2)) in err and "--resume" in err


def test_a_sweep_in_which_every_run_failed_exits_non_zero(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(FAULTS_ENV, "0=raise,1=raise")
    exp = study(tmp_path, TWO_RUNS)
    assert cli.main(["sweep", str(exp), "--out", str(tmp_path / "out"), "--workers", "1"]) == 1
    captured = capsys.readouterr()
    assert "0/2 runs done, 2 failed" in captured.out
    assert captured.err.strip().splitlines()[-1] == f"vacuum-sim: error: every run failed; see {tmp_path / 'out'}/failed"


def test_progress_is_reported_without_a_terminal(tiny, tmp_path, capsys):
    """In a log (stderr not a terminal, as under capsys) a line per tenth of the runs; here every run of four."""
    exp, _ = tiny
    sweep(exp, out=tmp_path / "out", workers=1)
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(",")[0] for line in lines] == [f"study: {i}/4 runs" for i in (1, 2, 3, 4)]
