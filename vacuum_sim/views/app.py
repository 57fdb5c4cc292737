"""The classroom app: Mali after the UN withdrawal, live in the browser.

Mesa's SolaraViz supplies play / step / reset and the parameter sliders.  The
sliders are made from the parameter table, and a preset selector starts them
from a bundled scenario.  The map is ``plots.control_map`` with the force units
drawn on top; the charts are screen-sized cousins of the report figures, in the
same palette.  Everything the page loads is served from this machine.  Start it
with ``vacuum-sim app``; nothing imports this module.
"""

from __future__ import annotations

import math
from datetime import timedelta

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import solara
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, PercentFormatter
from mesa.visualization import Slider, SolaraViz
from mesa.visualization.utils import update_counter

from vacuum_sim.factions import CONTROL_LABELS, FACTIONS, ZONES
from vacuum_sim.inputs.geography import load_map
from vacuum_sim.model.metrics import BENCHMARK_PER_1000, monthly_operations
from vacuum_sim.model.model import VacuumModel
from vacuum_sim.inputs.params import BY_NAME, Param
from vacuum_sim.views.plots import COLOURS, LABELS, control_map, town_sizes
from vacuum_sim.runs.runner import towns_table
from vacuum_sim.inputs.scenario import DEFAULT_SCENARIO, Scenario, apply_changes, available, load_scenario

TITLE = "Mali after the UN withdrawal: who fills the vacuum?"
EXPLAINER = (
    "In the second half of 2023 the UN peacekeeping mission MINUSMA (about 13,000 troops) left Mali. "
    "Could the Malian army (FAMa) and its Wagner auxiliaries take over the bases the UN left in the north "
    "and still keep up the fight against JNIM (al-Qaeda's affiliate) in the centre? "
    "Press ▶ to play or Step to advance one week. Choose a preset, or move the sliders on the left and "
    "press Reset to run again with your choices; the same seed replays the same chance events."
)
# The policy levers a class can pull; their labels, ranges and defaults come from the parameter table.
LEVERS = ("fama_manpower", "north_share", "wagner_manpower", "abuse_rate_wagner",
          "withdrawal_stretch", "withdrawal_shift_days", "jnim_csp_cooperation")
DAYS_PER_STEP = 7  # SolaraViz's render interval: Step, and each frame of Play, moves the model on a week
MAX_SEED = 99
CHART_SIZE = (5.6, 5.4)
CSS = """
.vs-plot img { width: 100%; height: auto; }
.vs-explainer { font-size: 0.95rem; }
.vs-date { font-size: 1.5rem; font-weight: 600; }
.vs-run { font-size: 0.8rem; color: #555; }
/* Mesa's sliders: the label above the slider and the value always in view (Vuetify shows it only while dragging). */
.v-input__slider .v-input__slot { flex-wrap: wrap; }
.v-input__slider .v-label { flex-basis: 100%; margin-bottom: 30px; white-space: normal; height: auto; }
.v-slider__thumb-label-container { display: block !important; }
.v-slider__thumb-label { transform: translate(-50%, -24px) !important; width: auto !important; height: 22px !important;
                         padding: 0 6px; border-radius: 4px; }
.v-slider__thumb-label > * { transform: none !important; }
"""


class AppModel(VacuumModel):
    """The model SolaraViz builds on Reset, by keyword: a bundled preset plus the sliders' lever values."""

    def __init__(self, preset: str = DEFAULT_SCENARIO, rng: int = 0, **levers):
        levers.pop("scenario", None)  # SolaraViz's Reset adds an empty Mesa Scenario for models that take **kwargs
        mali = load_map()
        scenario = apply_changes(load_scenario(preset, mali), {"params": levers}, "app sliders", mali)
        super().__init__(scenario, rng=rng, mali=mali)


def slider(p: Param, value) -> Slider:
    """A slider over the parameter's allowed range, with a round step that gives about a hundred positions."""
    raw = (p.high - p.low) / 100
    scale = 10.0 ** math.floor(math.log10(raw))
    step = next(m * scale for m in (1, 2, 5, 10) if m * scale >= raw)
    label = f"{p.label} ({p.unit})"
    if p.dtype is int:
        return Slider(label, int(value), int(p.low), int(p.high), max(1, int(step)), dtype=int)
    return Slider(label, float(value), p.low, p.high, step, dtype=float)


def model_params(scenario: Scenario) -> dict:
    """SolaraViz's inputs: the preset (fixed), the seed and one slider per lever, set to the preset's values."""
    return {"preset": scenario.name, "rng": Slider("Seed (chance events)", 0, 0, MAX_SEED, 1),
            **{name: slider(BY_NAME[name], scenario.params[name]) for name in LEVERS}}


def lever_text(model: VacuumModel) -> str:
    """The run's preset, seed and lever values, as the page states them."""
    values = [f"{BY_NAME[n].label}: {model.p[n]:,g} ({BY_NAME[n].unit})" for n in LEVERS]
    return " · ".join([f"This run: {model.scenario_spec.name}, seed {model.seed}", *values])


# ---------------------------------------------------------------- the map


def map_figure(model: VacuumModel) -> Figure:
    """Who holds each town today (``plots.control_map``), with the force units on top."""
    fig = Figure(figsize=(8.4, 5.9))
    ax = fig.add_axes((0.0, 0.0, 0.72, 0.94), anchor="W")  # the control map's legends go to the right of it
    control = pd.Series([CONTROL_LABELS[c] for c in model.controller], index=model.names,
                        name=pd.Timestamp(model.date))
    un_open = [name for name, is_open in zip(model.names, model.un_open) if is_open]
    control_map(towns_table(model), model.mali.corridors, control, un_open=un_open, ax=ax)
    draw_forces(ax, model)
    return fig


def unit_area(strength: np.ndarray) -> np.ndarray:
    """Marker area (points²) growing with the square root of strength, so big garrisons do not swamp the map."""
    return np.minimum(14 * np.sqrt(np.asarray(strength) / 100), 160)


def draw_forces(ax, model: VacuumModel) -> None:
    """Force units as triangles in their faction's colour, area growing with strength.

    Mesa would draw the units of one town on top of each other, so a town's units
    stand on a ring just outside its circle, one marker per faction; units on the
    move are drawn where they are along their corridor.
    """
    xy = np.array([model.grid[v].position for v in range(model.n)])
    in_town = np.zeros((model.n, len(FACTIONS)))
    moving = []
    for u in model.units:
        if u.route:
            done = 1 - u.km_left / model.corridor_km(u.node, u.route[0])
            moving.append((*(xy[u.node] + done * (xy[u.route[0]] - xy[u.node])), u.faction, u.strength))
        else:
            in_town[u.node, u.faction] += u.strength
    ax.apply_aspect()
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    width, height = ax.figure.get_size_inches() * ax.get_position().size * 72
    per_point = np.array([(x1 - x0) / width, (y1 - y0) / height])
    ring = np.sqrt(town_sizes(pd.Series(model.population))) / 2 + 5  # points from each town's centre
    for f, name in enumerate(FACTIONS):
        nodes = np.flatnonzero(in_town[:, f])
        angle = np.pi / 2 + 2 * np.pi * f / len(FACTIONS)
        pos = xy[nodes] + ring[nodes, None] * per_point * (np.cos(angle), np.sin(angle))
        ax.scatter(pos[:, 0], pos[:, 1], s=unit_area(in_town[nodes, f]), marker="^", color=COLOURS[name],
                   edgecolors="#222222", linewidths=0.5, zorder=11)
    if moving:
        x, y, f, strength = np.array(moving).T
        ax.scatter(x, y, s=unit_area(strength), marker="^", color=[COLOURS[FACTIONS[int(i)]] for i in f],
                   edgecolors="white", linewidths=0.8, zorder=11)
    present = {FACTIONS[f] for f in np.flatnonzero(in_town.any(axis=0))} | {FACTIONS[int(m[2])] for m in moving}
    handles = [Line2D([], [], marker="^", linestyle="none", markersize=8, color=COLOURS[name],
                      markeredgecolor="#222222", markeredgewidth=0.5, label=LABELS[name])
               for name in FACTIONS if name in present]
    handles.append(Line2D([], [], marker="^", linestyle="none", markersize=8, color="#888888",
                          markeredgecolor="white", label="on the move (white edge)"))
    ax.add_artist(Legend(ax, handles, [h.get_label() for h in handles], title="Forces (size = strength)",
                         loc="upper left", fontsize=7.5, title_fontsize=8, framealpha=0.85, alignment="left"))


# ---------------------------------------------------------------- the charts


def _chart(rows: int, title: str, span: tuple[pd.Timestamp, pd.Timestamp]):
    """A screen-sized figure with ``rows`` panels over the whole run, so the lines grow from left to right."""
    fig = Figure(figsize=CHART_SIZE, layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, 1, sharex=True))
    axes[-1].set_xlim(*span)
    locator = mdates.AutoDateLocator()
    axes[-1].xaxis.set_major_locator(locator)
    axes[-1].xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    fig.suptitle(title, fontsize=12)
    return fig, axes


def control_share_figure(metrics: pd.DataFrame, span) -> Figure:
    """Share of each zone's towns held by each controller, as stacked areas."""
    fig, axes = _chart(len(ZONES), "Who holds the towns, by zone", span)
    present = set()
    for ax, zone in zip(axes, ZONES):
        counts = metrics[[f"n_towns_{c}_{zone}" for c in CONTROL_LABELS]].to_numpy()
        shares = counts / counts.sum(axis=1, keepdims=True)
        ax.stackplot(metrics.index, shares.T, colors=[COLOURS[c] for c in CONTROL_LABELS], linewidth=0)
        present |= {c for c, share in zip(CONTROL_LABELS, shares.T) if share.any()}
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_title(f"{zone.capitalize()} ({int(counts[0].sum())} towns)", loc="left", fontsize=10)
    fig.legend(handles=[Patch(color=COLOURS[c], label=LABELS[c]) for c in CONTROL_LABELS if c in present],
               loc="outside lower center", ncols=2, fontsize=8, frameon=False)
    return fig


def operations_figure(metrics: pd.DataFrame, span) -> Figure:
    """State operations launched per calendar month in each zone."""
    fig, axes = _chart(len(ZONES), "Army operations launched per month, by zone", span)
    monthly = monthly_operations(metrics)
    top = max(5.0, float(monthly.to_numpy().max()) * 1.2)
    for ax, zone in zip(axes, ZONES):
        ax.bar(monthly.index, monthly[zone], width=monthly.index.days_in_month * 0.8, align="edge",
               color=COLOURS["FAMa"])
        ax.set_ylim(0, top)
        ax.set_title(zone.capitalize(), loc="left", fontsize=10)
        ax.set_ylabel("operations")
    return fig


def capacity_figure(metrics: pd.DataFrame, span) -> Figure:
    """Security personnel per 1,000 inhabitants against the benchmark, and troops needed against available."""
    fig, (density, gap) = _chart(2, "Can the state hold what the UN leaves behind?", span)
    styles = {"north": "-", "centre": "--", "south": ":", "national": "-"}
    for area, style in styles.items():
        national = area == "national"
        density.plot(metrics.index, metrics[f"security_per_1000_{area}"], linestyle=style,
                     color="black" if national else "#666666", linewidth=2.2 if national else 1.4,
                     label="all Mali" if national else area)
    density.axhline(BENCHMARK_PER_1000, color="#B2182B", linestyle="--", linewidth=1.2,
                    label=f"benchmark: {BENCHMARK_PER_1000} per 1,000")
    top = max(BENCHMARK_PER_1000, float(np.nanmax(metrics.filter(like="security_per_1000_"))))
    density.set_ylim(0, top * 1.6)  # head room for the legend
    density.set_ylabel("per 1,000 people")
    density.set_title("Security personnel per 1,000 inhabitants", loc="left", fontsize=10)
    density.legend(fontsize=7.5, ncols=3, frameon=False, loc="upper left")
    needed, available_ = metrics["n_troops_needed"], metrics["n_troops_available"]
    gap.plot(metrics.index, needed, color="#B2182B", linewidth=1.8, label="needed to hold every held and vacated base")
    gap.plot(metrics.index, available_, color=COLOURS["FAMa"], linewidth=1.8, label="available (FAMa + Wagner)")
    gap.fill_between(metrics.index, available_, needed, where=needed > available_, interpolate=True,
                     color="#B2182B", alpha=0.2, linewidth=0, label="capacity gap")
    gap.set_ylim(0, max(needed.max(), available_.max()) * 1.15)
    gap.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    gap.set_title("Troops needed vs troops available", loc="left", fontsize=10)
    gap.legend(fontsize=7.5, frameon=False, loc="lower left")
    return fig


CHARTS = {"Control": control_share_figure, "Operations": operations_figure, "Capacity": capacity_figure}


# ---------------------------------------------------------------- the page


@solara.component
def Plot(make, model: VacuumModel, day: int, name: str):
    """A matplotlib figure, drawn again only when the model has moved on a day or been rebuilt.

    ``day`` is a prop of its own because Solara takes two closures over the same model to be equal props.
    """
    fig = solara.use_memo(make, [model, day])
    with solara.Div(classes=["vs-plot", f"vs-{name}"]):
        solara.FigureMatplotlib(fig, dependencies=[model, day], format="png")


@solara.component
def Status(model: VacuumModel, metrics: pd.DataFrame):
    """Today's date and the two numbers of the argument: who holds the vacated bases, and the capacity gap."""
    now = metrics.iloc[-1]
    solara.Div(f"{model.date:%-d %B %Y} — day {model.day} of {model.scenario_spec.days}", classes=["vs-date"])
    solara.Div(f"UN camps vacated: {now['n_vacated_bases']:.0f} (held by the state {now['n_vacated_held_state']:.0f}, "
               f"CSP {now['n_vacated_held_CSP']:.0f}, JNIM {now['n_vacated_held_JNIM']:.0f}) · "
               f"troops needed to hold every base {now['n_troops_needed']:,.0f}, "
               f"available {now['n_troops_available']:,.0f}", classes=["vs-status"])


@solara.component
def Dashboard(model: VacuumModel):
    """The main area: explainer, status, the map beside one chart (only the visible tab is drawn), the levers."""
    update_counter.get()  # SolaraViz bumps it after every Step
    metrics = solara.use_memo(lambda: model.history.metrics_frame(model), [model, model.day])
    start = pd.Timestamp(model.start_date)
    span = (start, start + timedelta(days=model.scenario_spec.days))
    solara.Style(CSS)
    solara.Div(EXPLAINER, classes=["vs-explainer"])
    Status(model, metrics)
    with solara.Columns([7, 5]):
        Plot(lambda: map_figure(model), model, model.day, "map")
        with solara.lab.Tabs(lazy=True):
            for label, chart in CHARTS.items():
                with solara.lab.Tab(label):
                    Plot(lambda chart=chart: chart(metrics, span), model, model.day, "chart")
    solara.Div(lever_text(model), classes=["vs-run"])


@solara.component
def Page():
    """The preset selector around SolaraViz: a new preset rebuilds the model and sets the sliders to its values."""
    presets = solara.use_memo(available, [])
    preset, set_preset = solara.use_state(DEFAULT_SCENARIO)
    scenario = solara.use_memo(lambda: load_scenario(preset), [preset])
    model = solara.use_reactive(solara.use_memo(lambda: AppModel(preset), [preset]))
    with solara.Sidebar(), solara.Card("Scenario preset"):
        solara.Select("Preset", values=list(presets), value=preset, on_value=set_preset)
        solara.Text(presets[preset])
    # A new key remounts SolaraViz, so that its sliders start again from the new preset's values.
    SolaraViz(model, components=[], model_params=model_params(scenario), name=TITLE,
              render_interval=DAYS_PER_STEP).key(preset)
    Dashboard(model.value)
