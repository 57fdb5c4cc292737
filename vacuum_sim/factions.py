"""Who is who: the armed factions, the two sides, and the labels a town's control can take."""

FACTIONS = ("FAMa", "Wagner", "UN", "JNIM", "CSP", "ISSP")
FAMA, WAGNER, UN, JNIM, CSP, ISSP = range(len(FACTIONS))
STATE = (FAMA, WAGNER)
ARMED_GROUPS = (JNIM, CSP, ISSP)  # order of the columns of the influence array
GROUP_COLUMN = {g: i for i, g in enumerate(ARMED_GROUPS)}
CONTESTED, NONE = len(FACTIONS), len(FACTIONS) + 1
CONTROL_LABELS = (*FACTIONS, "contested", "none")
ZONES = ("north", "centre", "south")
