"""The classroom app without a browser: the session and its play loop, levers, ticker, map, charts, replicates, export.

The browser tests (``test_app.py``) check what a class sees; these check the same promises where they
are kept, exactly and fast: Reset runs what was chosen, Play stops on the last day and at once when
paused, a frame shows its own day, a saved run is the run on screen.
"""

from __future__ import annotations

import io
import re
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

pytest.importorskip("solara", reason="the app needs its extra")

from vacuum_sim.inputs.params import BY_NAME
from vacuum_sim.inputs.scenario import available, load_scenario
from vacuum_sim.runs.results import load_run
from vacuum_sim.runs.runner import resolve, simulate
from vacuum_sim.views.app import charts, export
from vacuum_sim.views.app import session as app_session
from vacuum_sim.views.app.levers import LEVERS
from vacuum_sim.views.app.map import DPI, FONT, SIZE, MapPicture
from vacuum_sim.views.app.replicates import NUMBERS, Replicates, summary
from vacuum_sim.views.app.session import Frame, Run, Session, Settings, mali
from vacuum_sim.views.app.ticker import key_events

DOCS = Path(__file__).parent.parent / "docs"


def played(session: Session, until=lambda s: False) -> None:
    """Play ``session`` without pauses between frames until it stops; ``until(session)`` may pause it mid-play."""
    done = threading.Event()

    def listen(_):
        if session.playing and until(session):
            session.pause()
        if not session.playing:
            done.set()
    session.subscribe(listen)
    session.play()
    assert done.wait(120), "the play loop did not stop"
    session.pause(wait=True)


@pytest.fixture
def no_pacing(monkeypatch):
    monkeypatch.setattr(app_session, "FRAME_SECONDS", 0.0)


def test_levers_fit_the_parameter_table_and_every_preset():
    for lever in LEVERS:
        p = BY_NAME[lever.param]
        assert p.low <= lever.low < lever.high <= p.high, lever.param
        assert lever.snap(p.default) == p.default, f"{lever.param}: the default is not a slider position"
    for preset in available():
        params = load_scenario(preset, mali()).params
        for lever in LEVERS:
            value = params[lever.param]
            assert lever.low <= value <= lever.high, f"{preset}: {lever.param} = {value} is off the slider"


def test_reset_runs_the_chosen_preset_and_levers_and_keeps_the_last_run():
    session = Session()
    session.step()
    chosen = Settings.of_preset("no_wagner").with_lever("fama_manpower", 20_000)
    session.choose(chosen)
    assert session.run.settings.preset == "historical_2023", "a choice must wait for Reset"
    assert session.run.settings.changes(session.pending) == [
        "preset no_wagner", "Malian security forces in all (army, gendarmerie, national guard): 33,000 → 20,000",
        "Wagner contingent (people): 1,000 → 0"]
    session.reset()
    run = session.run
    assert (run.settings, run.day) == (chosen, 0)
    assert run.scenario.name == "no_wagner"
    deployed = run.scenario.params["theatre_share"] * 20_000  # no Wagner: the theatre's share of 20,000 in all
    assert run.frame().metrics["n_troops_available"].iloc[0] == pytest.approx(deployed, abs=1)
    assert session.previous is not None and session.previous.settings.preset == "historical_2023"
    assert session.previous.day == 7


def test_play_stops_on_the_last_day_which_is_not_a_multiple_of_a_week(no_pacing):
    session = Session()
    shown = [0]
    played(session, until=lambda s: shown.append(s.on_screen))
    run = session.run
    assert session.error is None
    assert sorted(set(shown)) == run.frame_days == [*range(0, 730, 7), 730]
    assert run.day == session.on_screen == 730 and len(run.metrics) == 731 and session.at_end
    session.step()
    session.play()
    assert run.day == 730 and not session.playing, "nothing moves past the last day"


def test_pause_stops_before_the_next_week(no_pacing):
    session = Session()
    played(session, until=lambda s: s.on_screen >= 70)
    assert session.on_screen == session.run.day == 70, "a week slipped through after Pause"
    session.step()
    assert session.on_screen == session.run.day == 77


def test_a_week_computed_when_pause_came_is_shown_by_the_next_step():
    session = Session()
    session.run.advance(7)  # the model a week ahead of the screen, as when Pause comes in the middle of a week
    assert session.frame().day == 0
    session.step()
    assert session.on_screen == session.run.day == 7


def test_ticker_says_closures_war_and_handovers_held_for_a_week():
    dates = pd.date_range("2023-04-01", periods=30, name="date")
    control = pd.DataFrame({
        "Ber": ["UN"] * 10 + ["contested"] * 3 + ["CSP"] * 17,  # the rebels take it after a fight
        "Boni": (["FAMa", "JNIM"] * 15),  # a daily tug of war is a fight, not news
        "Gao": ["FAMa"] * 7 + ["JNIM"] * 7 + ["Wagner"] * 16,  # JNIM holds it a week, then the state retakes it
    }, index=dates)
    towns = pd.DataFrame({"name": ["Ber", "Boni", "Gao"], "un_closure": ["2023-04-11", "", ""]})
    metrics = pd.DataFrame({"n_csp_at_war": [0.0] * 12 + [1.0] * 18}, index=dates)
    frame = Frame(29, 30, dates[-1].date(), metrics, control, pd.DataFrame(), towns)
    assert [(d.strftime("%d %b"), text) for d, text in key_events(frame)] == [
        ("08 Apr", "JNIM takes Gao"),
        ("11 Apr", "the UN leaves Ber"),
        ("13 Apr", "the rebels (CSP) go to war with the state"),
        ("14 Apr", "the rebels (CSP) take Ber"),
        ("15 Apr", "the army retakes Gao"),
    ]


def test_the_map_names_every_un_camp_and_every_town_a_lesson_names():
    run = Run(Settings.of_preset())
    picture = MapPicture(run.towns, mali().corridors, set(run.forces[0]["faction"]))
    lessons = [DOCS / "teaching.md", *sorted((DOCS / "teaching").glob("*.md"))]
    text = "\n".join(p.read_text(encoding="utf-8") for p in lessons if p.exists())
    named = {t for t in run.towns["name"] if re.search(rf"(?<!\w){re.escape(t)}(?!\w)", text)}
    camps = set(run.towns.loc[run.towns["un_base"].astype(str).str.lower().isin(["yes", "true"]), "name"])
    assert len(camps) == 13 and named >= {"Ogossagou", "Ber", "Goundam", "Ménaka"}
    assert (camps | named) <= set(picture.names)
    assert FONT * DPI / 72 >= 12, "legend text under 12 pixels is unreadable on a projector"


def test_a_map_frame_shows_its_own_day_and_nothing_of_the_last():
    run = Run(Settings.of_preset())
    run.advance(140)
    picture = MapPicture(run.towns, mali().corridors, set(run.forces[0]["faction"]))
    first, later, again = picture.png(run.frame(0)), picture.png(run.frame(140)), picture.png(run.frame(0))
    assert first == again != later
    assert Image.open(io.BytesIO(first)).size == (round(SIZE[0] * DPI), round(SIZE[1] * DPI))


def test_charts_are_the_report_builders_over_the_whole_run():
    run = Run(Settings.of_preset())
    run.advance(60)
    previous = Run(Settings.of_preset("no_wagner"))
    previous.advance(90)
    frame = run.frame()
    span = (pd.Timestamp("2023-04-01"), pd.Timestamp("2025-03-31"))
    for kind in charts.CHARTS.values():
        png = charts.draw(charts.Job(kind, span, frame.towns, frame.metrics, frame.control,
                                     previous=(previous.metrics, previous.control)))
        assert Image.open(io.BytesIO(png)).size == (940, 540)
        figure = charts._figures[kind]
        assert all(tuple(pd.Timestamp(x, unit="D") for x in ax.get_xlim()) == span for ax in figure.axes)
        assert any(line.get_gid() == "previous" for ax in figure.axes for line in ax.get_lines()), kind


def test_the_painter_skips_to_the_newest_request():
    run = Run(Settings.of_preset())
    frame = run.frame()
    job = charts.Job("capacity", (None, None), frame.towns, frame.metrics, frame.control)
    done, finished = [], threading.Event()

    def on_done(key, png, error):
        done.append((key, png is not None, error))
        if key == "last":
            finished.set()
    painter = charts.Painter(on_done)
    for key in ("first", "middle", "last"):
        painter.request(key, job)
    assert finished.wait(120)
    assert done == [("first", True, None), ("last", True, None)]


def test_replicates_report_the_lesson_numbers_over_seeds():
    scn = resolve("historical_2023", days=400, mali=mali())
    ready = threading.Event()
    batch = Replicates(Settings.of_preset(), scn, 3, on_change=lambda: batch.finished and ready.set())
    assert ready.wait(180) and batch.error is None
    runs = batch.metrics()
    model = simulate(scn, 2, mali())
    pd.testing.assert_frame_equal(runs[2], model.history.metrics_frame(model))  # seed 2 is seed 2
    table = summary(runs, runs[0]).set_index("number")
    values = [n.read(m) for m in runs for n in NUMBERS if n.label.startswith("Central towns held by JNIM")]
    assert table.loc[NUMBERS[2].label, "median"] == np.median(values)
    assert table.loc[NUMBERS[2].label, "this run"] == values[0]
    short = summary([run.iloc[:100] for run in runs]).set_index("number")
    assert short.loc[NUMBERS[2].label, "median"] != short.loc[NUMBERS[2].label, "median"], "day 365 is not reached"


def test_a_saved_run_is_the_run_on_screen(tmp_path):
    settings = Settings.of_preset("wagner_surge", seed=4).with_lever("reclaim_weight", 0.5)
    run = Run(settings)
    run.advance(21)
    folder = export.save(settings, run.day, root=tmp_path)
    saved = load_run(folder)
    pd.testing.assert_frame_equal(saved.metrics, run.metrics, check_freq=False, check_dtype=False)
    assert saved.metadata["seed"] == 4 and saved.metadata["scenario"] == "wagner_surge"
    assert {"control_share.png", "capacity.png", "control.gif"} <= {p.name for p in (folder / "figures").iterdir()}
    assert export.zipped(folder)[:2] == b"PK"
