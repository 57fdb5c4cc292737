"""The classroom page, served by ``vacuum-sim app``: a Solara page over one :class:`~.session.Session`.

Left, the setup: a preset, the levers in the lesson's words, the seed, and Reset, with a marker that
says what is waiting for it.  Right, the run: Play / Step / Run to the end, the date with the gauge of
troops needed against troops available, a scrubber over the weeks already run, the ticker of key
events, and one view at a time (the map, a chart, or several seeds).  The map is drawn here, the charts
in a helper process (``charts``); both with the report's figure builders.
"""

from __future__ import annotations

import threading

import pandas as pd
import solara

from vacuum_sim.inputs.scenario import available
from vacuum_sim.model.metrics import BENCHMARK_PER_1000
from vacuum_sim.views.app import export, workers
from vacuum_sim.views.app.charts import CHARTS, Job, Painter
from vacuum_sim.views.app.levers import LEVERS, SEEDS
from vacuum_sim.views.app.map import MapPicture
from vacuum_sim.views.app.replicates import summary
from vacuum_sim.views.app.session import Frame, Session, Settings, mali
from vacuum_sim.views.app.ticker import key_events

TITLE = "Mali after the UN withdrawal: who fills the vacuum?"
TABS = ("Map", *CHARTS, "Several seeds")
SEED_COUNTS = (5, 10, 20)
TICKER_ITEMS = 4
CSS = """
.vs-app { display: grid; grid-template-columns: 300px 1fr; height: 100vh; overflow: hidden; }
.vs-setup { overflow-y: auto; padding: 8px 12px 0 12px; border-right: 1px solid #ddd; background: #fafafa; }
.vs-stage { overflow-y: auto; padding: 6px 12px; min-width: 0; }
.vs-title { font-size: 1rem; font-weight: 600; line-height: 1.25; margin-bottom: 4px; }
.vs-bar { align-items: center; gap: 8px; flex-wrap: nowrap; }
.vs-date { font-size: 1.2rem; font-weight: 600; white-space: nowrap; margin-left: 8px; }
.vs-gauge { display: flex; align-items: center; gap: 10px; font-size: 0.82rem; white-space: nowrap; }
.vs-gauge-bar { flex: 1; min-width: 120px; height: 12px; background: #e6e6e6; border-radius: 6px; overflow: hidden; }
.vs-gauge-fill { display: block; height: 100%; }
.vs-scrubber { flex: 1; display: flex; align-items: center; gap: 6px; min-width: 160px; }
.vs-scrubber .v-input { flex: 1; }
.vs-ticker { font-size: 0.82rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; color: #333; }
.vs-stage .v-tabs .v-tab { font-size: 0.8rem; letter-spacing: 0; padding: 0 10px; min-width: 0; }
.vs-stage .v-tabs-bar { height: 36px; }
.vs-picture img { display: block; width: 940px; max-width: 100%; height: auto; }
.vs-caption { font-size: 0.75rem; color: #666; }
.vs-pending { border-radius: 4px; padding: 4px 8px; font-size: 0.82rem; background: #f1f1f1; color: #444; }
.vs-pending.vs-waiting { background: #fff3cd; color: #5c4400; border: 1px solid #e0b000; }
.vs-reset { position: sticky; bottom: 0; background: #fafafa; padding: 6px 0 8px 0; border-top: 1px solid #ddd; }
.vs-run, .vs-note, .vs-help { font-size: 0.78rem; color: #555; line-height: 1.3; }
.vs-lever-label { font-size: 0.8rem; display: flex; justify-content: space-between; gap: 6px; line-height: 1.15;
                  margin-top: 6px; }
.vs-lever-value { font-weight: 600; white-space: nowrap; }
.vs-slider .v-input { margin-top: 0; }
.vs-slider .v-input__slot { margin-bottom: 0; min-height: 24px; }
.vs-slider .v-slider { min-height: 24px; }
.vs-slider .v-messages { display: none; }
/* The slider's own label stays for screen readers and tests, out of sight: the line above says it. */
.vs-slider .v-label { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
.vs-error { color: #B2182B; font-weight: 600; }
.vs-numbers { border-collapse: collapse; font-size: 0.85rem; margin: 6px 0; }
.vs-numbers td, .vs-numbers th { padding: 2px 8px; border-bottom: 1px solid #ddd; text-align: right; }
.vs-numbers td:first-child, .vs-numbers th:first-child { text-align: left; }
"""


@solara.component
def Page():
    session = solara.use_memo(Session, [])
    version, set_version = solara.use_state(0)  # a prop of every part that reads the session: it re-renders
    tab, set_tab = solara.use_state(0)
    shown, set_shown = solara.use_state(None)  # a day picked on the scrubber; None follows the run
    chart, set_chart = solara.use_state((None, None, None))  # (key, png, error) of the last chart drawn
    painter = solara.use_memo(lambda: Painter(lambda key, png, error: set_chart((key, png, error))), [])

    def connect():
        workers.start()
        unsubscribe = session.subscribe(set_version, draws=True)

        def disconnect():
            unsubscribe()
            session.close()
        return disconnect
    solara.use_effect(connect, [])
    solara.use_effect(lambda: session.drawn(version), [version])  # after each render: Play may go on

    frame = session.frame(shown)
    follow = solara.use_memo(lambda: (lambda action: lambda: (set_shown(None), action())), [])
    solara.Title(TITLE)
    solara.Style(CSS)
    with solara.Div(classes=["vs-app"]):
        with solara.Div(classes=["vs-setup"]):
            Setup(session, version)
        with solara.Column(classes=["vs-stage"], gap="4px"):
            Stage(session, version, frame, follow, tab, set_tab, set_shown, painter, chart)


@solara.component
def Layout(children):
    """No app bar and no drawer: the page is the whole window (a projector has none to spare)."""
    return solara.Div(children=children)


@solara.component
def Stage(session: Session, version: int, frame: Frame, follow, tab: int, set_tab, set_shown, painter: Painter, chart):
    """The run: buttons and date, gauge and scrubber, ticker, and one view at a time."""
    with solara.Row(classes=["vs-bar"]):
        if session.playing:
            solara.Button("Pause", icon_name="mdi-pause", on_click=session.pause, color="primary")
        else:
            solara.Button("Play", icon_name="mdi-play", on_click=follow(session.play), color="primary",
                          disabled=session.at_end)
        solara.Button("Step a week", on_click=follow(session.step), outlined=True,
                      disabled=session.playing or session.at_end)
        solara.Button("Run to the end", on_click=follow(lambda: session.play(to_end=True)), outlined=True,
                      disabled=session.playing or session.at_end)
        solara.Text(f"{frame.date:%-d %B %Y} — day {frame.day} of {frame.days}", classes=["vs-date"])
        Scrubber(session, version, frame, set_shown)
    Gauge(frame)
    Ticker(session.run, frame)
    if session.error:
        solara.Text(session.error, classes=["vs-error"])
    with solara.lab.Tabs(value=tab, on_value=set_tab):
        for label in TABS:
            solara.lab.Tab(label)
    if TABS[tab] == "Map":
        Map(session, frame)
    elif TABS[tab] == "Several seeds":
        Seeds(session, version, painter, chart)
    else:
        Chart(session, frame, CHARTS[TABS[tab]], painter, chart)


@solara.component
def Gauge(frame: Frame):
    """Troops needed (the force-to-space standard where armed groups are active) against those the army and Wagner
    have: one line, the words then the bar, so that the whole sentence fits beside the controls."""
    now = frame.metrics.iloc[-1]
    needed, have = now["n_troops_needed"], now["n_troops_available"]
    share = needed / have if have else 1.0
    colour = "#B2182B" if share > 1 else "#E69F00" if share > 0.8 else "#5E3C99"
    gap = f": <b>{needed - have:,.0f} short</b>" if needed > have else ""
    solara.HTML(unsafe_innerHTML=(
        f"<span>Holding the contested areas ({BENCHMARK_PER_1000} per 1,000 people) needs <b>{needed:,.0f}</b> troops; "
        f"the army and Wagner have <b>{have:,.0f}</b>{gap}</span>"
        f"<span class='vs-gauge-bar'><span class='vs-gauge-fill' "
        f"style='width: {min(share, 1) * 100:.0f}%; background: {colour}'></span></span>"), classes=["vs-gauge"])


@solara.component
def Scrubber(session: Session, version: int, frame: Frame, set_shown):
    """A slider over the weeks run so far: look back at any of them (pauses the run)."""
    days = session.run.frame_days

    def pick(index: int):
        session.pause()
        set_shown(days[min(index, len(days) - 1)])
    with solara.Div(classes=["vs-scrubber", "vs-slider"]):
        solara.Text("Look back:", classes=["vs-note"])
        solara.SliderInt("Look back at week", value=days.index(frame.day) if frame.day in days else len(days) - 1,
                         min=0, max=max(len(days) - 1, 1), on_value=pick, thumb_label=False, disabled=len(days) < 2)


@solara.component
def Ticker(run, frame: Frame):
    events = solara.use_memo(lambda: key_events(frame), [run, frame.day])
    latest = " · ".join(f"{when:%-d %b %Y}: {text}" for when, text in reversed(events[-TICKER_ITEMS:]))
    solara.Text(f"Latest: {latest}" if latest else "Latest: no town has changed hands yet", classes=["vs-ticker"])


@solara.component
def Map(session: Session, frame: Frame):
    factions = frozenset(session.run.forces[0]["faction"])
    picture = solara.use_memo(lambda: MapPicture(frame.towns, mali().corridors, set(factions)), [factions])
    png = solara.use_memo(lambda: picture.png(frame), [picture, session.run, frame.day])
    with solara.Div(classes=["vs-picture", "vs-map"]):
        solara.Image(png)


@solara.component
def Chart(session: Session, frame: Frame, kind: str, painter: Painter, chart):
    """The chart of the frame, drawn in the helper process; the last one drawn stays up meanwhile."""
    run, previous = session.run, session.previous
    key = (id(run), frame.day, kind, id(previous))
    start = pd.Timestamp(run.scenario.start_date)

    def request():
        before = None if previous is None else (previous.metrics, previous.control)
        painter.request(key, Job(kind, (start, start + pd.Timedelta(days=run.days)), frame.towns, frame.metrics,
                                 frame.control, previous=before))
    solara.use_effect(request, [key])
    drawn_key, png, error = chart
    if error:
        solara.Text(f"This chart could not be drawn: {error}", classes=["vs-error"])
    if png is not None and drawn_key[2] == kind and drawn_key[0] == id(run):
        with solara.Div(classes=["vs-picture", "vs-chart"]):
            solara.Image(png)
        when = start + pd.Timedelta(days=drawn_key[1])
        solara.HTML(unsafe_innerHTML=f"chart as of {when:%-d %B %Y}", classes=["vs-caption", "vs-chart-date"],
                    attributes={"data-day": str(drawn_key[1])})
    else:
        solara.Text("Drawing the chart…", classes=["vs-caption"])


@solara.component
def Seeds(session: Session, version: int, painter: Painter, chart):
    """The run on screen over several seeds: the lesson's numbers as median and 10–90 % range, and bands."""
    count, set_count = solara.use_state(SEED_COUNTS[1])
    batch = session.replicates
    key = ("bands", id(batch), len(batch.results) if batch else 0)

    def request():
        if batch is not None and batch.finished and batch.results:
            painter.request(key, Job("bands", (None, None), session.run.towns, controls=tuple(batch.controls())))
    solara.use_effect(request, [key])
    with solara.Row(classes=["vs-bar"]):
        solara.Select("Seeds", values=list(SEED_COUNTS), value=count, on_value=set_count, dense=True,
                      style={"max-width": "90px"})
        solara.Button(f"Run {count} seeds of this run's settings", on_click=lambda: session.replicate(count),
                      outlined=True, disabled=batch is not None and not batch.finished)
    if batch is None:
        solara.Text("One run is one possible history: run several seeds before drawing a conclusion. They run in "
                    "the background; every preset uses the same seeds, so differences come from the settings.",
                    classes=["vs-help"])
        return
    solara.Text(f"{batch.label}: {len(batch.results)} of {len(batch.seeds)} seeds done"
                + (f" — {batch.error}" if batch.error else ""), classes=["vs-note", "vs-seeds-progress"])
    if batch.results:
        run = session.run
        table = summary(batch.metrics(), run.metrics if run.settings == batch.settings else None)
        solara.HTML(unsafe_innerHTML=numbers_html(table, "this run" if run.finished else f"this run to day {run.day}"))
    drawn_key, png, _ = chart
    if png is not None and drawn_key == key:
        with solara.Div(classes=["vs-picture", "vs-chart"]):
            solara.Image(png)


def numbers_html(table: pd.DataFrame, this_run: str) -> str:
    def fmt(v) -> str:
        return "—" if pd.isna(v) else f"{v:,.0f}"
    rows = "".join(f"<tr><td>{r['number']}</td><td>{fmt(r['this run'])}</td><td>{fmt(r['median'])}</td>"
                   f"<td>{fmt(r['10 %'])}–{fmt(r['90 %'])}</td><td>{r['reported'] or '—'}</td></tr>"
                   for _, r in table.iterrows())
    # A whole table, not rows inside a table element: Vue cannot patch a table's inner HTML.
    return (f"<table class='vs-numbers'><tr><th>number</th><th>{this_run}</th><th>median</th>"
            f"<th>10–90 % of seeds</th><th>reported</th></tr>{rows}</table>")


@solara.component
def Setup(session: Session, version: int):
    """The sidebar: preset, levers, seed, Reset with what waits for it, the run on screen, and saving it."""
    pending, current = session.pending, session.run.settings
    presets = solara.use_memo(available, [])
    solara.Text(TITLE, classes=["vs-title"])
    solara.Select("Preset", values=list(presets), value=pending.preset,
                  on_value=lambda name: session.choose(Settings.of_preset(name, pending.seed)))
    solara.Text(presets[pending.preset], classes=["vs-help"])
    for lever in LEVERS:
        Lever(session, version, lever)
    solara.HTML(unsafe_innerHTML=f"<span>Seed (chance events)</span><span class='vs-lever-value'>{pending.seed}</span>",
                classes=["vs-lever-label"])
    with solara.Div(classes=["vs-slider"]):
        solara.SliderInt("Seed (chance events)", value=pending.seed, min=SEEDS[0], max=SEEDS[1], thumb_label=False,
                         on_value=lambda seed: session.choose(Settings(pending.preset, seed, pending.levers)))
    waiting = current.changes(pending)
    text = ("Waiting for Reset: " + "; ".join(waiting)) if waiting else "Changes apply when you press Reset."
    with solara.Column(classes=["vs-reset"], gap="6px"):
        solara.Text(text, classes=["vs-pending"] + (["vs-waiting"] if waiting else []))
        solara.Button("Reset", icon_name="mdi-restart", on_click=session.reset, color="warning" if waiting else None,
                      block=True)
    solara.Text(f"This run: {current.describe()}", classes=["vs-run"])
    Save(session, version)


@solara.component
def Lever(session: Session, version: int, lever):
    value = session.pending.lever(lever.param)
    solara.HTML(unsafe_innerHTML=f"<span>{lever.label}</span><span class='vs-lever-value'>{lever.shown(value)}"
                "</span>", classes=["vs-lever-label"])
    with solara.Div(classes=["vs-slider"]):
        slider = solara.SliderInt if isinstance(value, int) else solara.SliderFloat
        slider(lever.label, value=value, min=lever.low, max=lever.high, step=lever.step, thumb_label=False,
               on_value=lambda v: session.choose(session.pending.with_lever(lever.param, v)))


@solara.component
def Save(session: Session, version: int):
    """Save the run on screen as a run folder (tables, figures, animation), and offer it as a zip."""
    state, set_state = solara.use_state(None)  # None, "saving", a folder, or an error message
    settings, day = session.run.settings, session.run.day

    def save():
        set_state("saving")

        def work():
            try:
                set_state(export.save(settings, day))
            except Exception as e:  # noqa: BLE001 -- shown beside the button
                set_state(f"could not save: {type(e).__name__}: {e}")
        threading.Thread(target=work, daemon=True).start()
    solara.Button("Save this run (tables, figures, animation)", icon_name="mdi-content-save", on_click=save,
                  outlined=True, block=True, disabled=day == 0 or state == "saving")
    if state == "saving":
        solara.Text("Saving: running it again and drawing its figures…", classes=["vs-note"])
    elif isinstance(state, str):
        solara.Text(state, classes=["vs-error"])
    elif state is not None:
        solara.Text(f"Saved in {state}", classes=["vs-note", "vs-saved"])
        solara.FileDownload(lambda: export.zipped(state), filename=f"{state.name}.zip", label="Download it (zip)")
