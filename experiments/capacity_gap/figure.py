"""The capacity-gap study's figure, from its sweep folder.

    .venv/bin/python experiments/capacity_gap/figure.py [SWEEP_DIR]     (default sweeps/capacity_gap)

Writes ``experiments/capacity_gap/capacity_gap.png``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from vacuum_sim.sweeps import analysis

HISTORICAL = {"north_share": 0.85, "wagner_manpower": 1000, "withdrawal_stretch": 1.0}  # the other levers as in 2023
ARMY_LEVELS = (6000, 12000, 24000)


def main(sweep_dir: Path) -> Path:
    data = analysis.load(sweep_dir, ["frac_towns_JNIM_centre", "n_vacated_held_state", "n_vacated_held_CSP",
                                     "n_troops_needed", "n_troops_available"])
    fig, ax = plt.subplots(2, 2, figsize=(12, 8.5), layout="constrained")

    historical = data[(data[list(HISTORICAL)] == list(HISTORICAL.values())).all(axis=1)]
    band = analysis.bands(historical, "frac_towns_JNIM_centre")
    for army, colour in zip(ARMY_LEVELS, ("tab:red", "tab:orange", "tab:blue")):
        b = band[band["fama_manpower"] == army]
        ax[0, 0].fill_between(b["date"], b["q10"], b["q90"], color=colour, alpha=0.2, step="post")
        ax[0, 0].step(b["date"], b["median"], where="post", color=colour, label=f"army {army:,}")
    ax[0, 0].set(title="JNIM's share of the 18 central towns\n(median, 10–90 % band over seeds; other levers as in 2023)",
                 ylabel="share of central towns")
    ax[0, 0].legend()

    last = data[data["day"] == data["day"].max()]
    gap = historical[(historical["day"] == data["day"].max())
                     & historical["metric"].isin(["n_troops_needed", "n_troops_available"])]
    gap = gap.groupby(["fama_manpower", "metric"], observed=True)["value"].quantile([0.1, 0.5, 0.9]).unstack()
    for metric, colour in (("n_troops_needed", "black"), ("n_troops_available", "tab:green")):
        g = gap.xs(metric, level="metric")
        ax[0, 1].fill_between(g.index, g[0.1], g[0.9], color=colour, alpha=0.2)
        ax[0, 1].plot(g.index, g[0.5], "o-", color=colour, label=metric.removeprefix("n_troops_") + " troops")
    ax[0, 1].set(title="The capacity gap on 31 March 2024: troops to garrison every base\n"
                        "(army + Wagner; median, 10–90 % band; other levers as in 2023)",
                 xlabel="army manpower", ylabel="personnel")
    ax[0, 1].legend()

    for axis, metric, title in ((ax[1, 0], "frac_towns_JNIM_centre", "JNIM's share of central towns"),
                                (ax[1, 1], "n_vacated_held_CSP", "vacated bases held by the rebels (CSP)")):
        table = last[last["metric"] == metric].groupby(["north_share", "fama_manpower"])["value"].mean().unstack()
        image = axis.imshow(table, origin="lower", aspect="auto", cmap="Reds")
        axis.set_xticks(range(table.shape[1]), [f"{v:,}" for v in table.columns])
        axis.set_yticks(range(table.shape[0]), table.index)
        for i in range(table.shape[0]):
            for j in range(table.shape[1]):
                v = table.iat[i, j]
                dark = v > (table.values.min() + table.values.max()) / 2
                axis.text(j, i, f"{v:.2f}", ha="center", va="center", color="white" if dark else "black")
        axis.set(title=f"{title} on 31 March 2024\n(mean over Wagner size, withdrawal pace and seeds)",
                 xlabel="army manpower", ylabel="share of operations sent north")
        fig.colorbar(image, ax=axis)

    out = Path(__file__).with_name("capacity_gap.png")
    fig.savefig(out, dpi=110)
    return out


if __name__ == "__main__":
    print(main(Path(sys.argv[1] if len(sys.argv) > 1 else "sweeps/capacity_gap")))
