"""The levers a class can pull, in the words of the lesson, with ranges and steps made for a projector.

The parameter table (``inputs/params.py``) holds each lever's default, full allowed range and source;
this table only narrows the range to what a lesson needs and picks a step a student can hit with a
mouse (the army slider once ran 0–100,000, so a 20-pixel drag added 6,000 troops).  A test checks that
every range here lies inside the parameter table's.
"""

from __future__ import annotations

from dataclasses import dataclass

from vacuum_sim.inputs.params import BY_NAME


@dataclass(frozen=True)
class Lever:
    param: str  # the parameter table's name
    label: str  # what the slider says, in the lesson's words
    low: float
    high: float
    step: float
    percent: bool = False  # a 0–1 share shown as a percentage

    def shown(self, value) -> str:
        """The value as the slider shows it: 12,000 / 85 % / 0.8."""
        if self.percent:
            return f"{100 * value:.0f} %"
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"

    def snap(self, value) -> float | int:
        """``value`` on this lever's grid of steps, in the parameter's own type (a slider's float drift removed)."""
        snapped = round(self.low + round((value - self.low) / self.step) * self.step, 6)
        return BY_NAME[self.param].dtype(min(max(snapped, self.low), self.high))


LEVERS: tuple[Lever, ...] = (
    Lever("fama_manpower", "Malian security forces in all (army, gendarmerie, national guard)", 10_000, 60_000, 1_000),
    Lever("reclaim_weight", "The junta's priority: reclaim the bases (100 %) or protect the towns (0 %)", 0.0, 1.0, 0.05,
          percent=True),
    Lever("wagner_manpower", "Wagner contingent (people)", 0, 3_000, 100),
    Lever("abuse_rate_wagner", "Wagner's conduct: abuses per 100 fighters a day on operations", 0.0, 3.0, 0.1),
    Lever("withdrawal_stretch", "Withdrawal pace (1 = as planned, 3 = three times slower)", 0.5, 4.0, 0.25),
    Lever("withdrawal_shift_days", "UN withdrawal starts later by (days; negative = earlier)", -90, 360, 30),
    Lever("jnim_csp_cooperation", "JNIM–rebel relationship (0 = hostile, 1 = tacit allies)", 0.0, 1.0, 0.1),
)
BY_PARAM = {lever.param: lever for lever in LEVERS}
SEEDS = (0, 99)  # the seed slider's range: a hundred different histories are plenty for a class
