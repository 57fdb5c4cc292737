"""Regression guard: a few scenario × seed summaries must not move unless deliberately updated.

After an intended change of behaviour, run ``pytest tests/test_golden.py --update-golden``: it rewrites
``tests/golden/summaries.json`` and prints every value that moved (old → new), for the commit message.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from helpers import replicates

GOLDEN = Path(__file__).parent / "golden" / "summaries.json"
CASES = [("historical_2023", 0), ("historical_2023", 1), ("no_withdrawal", 0), ("jnim_rebels_hostile", 0)]
KEYS = ("n_towns_FAMa_north", "n_towns_JNIM_centre", "n_towns_CSP_north", "n_vacated_held_state",
        "n_vacated_held_CSP", "n_troops_available", "cum_atrocities_Wagner", "cum_recruits_JNIM",
        "cum_captures_CSP", "cum_joint_strikes", "n_strength_JNIM", "n_strength_CSP")


def summaries() -> dict:
    out = {}
    for scenario, seed in CASES:
        m = replicates(scenario, days=365, seeds=(seed,))[0]
        frame = m.history.metrics_frame(m)
        ops = frame[["new_ops_north", "new_ops_centre"]].sum()
        out[f"{scenario}/seed{seed}"] = {k: round(float(frame[k].iloc[-1]), 6) for k in KEYS} | {
            "ops_north": int(ops["new_ops_north"]), "ops_centre": int(ops["new_ops_centre"]), "events": len(m.events)}
    return out


def _same(old, new) -> bool:
    """Equal up to float rounding (1e-6 relative): the model is deterministic, the platform's last bits may not be."""
    return old is not None and math.isclose(old, new, rel_tol=1e-6, abs_tol=1e-9)


def test_summaries_match_the_golden_file(request):
    now = summaries()
    old = json.loads(GOLDEN.read_text()) if GOLDEN.exists() else {}
    moved = [f"{case}.{k}: {old.get(case, {}).get(k)} -> {v}" for case, values in now.items()
             for k, v in values.items() if not _same(old.get(case, {}).get(k), v)]
    if request.config.getoption("--update-golden"):
        GOLDEN.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n")
        print("\n".join(["golden summaries updated; moved:", *moved] if moved else ["golden summaries unchanged"]))
        return
    if not old:
        pytest.fail(f"{GOLDEN} is missing: create it with pytest {__file__} --update-golden")
    assert not moved, "model outputs moved (if intended, rerun with --update-golden):\n" + "\n".join(moved)
