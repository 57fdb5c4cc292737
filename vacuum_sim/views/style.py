"""The look shared by every figure, the animation and the app: palette, plain names, metric labels, furniture.

What the app should use from here: ``COLOURS`` and ``LABELS`` (legend text, every acronym spelled
out), ``metric_label(name)`` for any metric column shown on screen, ``param_label(name)`` for a
slider or factor, ``date_axis(ax)`` and ``format_date(date)``.  No code name (``frac_towns_JNIM_centre``,
"CTP") should reach a figure: go through these tables.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.figure import Figure

from vacuum_sim.factions import CONTROL_LABELS, ZONES

# Okabe–Ito colours where they fit (safe for the common colour-vision deficiencies).  The UN keeps
# its own light blue; the army is purple so that it is never a second blue; the jihadist groups are
# warm, the Tuareg rebels green.  ``after_UN`` marks towns the state holds where a UN camp closed.
COLOURS = {
    "FAMa": "#5E3C99",
    "Wagner": "#CC79A7",
    "UN": "#56B4E9",
    "JNIM": "#E69F00",
    "CSP": "#009E73",
    "ISSP": "#D55E00",
    "contested": "#F0E442",
    "none": "#D0D0D0",
    "after_UN": "#B9A6DA",
}
# Legend text: every acronym spelled out where it first appears.
LABELS = {
    "FAMa": "FAMa (Malian army)",
    "Wagner": "Wagner (Russian paramilitaries)",
    "UN": "UN peacekeepers (MINUSMA)",
    "JNIM": "JNIM (al-Qaeda's Sahel affiliate)",
    "CSP": "CSP (Tuareg rebel coalition)",
    "ISSP": "ISSP (Islamic State Sahel Province)",
    "contested": "contested (no side in control)",
    "none": "no armed actor present",
    "after_UN": "army or Wagner, in a town whose UN camp has closed",
}
# What each acronym stands for; a figure that uses one says it somewhere (a legend, or a note).
ACRONYMS = {
    "FAMa": "Malian army",
    "MINUSMA": "UN peacekeepers",
    "JNIM": "al-Qaeda's Sahel affiliate",
    "CSP": "Tuareg rebel coalition",
    "ISSP": "Islamic State Sahel Province",
    "CTP": "Critical Threats Project",
}


def unexplained(texts) -> list[str]:
    """The acronyms used in `texts` whose meaning appears in none of them."""
    texts = list(texts)
    return [a for a, meaning in ACRONYMS.items()
            if any(re.search(rf"\b{a}\b", t) for t in texts) and not any(meaning in t for t in texts)]


# Short names inside sentences (titles, axis labels), once the legend has spelled them out.
SHORT = {
    "FAMa": "the army",
    "Wagner": "Wagner",
    "UN": "the UN",
    "JNIM": "JNIM",
    "CSP": "the Tuareg rebels (CSP)",
    "ISSP": "ISSP",
    "contested": "no side (contested)",
    "none": "no armed actor",
    "state": "the army or Wagner",
}
ZONE_WORDS = {"north": "northern", "centre": "central", "south": "southern"}
ZONE_TINTS = {"north": "#F3E9D2", "centre": "#E3ECD9", "south": "#DCE8F0"}

# What a stacked control chart shows, bottom to top: the state and its partners, then no one, then the armed groups.
SHARE_ORDER = ("FAMa", "Wagner", "after_UN", "UN", "contested", "none", "JNIM", "CSP", "ISSP")
STATE_SIDE = ("FAMa", "Wagner", "after_UN")

REPORT_SOURCE = "Critical Threats Project (CTP) update of 25 Oct 2023"
DATA_CUTOFF = pd.Timestamp("2023-10-25")
LEGEND_STYLE = {"fontsize": 8, "title_fontsize": 9, "frameon": False, "alignment": "left"}
SERIES = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999")  # lines in a chart

# ---------------------------------------------------------------- metric labels

_WHO = "|".join(CONTROL_LABELS)
_ZONE = "|".join(ZONES)
# One row per metric family: a pattern over the column name and the plain words a reader sees.
METRIC_LABELS: tuple[tuple[str, str], ...] = (
    (rf"new_ops_(?P<zone>{_ZONE})", "state operations launched in the {zone} per day"),
    (r"n_vacated_bases", "UN camps vacated"),
    (r"n_vacated_held_(?P<who>state|JNIM|CSP|ISSP|contested)", "vacated UN camps held by {who}"),
    (rf"n_towns_(?P<who>{_WHO})_(?P<zone>{_ZONE})", "{zone_adj} towns held by {who}"),
    (rf"frac_towns_(?P<who>{_WHO})_(?P<zone>{_ZONE})", "share of {zone_adj} towns held by {who}"),
    (rf"n_pop_(?P<who>{_WHO})_(?P<zone>{_ZONE})", "people in {zone_adj} towns held by {who}"),
    (rf"security_per_1000_(?P<zone>{_ZONE})", "security personnel per 1,000 inhabitants in the {zone}"),
    (r"security_per_1000_national", "security personnel per 1,000 inhabitants in all Mali"),
    (rf"state_per_1000_(?P<zone>{_ZONE})", "army and Wagner personnel per 1,000 inhabitants in the {zone}"),
    (r"state_per_1000_national", "army and Wagner personnel per 1,000 inhabitants in all Mali"),
    (r"n_troops_needed", "troops needed: 20 per 1,000 people where armed groups are active"),
    (r"n_troops_available", "troops available (army and Wagner)"),
    (r"n_troops_needed_un_footprint", "troops to hold every base and vacated UN camp at the UN's strength"),
    (r"n_state_forces", "the state's forces in all (theatre, rear, training)"),
    (r"n_state_rear", "state personnel outside the theatre"),
    (r"n_state_trainees", "state recruits in training"),
    (r"cum_state_enlisted", "recruits enlisted by the state to date"),
    (r"cum_reinforcements_(?P<who>\w+)", "new {who} personnel arrived in the theatre to date"),
    (r"cum_losses_(?P<who>\w+)", "personnel lost by {who} to date"),
    (r"cum_stood_down_(?P<who>\w+)", "depleted {who} personnel withdrawn with no unit to join, to date"),
    (r"new_atrocities_(?P<who>\w+)", "atrocities against civilians by {who} per day"),
    (r"cum_atrocities_(?P<who>\w+)", "atrocities against civilians by {who} to date"),
    (r"new_recruits_(?P<who>\w+)", "recruits joining {who} per day"),
    (r"cum_recruits_(?P<who>\w+)", "recruits who joined {who} to date"),
    (r"cum_captures_(?P<who>\w+)", "towns and camps taken by {who} to date"),
    (r"cum_joint_strikes", "JNIM–rebel strikes on the same place, to date"),
    (r"cum_outposts_given_up", "army outposts given up to free troops, to date"),
    (r"cum_footholds_(?P<who>\w+)", "new bases set up by {who} where the state was absent, to date"),
    (r"cum_blockades_(?P<who>\w+)", "blockades of army-held towns started by {who}, to date"),
    (rf"n_blockaded_(?P<zone>{_ZONE})", "{zone_adj} towns under blockade"),
    (r"n_csp_at_war", "rebels (CSP) at war with the state (1 = yes)"),
    (r"n_engagements", "fights under way"),
    (r"cum_combat_deaths", "fighters killed (all sides) to date"),
    (r"cum_drone_strikes", "state drone strikes to date"),
    (r"cum_drone_civilian_deaths", "civilians killed by state drone strikes to date"),
    (r"n_strength_(?P<who>\w+)", "personnel of {who}"),
    (rf"mean_grievance_(?P<zone>{_ZONE})", "mean grievance in {zone_adj} towns (0–1)"),
    (rf"mean_influence_(?P<who>\w+)_(?P<zone>{_ZONE})", "mean influence of {who} in {zone_adj} towns (0–1)"),
)


def metric_label(name: str) -> str:
    """Plain words for a metric column; a KeyError for a name the table does not know (never the code name)."""
    for pattern, template in METRIC_LABELS:
        match = re.fullmatch(pattern, name)
        if match is None:
            continue
        parts = match.groupdict()
        if "who" in parts and parts["who"] not in SHORT:
            continue
        zone = parts.get("zone")
        return template.format(who=SHORT.get(parts.get("who"), ""), zone=zone, zone_adj=ZONE_WORDS.get(zone, ""))
    raise KeyError(f"no plain label for metric {name!r}; add its family to style.METRIC_LABELS")


UNITLESS = ("", "share", "factor", "relative", "multiplier", "index")  # units that add nothing a reader needs


def param_label(name: str) -> str:
    """A parameter's label from the parameter table, with its unit when it has one that says something."""
    from vacuum_sim.inputs.params import BY_NAME

    p = BY_NAME[name]
    return p.label if p.unit in UNITLESS else f"{p.label} ({p.unit})"


def number_text(value) -> str:
    """Three significant digits as a reader writes them: 12,400 and 0.0556, not 1.24e+04."""
    if abs(value) >= 1000:
        return f"{round(value, 2 - math.floor(math.log10(abs(value)))):,.0f}"
    return f"{value:.3g}"


def level_text(value) -> str:
    """A factor level: whole numbers in full (12,000), others to three significant digits."""
    return f"{int(value):,}" if float(value).is_integer() else number_text(value)


# ---------------------------------------------------------------- figure furniture


def format_date(date) -> str:
    """'1 Aug 2023' style, for titles a reader can parse at a glance."""
    date = pd.Timestamp(date)
    return f"{date.day} {date:%b %Y}"


def footer_text(metadata: Mapping | None) -> str | None:
    """The provenance line every figure carries when run metadata is known."""
    if not metadata:
        return None
    seed = metadata.get("seed", "?")
    if isinstance(seed, (list, tuple)):
        seed = f"{min(seed)}–{max(seed)} ({len(seed)} runs)" if seed else "?"
    return f"vacuum-sim {metadata.get('version', '?')} · scenario {metadata.get('scenario', '?')} · seed {seed}"


def add_footer(fig: Figure, metadata: Mapping | None) -> None:
    """Stamp version, scenario and seed in the bottom-left corner, reserving room for it."""
    text = footer_text(metadata)
    if text is None:
        return
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        engine.set(rect=(0, 0.03, 1, 0.97))
    fig.text(0.005, 0.005, text, ha="left", va="bottom", fontsize=7, color="#666666", gid="footer")


def date_axis(ax, maxticks: int = 9) -> None:
    """Calendar dates on the x axis, labelled compactly (month names, years at year breaks)."""
    locator = mdates.AutoDateLocator(minticks=max(2, maxticks // 2), maxticks=maxticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def mark_data_cutoff(ax, dates: pd.DatetimeIndex, label: bool) -> None:
    """Separate the period covered by the source data from the projection (a dotted line)."""
    if len(dates) and dates[0] <= DATA_CUTOFF <= dates[-1]:
        ax.axvline(DATA_CUTOFF, color="#444444", linewidth=0.8, linestyle=":", gid="data_cutoff")
        if label:
            ax.annotate("source data end (25 Oct 2023)", (DATA_CUTOFF, 1), xycoords=("data", "axes fraction"),
                        xytext=(-2, -4), textcoords="offset points", rotation=90, ha="right", va="top", fontsize=7,
                        color="#444444", bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 1})


def new_figure(fig: Figure | None, figsize: tuple[float, float]) -> Figure:
    """The figure to draw on: a fresh constrained-layout one, or the caller's, cleared (the app reuses its own)."""
    if fig is None:
        return Figure(figsize=figsize, layout="constrained")
    fig.clear()
    return fig
