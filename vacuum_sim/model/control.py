"""Territorial control: who holds each town, from who stands there and, where nobody armed does, whose
influence is strongest."""

from __future__ import annotations

import numpy as np

from vacuum_sim.factions import ARMED_GROUPS, CONTESTED, CSP, FAMA, ISSP, JNIM, NONE, UN, WAGNER

GROUPS = np.array(ARMED_GROUPS)
INFLUENCE_HOLDERS = np.array([FAMA, *ARMED_GROUPS])  # the columns of [state influence, groups' influence]


def update_control(model) -> None:
    """The armed side present (contested if hostile sides share a town), else the strongest influence."""
    presence = model.presence
    pres = presence > 0
    state = pres[:, FAMA] | pres[:, WAGNER]
    armed = pres[:, ARMED_GROUPS]
    any_group = armed.any(axis=1)
    influence = np.empty((model.n, 1 + len(ARMED_GROUPS)))
    influence[:, 0] = 1 - model.influence.sum(axis=1)
    np.clip(influence[:, 0], 0, 1, out=influence[:, 0])
    influence[:, 1:] = model.influence
    c = INFLUENCE_HOLDERS[influence.argmax(axis=1)]
    c[influence.max(axis=1) < model.p.control_threshold] = CONTESTED
    c[pres[:, UN] & ~state & ~any_group] = UN
    alone = state & ~any_group
    c[alone] = np.where(pres[alone, FAMA], FAMA, WAGNER)
    groups_only = ~state & any_group
    c[groups_only] = GROUPS[presence[groups_only][:, ARMED_GROUPS].argmax(axis=1)]
    groups_hostile = pres[:, ISSP] & (pres[:, JNIM] | pres[:, CSP])
    c[(state & any_group) | (~state & groups_hostile)] = CONTESTED
    c[model.population <= 0] = NONE
    model.controller = c.astype(np.int8)
