"""The package as a wheel: the bundled scenarios and data ship inside it and are found without the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted(p.stem for p in (ROOT / "scenarios").glob("*.toml"))


def test_the_top_level_scenarios_are_the_packages_through_a_link():
    link = ROOT / "vacuum_sim" / "inputs" / "scenarios"
    assert link.is_symlink() and os.readlink(link) == "../../scenarios"
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]
    assert {"data/*", "scenarios/*.toml"} <= set(package_data["vacuum_sim.inputs"])
    assert len(SCENARIOS) == 9


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from a copy of the checkout's files (a clean tree: no stale build/ to leak into it)."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs the git checkout")
    tmp = tmp_path_factory.mktemp("wheel")
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        src, dst = ROOT / name, tmp / "src" / name
        if src.is_symlink() or src.is_file():
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(os.readlink(src), dst) if src.is_symlink() else shutil.copy2(src, dst)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp / "dist"),
                    str(tmp / "src")], check=True, capture_output=True)
    return next((tmp / "dist").glob("vacuum_sim-*.whl"))


def test_the_wheel_ships_the_bundled_scenarios_and_the_map_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"vacuum_sim/inputs/scenarios/{s}.toml" for s in SCENARIOS} <= names
    data = {p.name for p in (ROOT / "vacuum_sim" / "inputs" / "data").iterdir()}
    assert {f"vacuum_sim/inputs/data/{d}" for d in data} <= names
    assert not [n for n in names if n.startswith(("tests/", "scenarios/", "experiments/"))]


def test_the_unpacked_wheel_finds_its_scenarios_from_outside_the_checkout(wheel, tmp_path):
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}

    script = "import sys, vacuum_sim.cli as c; print(c.__file__); sys.exit(c.main(sys.argv[1:]))"

    def cli(*args):
        return subprocess.run([sys.executable, "-c", script, *args], cwd=elsewhere, env=env, check=False,
                              capture_output=True, text=True)

    listed = cli("scenarios")
    assert listed.returncode == 0, listed.stderr
    where, *lines = listed.stdout.splitlines()
    assert Path(where).is_relative_to(site)  # the unpacked wheel, not the checkout
    assert [line.split()[0] for line in lines] == SCENARIOS
    ran = cli("run", "historical_2023", "--days", "2", "--no-figures", "--out", "r")
    assert ran.returncode == 0, ran.stderr
    assert (elsewhere / "r" / "metrics.csv").is_file()
