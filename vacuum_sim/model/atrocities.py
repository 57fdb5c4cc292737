"""Harm to civilians: every day a force spends on an operation or attack among civilians it may abuse them, the
more so the larger the force and the more civilians live there; each abuse is attributed to its perpetrator and
leaves grievance against the perpetrator's side where it happened ([SEED] ≥11 violations by the army and Wagner in
the north in three weeks of October 2023; [S65] Moura, 2022)."""

from __future__ import annotations

from vacuum_sim.factions import FACTIONS, GROUP_COLUMN, STATE

AGAINST_STATE = 0  # grievance columns: against the state (army and Wagner), then one per armed group
PER = 100.0  # abuse rates are per 100 personnel-days among civilians


def against(faction: int) -> int:
    """The column of ``model.grievance`` that harm by ``faction`` feeds: the state's or the armed group's own."""
    return AGAINST_STATE if faction in STATE else 1 + GROUP_COLUMN[faction]


def contact(model, v: int) -> float:
    """How many civilians a force meets in town ``v``: few in a hamlet, saturating in a large town (0–1)."""
    pop = model.population[v]
    return pop / (pop + model.p.civilian_contact_pop)


def operations_among_civilians(model) -> None:
    """Each faction's personnel on a mission, standing in a town other than the one they set out from, may abuse
    its civilians today (on the target or passing through on the way)."""
    rate = model.p.abuse_rate
    personnel: dict[tuple[int, int], float] = {}
    for mission in model.missions:
        for u in mission.units:
            if u.node == mission.target or u.node != mission.origin:
                key = (u.node, u.faction)
                personnel[key] = personnel.get(key, 0.0) + u.strength
    for (v, f), n in personnel.items():
        civilian_harm(model, f, v, rate[f] * n / PER)


def civilian_harm(model, perpetrator: int, v: int, expected: float,
                  kind: tuple[str, str] = ("Violence against civilians", "Attack")) -> int:
    """Draw the abuses of one day in town ``v``: Poisson(``expected`` × civilian contact, less near open UN bases).

    ``expected`` is the perpetrator's expected number of abuses today among a large town's civilians (for ground
    forces ``abuse_rate`` × personnel / 100; a caller such as an air strike passes its own risk and ``kind``, the
    event's ACLED type and sub-type).  Each abuse kills 1 + Poisson(``atrocity_fatalities`` − 1) civilians, is
    logged against ``perpetrator`` and adds grievance against its side.  Returns the civilians killed.
    """
    p = model.p
    mean = expected * contact(model, v) * (1 - p.un_abuse_deterrence * model.un_near[v])
    if mean <= 0:
        return 0
    rng = model.abuse_streams[perpetrator]
    total = 0
    for _ in range(rng.poisson(mean)):
        killed = 1 + rng.poisson(p.atrocity_fatalities - 1)
        total += killed
        col = against(perpetrator)
        model.grievance[v, col] += (1 - model.grievance[v, col]) * min(1.0, p.grievance_per_death * killed)
        model.new_atrocities[perpetrator] += 1
        model.cum_atrocities[perpetrator] += 1
        model.atrocities_by_town[v] += 1
        model.log(*kind, FACTIONS[perpetrator], "Civilians", v, killed, civilians=True)
    return total
