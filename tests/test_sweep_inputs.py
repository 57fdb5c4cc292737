"""Sweep inputs that are refused before any run: each exits 2 with one line naming the file or flag, the key and what
is allowed, writes nothing and starts no worker."""

from __future__ import annotations

import socket
import time

import pytest
from test_sweep import study

from vacuum_sim import cli
from vacuum_sim.inputs.params import PARAMS
from vacuum_sim.sweeps.experiment import MAX_RUNS, MAX_VALUES, load_experiment


def experiment_text(design="full_factorial", factor="reclaim_weight = { levels = [0.5] }", metric="cum_recruits_JNIM",
                    seeds="replicates = 1"):
    return f'days = 30\n{seeds}\n[design]\ntype = "{design}"\n[factors]\n{factor}\n[output]\nmetrics = ["{metric}"]\n'


INVALID = {  # case: (experiment file, key named in the error, what the error says is allowed)
    "unknown parameter": (experiment_text(factor="fama_manpowr = { levels = [1000] }"), "factors.fama_manpowr",
                          "allowed: unit_size, fama_manpower"),
    "out of range": (experiment_text(factor="reclaim_weight = { levels = [0.5, 1.5] }"), "factors.reclaim_weight.levels",
                     "must be in [0, 1]"),
    "not whole": (experiment_text(factor="fama_manpower = { levels = [6000.5] }"), "factors.fama_manpower.levels",
                  "must be a whole number in [0, 100000]"),
    "range in a grid": (experiment_text(factor="reclaim_weight = { range = [0.2, 0.8] }"), "factors.reclaim_weight",
                        "needs levels = ["),
    "unknown design": (experiment_text(design="grid"), "design.type", "allowed: full_factorial, latin_hypercube, sobol"),
    "unknown metric": (experiment_text(metric="cum_recruits_JIM"), "output.metrics", "allowed: new_ops_north"),
    "seed beyond 64 bits": (experiment_text(seeds="seeds = [1, 18446744073709551616]"), "seeds[1]",
                            "must be a whole number in [0, 2**64 - 1]"),
    "negative seed": (experiment_text(seeds="seeds = [-1]"), "seeds[0]", "must be a whole number in [0, 2**64 - 1]"),
    "too many runs": (experiment_text(seeds="replicates = 100001"), "(size)",
                      "100,001 runs × 31 kept days × 1 metric = 3,100,031 values, above the limits of 100,000 runs"),
}


def refused(argv: list[str], capsys) -> str:
    """The one line of a refusal (exit status 2)."""
    try:
        code = cli.main(argv)
    except SystemExit as e:  # argparse's refusals
        code = e.code
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err
    return err


@pytest.mark.parametrize("case", INVALID)
def test_invalid_experiment_gets_a_clear_error_and_writes_nothing(case, tmp_path, capsys):
    text, key, allowed = INVALID[case]
    exp = study(tmp_path, text)
    err = refused(["sweep", str(exp), "--out", str(tmp_path / "out")], capsys)
    assert str(exp / "experiment.toml") in err and f": {key}: " in err and allowed in err
    assert not (tmp_path / "out").exists()


def test_size_is_checked_before_the_design_is_drawn_and_the_limits_can_be_raised(tmp_path, capsys):
    """A grid of 10^8 points is refused at once (drawing it would exhaust memory); the limits can be raised."""
    numeric = [p for p in PARAMS if p.dtype is float and p.low < p.high][:8]
    huge = "\n".join(f"{p.name} = {{ levels = {[p.low + (p.high - p.low) * i / 9 for i in range(10)]} }}"
                     for p in numeric)
    exp = study(tmp_path, experiment_text(factor=huge), "huge")
    start = time.perf_counter()
    err = refused(["sweep", str(exp), "--max-runs", str(10**12)], capsys)
    assert time.perf_counter() - start < 5
    assert err.endswith("(size): 100,000,000 runs × 31 kept days × 1 metric = 3,100,000,000 values, above the limits "
                        f"of 1,000,000,000,000 runs and {MAX_VALUES:,} values; shrink the design, or raise the limits "
                        "with --max-runs / --max-values")

    small = study(tmp_path, experiment_text(seeds="replicates = 4"), "small")  # 4 runs × 31 days × 1 metric
    assert "= 124 values, above the limits" in refused(["sweep", str(small), "--max-values", "123"], capsys)
    assert load_experiment(small / "experiment.toml", max_values=124).n_runs == 4


def test_help_states_the_limits_in_force(capsys):
    with pytest.raises(SystemExit):
        cli.main(["sweep", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert f"(default {MAX_RUNS:,})" in text and f"(default {MAX_VALUES:,})" in text


@pytest.mark.parametrize("where", ["a file", "under a file", "unwritable"])
def test_out_that_cannot_hold_a_sweep_is_refused_before_any_run(where, tmp_path, capsys):
    exp = study(tmp_path, experiment_text())
    (tmp_path / "file.txt").write_text("not a folder")
    out = {"a file": tmp_path / "file.txt", "under a file": tmp_path / "file.txt" / "sweep",
           "unwritable": "/proc/vacuum-sim-sweep"}[where]  # /proc refuses new folders, even to root
    err = refused(["sweep", str(exp), "--out", str(out)], capsys)
    allowed = {"a file": "is a file; give a folder for the sweep",
               "under a file": f"is under a file ({tmp_path / 'file.txt'}); give a folder for the sweep",
               "unwritable": "cannot "}[where]  # root: the folder cannot be made; others: no write permission
    assert err.startswith(f"vacuum-sim: error: --out: {out}: {allowed}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt", "study"]


def test_unreachable_scheduler_is_waited_for_a_bounded_time_then_refused(tmp_path, capsys):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{s.getsockname()[1]}"
    exp = study(tmp_path, experiment_text())
    start = time.perf_counter()
    err = refused(["sweep", str(exp), "--scheduler", address, "--scheduler-timeout", "1", "--out",
                   str(tmp_path / "out")], capsys)
    assert 1 <= time.perf_counter() - start < 5
    assert err.startswith(f"vacuum-sim: error: --scheduler: {address}: no Dask scheduler reachable (nothing answered "
                          "within 1 s; --scheduler-timeout sets the wait)")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("argv", [["--workers", "0"], ["--scheduler-timeout", "0"], ["--scheduler-timeout", "nan"]])
def test_bad_runner_flags_are_refused(argv, tmp_path, capsys):
    exp = study(tmp_path, experiment_text())
    err = refused(["sweep", str(exp), "--out", str(tmp_path / "out"), *argv], capsys)
    assert argv[0] in err
    assert not (tmp_path / "out").exists()
