"""Territorial control: who holds each town, from who stands there and, where nobody armed does, whose
influence is strongest."""

from __future__ import annotations

import numpy as np

from vacuum_sim.factions import ARMED_GROUPS, CONTESTED, CSP, FAMA, ISSP, JNIM, NONE, UN, WAGNER

GROUPS = np.array(ARMED_GROUPS)


def update_control(model) -> None:
    """The armed side present (contested if hostile sides share a town), else the strongest influence."""
    pres = model.presence > 0
    state = pres[:, FAMA] | pres[:, WAGNER]
    armed = pres[:, list(ARMED_GROUPS)]
    n_groups = armed.sum(axis=1)
    strongest_group = GROUPS[np.argmax(model.presence[:, list(ARMED_GROUPS)], axis=1)]
    state_inf = np.clip(1 - model.influence.sum(axis=1), 0, 1)
    top_inf = np.column_stack([state_inf, model.influence])
    top = np.argmax(top_inf, axis=1)
    by_influence = np.where(top == 0, FAMA, GROUPS[np.maximum(top - 1, 0)])
    by_influence = np.where(top_inf.max(axis=1) >= model.p.control_threshold, by_influence, CONTESTED)
    c = by_influence
    c = np.where(pres[:, UN] & ~state & (n_groups == 0), UN, c)
    c = np.where(state & (n_groups == 0), np.where(pres[:, FAMA], FAMA, WAGNER), c)
    c = np.where(~state & (n_groups >= 1), strongest_group, c)
    state_vs_group = state & armed.any(axis=1)
    groups_hostile = pres[:, ISSP] & (pres[:, JNIM] | pres[:, CSP])
    c = np.where(state_vs_group | (~state & groups_hostile), CONTESTED, c)
    c = np.where(model.population > 0, c, NONE)
    model.controller = c.astype(np.int8)
