"""Every parameter in the table must move some output: a parameter nothing reads is a defect."""

from __future__ import annotations

import pickle
from functools import cache

import numpy as np
import pytest
from helpers import mali

from vacuum_sim.inputs.params import PARAMS, Params, UnknownParameter
from vacuum_sim.runs.runner import resolve, simulate

DAYS = 300  # covers the pre-drawdown months and the first closures, rebel war and central pressure
SEEDS = (0, 1, 2, 3)  # tried in turn until one shows a change: a rarely triggered mechanism may sit out a seed


def _extremes(p):
    """The ends of the allowed range (the other truth value for a switch)."""
    if p.dtype is bool:
        return [not p.default]
    return [p.dtype(v) for v in (p.low, p.high) if v != p.default]


@cache
def _outputs(overrides: tuple[str, ...], seed: int):
    scn = resolve("historical_2023", days=DAYS, overrides=list(overrides), mali=mali())
    m = simulate(scn, seed, mali())
    return m.history.values[: m.history.rows], len(m.events)


@pytest.mark.parametrize("param", PARAMS, ids=lambda p: p.name)
def test_parameter_changes_some_output(param):
    # ISSP is off by default; its own parameters act once it exists.
    context = ("issp_fighters=2000",) if param.name.endswith("_issp") else ()
    tried = [(*context, f"{param.name}={str(v).lower()}") for v in _extremes(param)]
    changed = any(not np.array_equal(_outputs(o, s)[0], _outputs(context, s)[0], equal_nan=True)
                  for s in SEEDS for o in tried)
    assert changed, f"{param.name} changed no output at {tried}"


def test_a_parameter_set_survives_pickling_and_stays_strict():
    """Params cross process boundaries (pools, Dask): a pickled copy reads the same values and still refuses
    unknown names (pickle used to recurse forever through __getattr__)."""
    p = Params({q.name: q.default for q in PARAMS})
    copy = pickle.loads(pickle.dumps(p))
    assert copy.as_dict() == p.as_dict() and copy.reclaim_weight == p.reclaim_weight
    with pytest.raises(UnknownParameter):
        getattr(copy, "north_share")  # noqa: B009 (the read itself is what is tested)
