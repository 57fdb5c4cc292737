"""docs/ stays true to the code: every backticked name in the model description exists in code."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import mesa

from vacuum_sim.inputs.params import BY_NAME, PARAMS
from vacuum_sim.model.metrics import METRICS

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "vacuum_sim").rglob("*.py"))
MESA = "\n".join(p.read_text(encoding="utf-8") for p in Path(mesa.__file__).parent.rglob("*.py"))
SCENARIOS = {p.stem for p in (ROOT / "scenarios").glob("*.toml")}


def test_every_name_in_the_model_description_exists_in_code():
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    names = set(re.findall(r"`([A-Za-z_][A-Za-z0-9_.]*)`", text))
    missing = []
    for name in names:
        last = name.split(".")[-1]
        if name in BY_NAME or name in METRICS or name in SCENARIOS or name.endswith(("_", ".csv", ".toml", ".md")):
            continue  # parameters, metrics, scenarios, metric prefixes, files
        defined = rf"\b(def|class)\s+{re.escape(last)}\b|\b{re.escape(last)}\s*[:=]"
        if not (re.search(defined, SOURCE) or re.search(defined, MESA)):
            missing.append(name)
    assert not missing, f"named in docs/model.md but not in the code: {sorted(missing)}"


def test_every_parameter_is_described_in_the_model_description():
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    undocumented = [p.name for p in PARAMS if f"`{p.name}`" not in text]
    assert not undocumented, undocumented


def test_parameter_doc_is_generated_from_the_table():
    out = subprocess.run([sys.executable, "-m", "vacuum_sim.cli", "params"], capture_output=True, text=True,
                         check=True).stdout
    assert (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8") == out, \
        "docs/parameters.md is stale: regenerate with `vacuum-sim params > docs/parameters.md`"


def test_metric_doc_is_generated_from_the_registry():
    out = subprocess.run([sys.executable, "-m", "vacuum_sim.cli", "metrics"], capture_output=True, text=True,
                         check=True).stdout
    assert (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8") == out, \
        "docs/metrics.md is stale: regenerate with `vacuum-sim metrics > docs/metrics.md`"
    assert all(f"`{name}`" in out for name in METRICS)
