"""ABC-SMC by adaptive population Monte Carlo (APMC; Lenormand, Jabot & Deffuant 2013, *Comput. Stat.* 28).

Written here rather than taken from pyABC because a calibration must be reproducible:
pyABC's parallel samplers schedule dynamically (which particles are accepted depends
on which simulation finishes first), and only its single-core sampler is
deterministic (pyABC issue #400).  APMC suits an agent-based model: every generation
simulates a fixed batch, so the batch can be spread over any pool and the result
depends only on the seed.

Generation 0 draws ``n`` parameter vectors from the uniform prior and keeps the
``n_keep = alpha · n`` closest to the targets.  Each later generation draws
``n − n_keep`` new vectors from the kept ones (by weight) moved by a Gaussian
kernel of twice their weighted covariance (Beaumont et al. 2009), redrawn until
inside the prior's box, weighs each new one by prior / kernel mixture density, and
keeps the ``n_keep`` closest of old and new.  The tolerance is the largest kept
distance.  It stops after ``generations`` or when fewer than ``p_acc_min`` of a
generation's new draws beat the previous tolerance (the posterior stopped moving).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Population:
    """The kept particles of one generation."""

    theta: np.ndarray  # n_keep × parameters
    raw: np.ndarray  # importance weights, prior / proposal density where each particle was drawn
    distances: np.ndarray
    epsilon: float  # the largest kept distance (the tolerance)
    p_acc: float  # share of this generation's new draws below the previous tolerance (1 for generation 0)
    simulations: int  # simulations run so far, all generations

    @property
    def weights(self) -> np.ndarray:
        return self.raw / self.raw.sum()


@dataclass
class History:
    populations: list[Population] = field(default_factory=list)
    draws: list[np.ndarray] = field(default_factory=list)  # every simulated parameter vector, by generation
    distances: list[np.ndarray] = field(default_factory=list)

    @property
    def final(self) -> Population:
        return self.populations[-1]


def apmc(bounds: np.ndarray, simulate: Callable[[np.ndarray, int], np.ndarray], n: int, alpha: float = 0.5,
         generations: int = 6, p_acc_min: float = 0.05, seed: int = 0,
         on_generation: Callable[[int, Population], None] | None = None) -> History:
    """Run APMC.

    ``bounds`` is parameters × 2 (uniform prior box); ``simulate(theta, generation)``
    returns the distances of a batch of parameter vectors (rows), in order.
    """
    rng = np.random.default_rng(seed)
    low, high = bounds[:, 0], bounds[:, 1]
    n_keep = max(2, round(alpha * n))
    if not n_keep < n:
        raise ValueError(f"alpha × particles must leave new draws each generation (alpha={alpha}, particles={n})")
    history = History()
    theta = low + (high - low) * rng.random((n, len(bounds)))
    dist = np.asarray(simulate(theta, 0), float)
    history.draws.append(theta)
    history.distances.append(dist)
    keep = np.argsort(dist, kind="stable")[:n_keep]
    pop = Population(theta[keep], np.ones(n_keep), dist[keep], float(dist[keep].max()), 1.0, n)
    history.populations.append(pop)
    if on_generation:
        on_generation(0, pop)
    for g in range(1, generations):
        cov = 2 * np.atleast_2d(np.cov(pop.theta, rowvar=False, aweights=pop.weights))
        cov += np.eye(len(bounds)) * 1e-12 * (high - low) ** 2  # a collapsed population still has a kernel
        new = _perturb(pop, cov, n - n_keep, low, high, rng)
        d_new = np.asarray(simulate(new, g), float)
        history.draws.append(new)
        history.distances.append(d_new)
        w_new = 1 / np.prod(high - low) / _kernel_mixture(new, pop.theta, pop.weights, cov)
        p_acc = float(np.mean(d_new < pop.epsilon))
        all_theta, all_w, all_d = np.vstack([pop.theta, new]), np.r_[pop.raw, w_new], np.r_[pop.distances, d_new]
        keep = np.argsort(all_d, kind="stable")[:n_keep]
        pop = Population(all_theta[keep], all_w[keep], all_d[keep], float(all_d[keep].max()), p_acc,
                         pop.simulations + len(new))
        history.populations.append(pop)
        if on_generation:
            on_generation(g, pop)
        if p_acc < p_acc_min:
            break
    return history


def _perturb(pop: Population, cov: np.ndarray, k: int, low, high, rng) -> np.ndarray:
    """``k`` draws from the kept particles (by weight) moved by the kernel, each redrawn until inside the box."""
    out = np.empty((k, pop.theta.shape[1]))
    todo = np.arange(k)
    chol = np.linalg.cholesky(cov)
    while len(todo):
        parents = pop.theta[rng.choice(len(pop.theta), size=len(todo), p=pop.weights)]
        cand = parents + rng.standard_normal((len(todo), len(low))) @ chol.T
        inside = np.all((cand >= low) & (cand <= high), axis=1)
        out[todo[inside]] = cand[inside]
        todo = todo[~inside]
    return out


def _kernel_mixture(theta: np.ndarray, centres: np.ndarray, weights: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """The proposal density Σ_j w_j N(theta | centre_j, cov) at each row of ``theta``."""
    inv = np.linalg.inv(cov)
    diff = theta[:, None, :] - centres[None, :, :]
    mahal = np.einsum("ijk,kl,ijl->ij", diff, inv, diff)
    norm = np.sqrt((2 * np.pi) ** len(cov) * np.linalg.det(cov))
    return np.exp(-0.5 * mahal) @ weights / norm
