"""The lever responses issue 9 asks for: the arms, what is measured in each run, and when each claim holds.

One home for the study (``levers.py``: 20 seeds × 730 days) and its small version (``tests/test_levers.py``).
Every arm runs the same seeds (common random numbers), so a claim is judged on the paired differences
``arm − reference`` seed by seed, never on two independent medians:

- *lower*: the median paired difference is below zero;
- *not higher* / *not lower*: fails only on evidence of the change the claim rules out: the median paired
  difference beyond ``MARGIN`` of the reference's median (in the measure's own units) *and* the seeds' signs
  leaning that way beyond chance (one-sided sign test, p < ``ALPHA``).  Without a margin a claim of "no change"
  would fail on seed noise about half the time even when the lever has no effect at all; 10 % lets small noise
  pass but not a change of the size the issue calls a failure (e.g. JNIM's strikes in the south doubling under
  ``army_holds_centre``).  The sign test keeps a wide but directionless spread from failing the claim: with no
  effect, a median beyond the margin still happens (12 seeds of 20 a town lower, 8 higher), and a family of ten
  such checks would then fail on noise alone;
- *launched*: at least one operation in the window in every seed (a freeze, as the issue found at a small army,
  gives zero in every seed, with no noise to tolerate).

The state of the theatre is averaged over the last ``WINDOW`` days of the horizon, so that one day's swing of a
town does not decide a claim; operations are counted in that window (still launched at the end); JNIM's strikes
in the south over the whole horizon (activity, and enough events for a 10 % margin to exceed one event).  The
theatre army of each level is ``fama_manpower × theatre_share``; the study sets ``fama_manpower`` to level /
``theatre_share`` (the base scenario's share, read at run time).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import binomtest

from vacuum_sim.inputs.geography import load_map
from vacuum_sim.inputs.scenario import load_scenario
from vacuum_sim.runs.runner import resolve
from vacuum_sim.sweeps.calibration import jobs as calibration_jobs
from vacuum_sim.sweeps.runners import pool

BASE = "historical_2023"
WINDOW = 90  # days at the end of the horizon over which each state measure is averaged
MARGIN = 0.10  # tolerance of the "no more" / "never weaker" claims, as a share of the reference's median
ALPHA = 0.05  # one-sided sign test: evidence that a "no more" / "never weaker" claim is broken
THEATRE = (6000, 9000, 12000, 18000, 24000)  # state forces in the theatre (personnel)
COOPERATION = (0.0, 0.25, 0.5, 0.75, 1.0)  # jnim_csp_cooperation

MEASURES = {  # name: what it is, for the tables
    "jnim_centre_towns": f"share of the central towns JNIM holds (mean of the last {WINDOW} days)",
    "jnim_centre_influence": f"JNIM's mean influence over the central towns (last {WINDOW} days)",
    "jnim_south_towns": f"share of the southern towns JNIM holds (last {WINDOW} days)",
    "jnim_south_strikes": "JNIM's battles and explosions in southern towns (whole horizon)",
    "csp_north_towns": f"northern towns the rebels (CSP) hold (last {WINDOW} days)",
    "csp_captures": "towns and bases the rebels (CSP) took (whole horizon)",
    "operations": f"state operations launched, all zones (last {WINDOW} days)",
    "insurgent_towns": f"towns JNIM or the CSP holds (last {WINDOW} days)",
    "insurgent_fighters": f"JNIM and CSP fighters (last {WINDOW} days)",
}
STRIKES = ("Battles", "Explosions/Remote violence")


@dataclass(frozen=True)
class Arm:
    """One arm of the study: a scenario with some parameters set."""

    name: str
    scenario: str
    params: tuple[tuple[str, float], ...] = ()


def army_arm(theatre: int) -> str:
    return f"army_{theatre // 1000}k"


def cooperation_arm(c: float) -> str:
    return f"cooperation_{c:g}"


def arms(theatre_share: float | None = None) -> list[Arm]:
    """Every arm; the army levels through ``fama_manpower`` = theatre level / ``theatre_share``."""
    share = theatre_share if theatre_share is not None else load_scenario(BASE).params["theatre_share"]
    return ([Arm(BASE, BASE), Arm("army_holds_centre", "army_holds_centre"), Arm("no_withdrawal", "no_withdrawal")]
            + [Arm(army_arm(t), BASE, (("fama_manpower", round(t / share)),)) for t in THEATRE]
            + [Arm(cooperation_arm(c), BASE, (("jnim_csp_cooperation", c),)) for c in COOPERATION])


@dataclass(frozen=True)
class Measures:
    """What one run is reduced to; sent to the pool's workers in place of the calibration's targets."""

    towns_per_zone: tuple[tuple[str, int], ...]
    zone_of_town: tuple[tuple[str, str], ...]

    @classmethod
    def for_map(cls) -> Measures:
        towns = load_map().towns
        return cls(tuple(towns["zone"].value_counts().items()), tuple(zip(towns["name"], towns["zone"], strict=True)))

    def statistics(self, metrics: pd.DataFrame, events: pd.DataFrame,
                   control: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """The run's value of each of ``MEASURES``, in order (and no data cells: the pool's second slot)."""
        last = metrics.iloc[-WINDOW:]
        zone, towns = dict(self.zone_of_town), dict(self.towns_per_zone)
        south_strikes = events[(events["actor1"] == "JNIM") & events["event_type"].isin(STRIKES)
                               & (events["location"].map(zone) == "south")]
        held = last.filter(regex=r"^n_towns_(JNIM|CSP)_").sum(axis=1)
        values = {
            "jnim_centre_towns": last["n_towns_JNIM_centre"].mean() / towns["centre"],
            "jnim_centre_influence": last["mean_influence_JNIM_centre"].mean(),
            "jnim_south_towns": last["n_towns_JNIM_south"].mean() / towns["south"],
            "jnim_south_strikes": float(len(south_strikes)),
            "csp_north_towns": last["n_towns_CSP_north"].mean(),
            "csp_captures": float(metrics["cum_captures_CSP"].iloc[-1]),
            "operations": last.filter(regex=r"^new_ops_").to_numpy().sum(),
            "insurgent_towns": held.mean(),
            "insurgent_fighters": (last["n_strength_JNIM"] + last["n_strength_CSP"]).mean(),
        }
        return np.array([float(values[m]) for m in MEASURES]), np.zeros(0)


def measure(arm_list: list[Arm], seeds: list[int], days: int, workers: int) -> pd.DataFrame:
    """Every arm run on every seed (in the project's process pool): one row per arm and seed."""
    mali, measures = load_map(), Measures.for_map()
    scenarios = [resolve(a.scenario, days=days, overrides=dict(a.params), mali=mali) for a in arm_list]
    jobs = [calibration_jobs.Job(scn, seed, measures) for scn in scenarios for seed in seeds]
    with pool(workers, None, 0) as runners:
        results = runners.map(calibration_jobs.run_job, jobs)
    values = pd.DataFrame([r[0] for r in results], columns=list(MEASURES))
    values.insert(0, "seed", [seed for _ in arm_list for seed in seeds])
    values.insert(0, "arm", [a.name for a in arm_list for _ in seeds])
    return values


@dataclass(frozen=True)
class Check:
    """One comparison of a claim: ``measure`` in ``arm`` against ``reference`` (paired by seed)."""

    measure: str
    arm: str
    reference: str | None  # None for 'launched' (no comparison)
    rule: str  # 'lower', 'not higher', 'not lower', 'launched'


@dataclass(frozen=True)
class Claim:
    key: str
    text: str
    checks: tuple[Check, ...]


def _steps(names: list[str], measure: str, rule: str) -> tuple[Check, ...]:
    """Each level against the one before it, and the last against the first."""
    pairs = [*zip(names[1:], names[:-1], strict=True), (names[-1], names[0])]
    return tuple(Check(measure, a, b, rule) for a, b in pairs)


ARMY = [army_arm(t) for t in THEATRE]
COOP = [cooperation_arm(c) for c in COOPERATION]
CLAIMS = (
    Claim("a", "a larger theatre army lowers JNIM's hold on the centre step by step, and a small one still "
               "launches operations",
          (*_steps(ARMY, "jnim_centre_towns", "lower"), Check("operations", ARMY[0], None, "launched"))),
    Claim("b", "`army_holds_centre` gives less JNIM in the centre and no more in the south than `historical_2023`",
          (Check("jnim_centre_towns", "army_holds_centre", BASE, "lower"),
           Check("jnim_south_towns", "army_holds_centre", BASE, "not higher"),
           Check("jnim_south_strikes", "army_holds_centre", BASE, "not higher"))),
    Claim("c", "`no_withdrawal` gives fewer rebel-held northern towns than `historical_2023`",
          (Check("csp_north_towns", "no_withdrawal", BASE, "lower"),)),
    Claim("c2", "the withdrawal opens the north to the rebels: `no_withdrawal` gives them fewer captures of towns "
                "and bases than `historical_2023`",
          (Check("csp_captures", "no_withdrawal", BASE, "lower"),)),
    Claim("d", "more JNIM–CSP cooperation never weakens the two groups against the state",
          (*_steps(COOP, "insurgent_towns", "not lower"), *_steps(COOP, "insurgent_fighters", "not lower"))),
)


def judge(check: Check, values: pd.DataFrame) -> dict:
    """A check's verdict from ``values`` (one row per arm and seed; a column per measure), with its numbers."""
    mine = values[values["arm"] == check.arm].set_index("seed")[check.measure]
    if check.rule == "launched":
        return {"difference": float(mine.min()), "lower": np.nan, "higher": np.nan, "p": np.nan,
                "holds": bool(mine.min() > 0)}
    reference = values[values["arm"] == check.reference].set_index("seed")[check.measure]
    d = (mine - reference.reindex(mine.index)).to_numpy()
    median, allowed = float(np.median(d)), MARGIN * abs(float(reference.median()))
    lower, higher = int((d < 0).sum()), int((d > 0).sum())
    p = np.nan
    if check.rule == "lower":
        holds = median < 0
    else:  # the change ruled out: up for 'not higher', down for 'not lower'
        against = higher if check.rule == "not higher" else lower
        p = binomtest(against, lower + higher, 0.5, alternative="greater").pvalue if lower + higher else 1.0
        beyond = median > allowed if check.rule == "not higher" else median < -allowed
        holds = not (beyond and p < ALPHA)
    return {"difference": median, "lower": lower, "higher": higher, "p": float(p), "holds": bool(holds)}


def verdicts(values: pd.DataFrame) -> pd.DataFrame:
    """Every check of every claim, judged: claim, measure, arm, reference, rule, difference, lower, higher, p (the
    sign test's, for 'not higher' / 'not lower'), holds."""
    rows = [{"claim": c.key, "measure": k.measure, "arm": k.arm, "reference": k.reference or "", "rule": k.rule,
             **judge(k, values)} for c in CLAIMS for k in c.checks]
    return pd.DataFrame(rows)
