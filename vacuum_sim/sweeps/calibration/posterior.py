"""The posterior file a calibration writes, and the draws that sweeps and forecasts take from it.

``posterior.json`` holds the final particles and their weights, the prior box, the
scenario the fit was made on (as TOML), the targets, the tolerance schedule, the seed,
package version and git commit.  Draws are weighted resamples from a seeded stream.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from vacuum_sim.inputs.params import BY_NAME
from vacuum_sim.sweeps.calibration.targets import CalibrationError

KIND = "vacuum-sim posterior"


@dataclass(frozen=True)
class Posterior:
    path: str
    names: tuple[str, ...]
    particles: np.ndarray  # particles × parameters
    weights: np.ndarray  # normalised
    meta: dict  # everything else in the file

    def draws(self, k: int, seed: int = 0) -> pd.DataFrame:
        """``k`` parameter vectors resampled by weight (whole-number parameters rounded), one row each."""
        rng = np.random.default_rng(seed)
        rows = self.particles[rng.choice(len(self.particles), size=k, p=self.weights)]
        table = pd.DataFrame(rows, columns=list(self.names))
        for name in self.names:
            if BY_NAME[name].dtype is int:
                table[name] = table[name].round().astype(int)
        return table

    def interval(self, level: float = 0.9) -> pd.DataFrame:
        """Weighted central credible interval and median of each parameter."""
        lo, hi = (1 - level) / 2, (1 + level) / 2
        out = {}
        for j, name in enumerate(self.names):
            order = np.argsort(self.particles[:, j])
            cum = np.cumsum(self.weights[order])
            x = self.particles[order, j]
            out[name] = {"low": x[np.searchsorted(cum, lo)], "median": x[np.searchsorted(cum, 0.5)],
                         "high": x[min(np.searchsorted(cum, hi), len(x) - 1)]}
        return pd.DataFrame(out).T

    @property
    def sha256(self) -> str:
        return hashlib.sha256(Path(self.path).read_bytes()).hexdigest()


def write_posterior(path: Path, names, particles: np.ndarray, weights: np.ndarray, meta: dict) -> None:
    data = {"kind": KIND, **meta, "parameters": list(names), "particles": particles.tolist(),
            "weights": (weights / weights.sum()).tolist()}
    path.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")


def read_posterior(path: str | Path) -> Posterior:
    """Read and check a posterior file; a wrong one stops with the file, the key and what is expected."""
    src = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CalibrationError(src, "(file)", "no such posterior file (vacuum-sim calibrate writes posterior.json)") \
            from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise CalibrationError(src, "(syntax)", f"not a posterior file: {e}") from None
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise CalibrationError(src, "kind", f"not a posterior file (expected kind = {KIND!r})")
    names = tuple(data.get("parameters", ()))
    for name in names:
        if name not in BY_NAME:
            raise CalibrationError(src, "parameters", f"{name!r} is not a parameter of this version of the model")
    particles, weights = np.asarray(data.get("particles"), float), np.asarray(data.get("weights"), float)
    if particles.ndim != 2 or particles.shape[1] != len(names) or len(weights) != len(particles) or \
            not np.isclose(weights.sum(), 1) or (weights < 0).any():
        raise CalibrationError(src, "particles", "particles must be rows of one value per parameter, with "
                               "non-negative weights summing to 1")
    meta = {k: v for k, v in data.items() if k not in ("particles", "weights", "parameters")}
    return Posterior(src, names, particles, weights, meta)


def with_posterior(exp, posterior: Posterior, draws: int, seed: int = 0):
    """The experiment with every design point crossed with ``draws`` posterior draws (same draws for every point).

    The posterior's parameters become columns of the design, so each run records the
    values it ran with, and the sweep's fingerprint covers them (a resume needs the same draws).
    """
    clash = sorted(set(posterior.names) & set(exp.points.columns))
    if clash:
        raise CalibrationError("--posterior", posterior.path, f"the experiment varies {', '.join(clash)} itself; "
                               "a posterior parameter cannot also be a factor")
    if exp.design["type"] == "sobol":
        raise CalibrationError("--posterior", posterior.path, "a Sobol' design must keep its sample structure; "
                               "use full_factorial or latin_hypercube with --posterior")
    sample = posterior.draws(draws, seed)
    points = exp.points.merge(sample, how="cross")
    points.index.name = exp.points.index.name
    note = (f"\n# sweep --posterior {posterior.path} (sha256 {posterior.sha256[:16]}): {draws} posterior draws "
            f"(seed {seed}) crossed with every design point\n")
    return replace(exp, points=points, text=exp.text + note)
