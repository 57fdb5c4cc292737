"""Limit cases and monotone responses a domain expert would check (means over seeds, CRN-paired)."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
from helpers import replicates

SEEDS = tuple(range(10))


def final(models, metric: str) -> np.ndarray:
    return np.array([m.history.metrics_frame(m)[metric].iloc[-1] for m in models])


def test_no_withdrawal_means_no_vacated_bases_less_rebel_gain_and_no_war():
    """Without the withdrawal no camp is vacated, the rebels capture far less and the accord holds: their war follows
    the army's columns into the camps the UN leaves in their zone.  What they *hold* at the end is not fewer: with the
    withdrawal the war comes and the army, reinforced, takes back rebel towns (as at Anéfis and Kidal, Oct-Nov 2023),
    while without it they keep the towns they held since 2015 (experiments/levers, claim c)."""
    stay = replicates("no_withdrawal", seeds=SEEDS)
    leave = replicates(seeds=SEEDS)
    assert all((m.history.metrics_frame(m)["n_vacated_bases"] == 0).all() for m in stay)
    assert final(stay, "cum_captures_CSP").mean() < 0.5 * final(leave, "cum_captures_CSP").mean()
    assert np.mean([m.csp_at_war for m in stay]) <= 0.2
    assert np.mean([m.csp_at_war for m in leave]) >= 0.8


def test_no_atrocities_means_no_atrocity_driven_grievance():
    """No abuses by any force and no civilian harm from drone strikes: grievance never rises."""
    zero = [f"abuse_rate_{f}=0" for f in ("fama", "wagner", "jnim", "csp", "issp")] + ["drone_civilian_risk=0"]
    for m in replicates(overrides=tuple(zero), seeds=SEEDS[:3]):
        assert m.cum_atrocities.sum() == 0
        assert not m.grievance.any()


def test_no_recruitment_means_armed_groups_never_grow():
    for m in replicates(overrides=("recruit_rate=0", "issp_fighters=1000"), seeds=SEEDS[:3]):
        frame = m.history.metrics_frame(m)
        for group in ("JNIM", "CSP", "ISSP"):
            strength = frame[f"n_strength_{group}"]
            assert (strength.diff().dropna() <= 1e-9).all(), group
            assert frame[f"cum_recruits_{group}"].iloc[-1] == 0


def test_a_very_large_army_pushes_jnim_back_in_the_centre():
    big = replicates(overrides=("fama_manpower=100000", "theatre_share=1.0", "ops_per_month=40"), seeds=SEEDS)
    base = replicates(seeds=SEEDS)
    assert final(big, "mean_influence_JNIM_centre").mean() < 0.7 * final(base, "mean_influence_JNIM_centre").mean()


def test_more_army_manpower_means_less_jnim_control_in_the_centre():
    """JNIM's hold on the centre at day 365: towns it holds or contests, and its mean influence.

    Towns JNIM holds *alone* are not monotone (with 9,000 troops many stay contested instead), so the
    claim is tested on holding-or-contesting, which is what the army's presence changes.  Levels are the state's
    forces in all (~6,000, 9,000 and 12,000 in the theatre); the command's tempo grows with the army in the
    theatre, so a small army also launches fewer operations.  The lever study (experiments/levers) takes the
    levels on to 24,000 on 20 seeds."""
    levels = (16500, 24750, 33000)
    runs = [replicates(overrides=(f"fama_manpower={n}",), seeds=SEEDS) for n in levels]
    towns = [(final(r, "n_towns_JNIM_centre") + final(r, "n_towns_contested_centre")).mean() for r in runs]
    influence = [final(r, "mean_influence_JNIM_centre").mean() for r in runs]
    assert all(a > b for a, b in pairwise(towns)), towns
    assert all(a > b for a, b in pairwise(influence)), influence


def test_worse_wagner_conduct_means_more_jnim_recruits():
    levels = (0.0, 1.2, 3.0)
    recruits = [final(replicates(overrides=(f"abuse_rate_wagner={p}",), seeds=SEEDS), "cum_recruits_JNIM").mean()
                for p in levels]
    assert recruits[0] < recruits[1] < recruits[2], recruits
