"""Shared test helpers: replicated runs cached per test process (the suite is distributed by file)."""

from __future__ import annotations

from functools import cache

from vacuum_sim.inputs.geography import load_map
from vacuum_sim.runs.runner import resolve, simulate

SEEDS = tuple(range(20))  # replicates for statistical claims


@cache
def mali():
    return load_map()


@cache
def replicates(scenario: str = "historical_2023", days: int = 365, overrides: tuple = (), seeds: tuple = SEEDS):
    """Finished models, one per seed; ``overrides`` is a tuple of "key=value" strings."""
    scn = resolve(scenario, days=days, overrides=list(overrides), mali=mali())
    return [simulate(scn, s, mali()) for s in seeds]


