"""Atrocities: forces operating among civilians may harm them; each abuse is attributed to its
perpetrator and adds grievance where it happened ([SEED] Wagner abuses in the north, Oct 2023; [S65] Moura)."""

from __future__ import annotations

from vacuum_sim.factions import FACTIONS


def atrocity(model, faction: int, v: int) -> None:
    """Forces of ``faction`` opening an operation or attack in ``v`` may harm civilians (less near open UN bases)."""
    p, rng = model.p, model.streams["atrocities"]
    prob = p.atrocity_prob[faction] * (1 - p.un_deterrence * model.un_near[v])
    if prob == 0 or rng.random() >= prob:
        return
    killed = 1 + rng.poisson(p.atrocity_fatalities - 1)
    model.grievance[v] += p.grievance_per_death * killed
    model.new_atrocities[faction] += 1
    model.cum_atrocities[faction] += 1
    model.atrocities_by_town[v] += 1
    model.log("Violence against civilians", "Attack", FACTIONS[faction], "Civilians", v, killed, civilians=True)
