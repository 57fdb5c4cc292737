"""Designs: which points of factor space a sweep runs — a full grid of levels, a Latin hypercube or Saltelli's design.

The sampled designs come from SALib.  :func:`n_points` counts a design's points from
its options alone, so that an experiment's size is checked before any point is drawn.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import pandas as pd

from vacuum_sim.inputs.params import BY_NAME
from vacuum_sim.inputs.scenario import check_seed

OPTIONS = {"full_factorial": ("type",), "latin_hypercube": ("type", "n", "seed"),
           "sobol": ("type", "n", "seed", "second_order")}
KINDS = ("lever", "uncertainty")


@dataclass(frozen=True)
class Factor:
    """One axis of a design: a parameter, whether it is a lever or an uncertainty, and its levels or range."""

    name: str
    kind: str  # "lever" or "uncertainty"
    levels: tuple = ()  # for the full factorial design
    bounds: tuple = ()  # (low, high) for the sampled designs

    def spec(self) -> dict:
        values = {"levels": list(self.levels)} if self.levels else {"range": list(self.bounds)}
        return {"name": self.name, "kind": self.kind, **values}


def whole(value, least: int) -> bool:
    """Whether ``value`` is a whole number (not a bool) >= ``least``."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


def design_options(design, source: str, fail) -> dict:
    """The ``[design]`` table checked: its type and that type's options (n, seed, second_order)."""
    if not isinstance(design, dict) or "type" not in design:
        fail("design", f"required table with type = one of {', '.join(OPTIONS)}")
    kind = design["type"]
    if kind not in OPTIONS:
        fail("design.type", f"unknown design {kind!r}; allowed: {', '.join(OPTIONS)}")
    for key in design:
        if key not in OPTIONS[kind]:
            fail(f"design.{key}", f"not an option of {kind}; allowed: {', '.join(OPTIONS[kind])}")
    out = {"type": kind}
    if kind != "full_factorial":
        n = design.get("n")
        if not whole(n, 2):
            fail("design.n", f"required whole number >= 2 (sample size), got {n!r}")
        if kind == "sobol" and n & (n - 1):
            fail("design.n", f"Saltelli's sample size N must be a power of 2 (e.g. 16, 32, 64), got {n}")
        out |= {"n": n, "seed": check_seed(design.get("seed", 0), f"{source}: design.seed")}
    if kind == "sobol":
        second = design.get("second_order", False)
        if not isinstance(second, bool):
            fail("design.second_order", "must be true or false")
        out["second_order"] = second
    return out


def n_points(factors: tuple[Factor, ...], design: dict) -> int:
    """How many points the design has, counted without drawing them."""
    if design["type"] == "full_factorial":
        return math.prod(len(f.levels) for f in factors)
    if design["type"] == "latin_hypercube":
        return design["n"]
    k = len(factors)  # Saltelli: N × (k + 2), or N × (2k + 2) with second-order indices
    return design["n"] * (2 * k + 2 if design["second_order"] else k + 2)


def design_points(factors: tuple[Factor, ...], design: dict) -> pd.DataFrame:
    """The design matrix, one row per point: a full grid of levels, or a Latin hypercube or Saltelli sample."""
    names = [f.name for f in factors]
    if design["type"] == "full_factorial":
        points = pd.DataFrame(list(itertools.product(*(f.levels for f in factors))), columns=names)
    else:
        from SALib.sample import latin, sobol

        problem = {"num_vars": len(factors), "names": names, "bounds": [list(f.bounds) for f in factors]}
        if design["type"] == "latin_hypercube":
            x = latin.sample(problem, design["n"], seed=design["seed"])
        else:
            x = sobol.sample(problem, design["n"], calc_second_order=design["second_order"], seed=design["seed"])
        points = pd.DataFrame(x, columns=names)
        for name in names:  # whole-number parameters take the nearest whole number
            if BY_NAME[name].dtype is int:
                points[name] = points[name].round().astype(int)
    points.index.name = "point"
    return points
