"""The lesson ``docs/teaching/capacity_gap.md`` a new teacher gives: every command it shows runs, every preset,
lever and control it names exists in the app under the name it uses, and its numbers are current.

"Current" means two things, both cheap to check: the record ``experiments/lesson/numbers.json`` was made from
today's model (its hash of the sources equals today's), and the lesson's generated blocks are exactly what the
generator writes from that record today (so no label drifted from the app's and no number was edited by hand).
When the model changes this test fails until ``python experiments/lesson/generate.py`` is rerun.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from vacuum_sim import __version__
from vacuum_sim.cli import main
from vacuum_sim.inputs.scenario import available
from vacuum_sim.views.app import page
from vacuum_sim.views.app.levers import BY_PARAM

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "docs" / "teaching" / "capacity_gap.md"
SHORT_DAYS = "20"
# What the lesson tells the teacher to press, choose or read on the page, spelt as the page spells it.
CONTROLS = ("Preset", "Seed (chance events)", "Reset", "Waiting for Reset:", "Play", "Pause", "Step a week",
            "Run to the end", "Look back:", "Latest:", "Holding the contested areas", "the army and Wagner have",
            "seeds of this run's settings")


def _generator():
    spec = importlib.util.spec_from_file_location("lesson_generate", ROOT / "experiments" / "lesson" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


generate = _generator()
TEXT = LESSON.read_text(encoding="utf-8")
PROSE = generate.BLOCK.sub("", TEXT)  # the hand-written part


def commands() -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", TEXT, re.DOTALL)
    return [line.split("#")[0].strip() for block in blocks for line in block.splitlines() if line.split("#")[0].strip()]


def _shortened(argv: list[str], tmp: Path) -> list[str] | None:
    """The lesson's command with a short horizon and its outputs in ``tmp``; None for one this test cannot run."""
    if argv[0] == ".venv/bin/vacuum-sim" and argv[1] == "run":
        out = argv.index("--out")
        return [sys.executable, "-m", "vacuum_sim.cli", *argv[1:out], "--out", str(tmp / "run"), *argv[out + 2:],
                "--days", SHORT_DAYS]
    if argv[0] == ".venv/bin/python" and argv[1] == "experiments/lesson/generate.py":
        (tmp / "lesson.md").write_text(TEXT, encoding="utf-8")
        return [sys.executable, *argv[1:], "--seeds", "2", "--days", SHORT_DAYS, "--workers", "1",
                "--lesson", str(tmp / "lesson.md"), "--record", str(tmp / "numbers.json")]
    return None


def test_every_command_the_lesson_shows_runs(tmp_path):
    shown = commands()
    assert shown, "the lesson shows no command"
    for command in shown:
        argv = shlex.split(command)
        if argv == ["make", "app"]:
            # A server: tests/test_app.py drives it in a browser.  Here: the target exists and starts the app.
            dry = subprocess.run(["make", "-n", "app"], check=False, cwd=ROOT, capture_output=True, text=True, timeout=30)
            assert dry.returncode == 0 and "vacuum-sim app" in dry.stdout, dry.stdout + dry.stderr
            continue
        where = tmp_path / f"command{shown.index(command)}"
        where.mkdir()
        short = _shortened(argv, where)
        assert short is not None, f"the lesson shows a command this test does not know how to run: {command}"
        done = subprocess.run(short, check=False, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        if "generate.py" in command:  # the copy's blocks are filled, from a record of the run just made
            record = json.loads((where / "numbers.json").read_text(encoding="utf-8"))
            assert record["seeds"] == [0, 1] and record["runs"] == 2 * len(record["arms"])
            filled = generate.blocks_in((where / "lesson.md").read_text(encoding="utf-8"))
            assert filled["provenance"].count("2 seeds") == 1 and "| historical_2023 |" in filled["numbers-gap"]
        else:
            metadata = json.loads((where / "run" / "metadata.json").read_text(encoding="utf-8"))
            assert metadata["days"] == int(SHORT_DAYS) and (where / "run" / "figures" / "capacity.png").exists()


def test_every_preset_the_lesson_names_is_in_the_app_and_runs(tmp_path):
    named = set(re.findall(r"`([a-z][a-z0-9_]*)`", TEXT))  # a bare name in backticks is a preset, nothing else
    presets = available()  # the app's Preset box lists these
    assert named - set(presets) == set(), f"named in the lesson but not a preset of the app: {named - set(presets)}"
    for preset in sorted(named):
        assert main(["run", preset, "--days", SHORT_DAYS, "--no-figures", "--out", str(tmp_path / preset)]) == 0


def test_every_lever_and_control_the_lesson_names_is_in_the_app_with_that_label():
    definition = generate.load_definition()
    used = {p for arm in definition["arms"].values() for p in generate.preset_levers(arm.settings.preset)}
    used |= {p for arm in definition["arms"].values() for p, v in arm.settings.levers
             if v != generate.Settings.of_preset(arm.settings.preset).lever(p)}
    for param in used:  # every lever an experiment moves is named in the lesson with the app's label
        assert BY_PARAM[param].label in TEXT, param
    for name, block in generate.blocks_in(TEXT).items():
        if name.startswith("label-"):
            assert block == f"**{BY_PARAM[name.removeprefix('label-')].label}**", name
    source = Path(page.__file__).read_text(encoding="utf-8")
    for control in CONTROLS:
        assert control in PROSE, f"CONTROLS lists {control!r}, which the lesson no longer names"
        assert control in source, f"the lesson names {control!r}, which the app's page does not show"
    bold = set(re.findall(r"\*\*([^*]+)\*\*", PROSE))
    assert set(page.TABS) <= bold, f"tabs the lesson does not explain: {set(page.TABS) - bold}"
    assert 20 in page.SEED_COUNTS  # the lesson asks for 20 seeds


def test_the_lessons_numbers_are_current():
    record = json.loads(generate.RECORD.read_text(encoding="utf-8"))
    if record["sources_sha256"] != generate.sources_hash():
        pytest.fail("the model, its inputs, the app's levers or the lesson's definition changed since the lesson's "
                    "numbers were generated: run 'python experiments/lesson/generate.py' (about 2-10 minutes)")
    assert record["version"] == __version__ and len(record["seeds"]) >= 10 and record["seeds"][0] == 0
    definition = generate.load_definition()
    assert record["seeds"] == list(range(definition["seeds"]))
    n = len(record["seeds"])
    assert f"median over {n} runs" in PROSE and f"(seeds 0–{n - 1})" in PROSE, "the prose states another seed count"
    written, expected = generate.blocks_in(TEXT), generate.render(record, definition)
    for name in generate.render_names(definition):
        assert written[name] == expected[name], f"block {name} differs from what the generator writes from the record"
    for name, block in written.items():
        assert block == expected[name], name
