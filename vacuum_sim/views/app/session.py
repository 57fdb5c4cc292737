"""One class's session in the app: the settings waiting for Reset, the run on screen, play and pause.

Nothing here knows about Solara.  The page subscribes with :meth:`Session.subscribe` and draws what
:meth:`Session.frame` returns; the play loop runs in a thread of its own and publishes a frame a
week.  Every read of the model happens here, between steps and under one lock, so that a page drawing
a frame never sees a model in the middle of a day.  The model is read through a few attributes only:
``step()``, ``running``, ``presence`` (personnel of each faction in each town), the daily tables of
``history`` and the towns table of :func:`~vacuum_sim.runs.runner.towns_table`.
"""

from __future__ import annotations

import threading
import time
import traceback
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache

import numpy as np
import pandas as pd

from vacuum_sim.factions import FACTIONS
from vacuum_sim.inputs.geography import MaliMap, load_map
from vacuum_sim.inputs.scenario import DEFAULT_SCENARIO, Scenario, load_scenario
from vacuum_sim.model.model import VacuumModel
from vacuum_sim.runs.runner import resolve, towns_table
from vacuum_sim.views.app.levers import BY_PARAM, LEVERS
from vacuum_sim.views.app.replicates import Replicates

DAYS_PER_FRAME = 7  # Step, and each frame of Play, moves the model on a week
FRAME_SECONDS = 0.25  # Play shows at most four weeks a second: two years in under half a minute, slow enough to follow
DRAW_TIMEOUT = 10.0  # seconds Play waits for the page to draw a frame before it goes on regardless


@cache
def mali() -> MaliMap:
    """The map, read once per server process (every run copies what it changes)."""
    return load_map()


@dataclass(frozen=True)
class Settings:
    """What a run is made from: a bundled preset, the lever values (the preset's unless moved) and the seed."""

    preset: str = DEFAULT_SCENARIO
    seed: int = 0
    levers: tuple[tuple[str, float], ...] = ()

    @classmethod
    def of_preset(cls, preset: str = DEFAULT_SCENARIO, seed: int = 0) -> Settings:
        params = load_scenario(preset, mali()).params
        return cls(preset, seed, tuple((lever.param, params[lever.param]) for lever in LEVERS))

    def lever(self, param: str):
        return dict(self.levers)[param]

    def with_lever(self, param: str, value) -> Settings:
        value = BY_PARAM[param].snap(value)
        return replace(self, levers=tuple((p, value if p == param else v) for p, v in self.levers))

    def scenario(self) -> Scenario:
        return resolve(self.preset, overrides=dict(self.levers), mali=mali())

    def describe(self) -> str:
        """'no_wagner, seed 3', with every lever moved away from the preset."""
        moved = Settings.of_preset(self.preset, self.seed).changes(self)
        return ", ".join([self.preset, f"seed {self.seed}", *moved])

    def changes(self, other: Settings) -> list[str]:
        """What ``other`` changes from these settings, in words: 'preset no_wagner', 'Wagner contingent 1,000 → 0'."""
        out = [f"preset {other.preset}"] if other.preset != self.preset else []
        mine, theirs = dict(self.levers), dict(other.levers)
        out += [f"{BY_PARAM[p].label}: {BY_PARAM[p].shown(mine[p])} → {BY_PARAM[p].shown(theirs[p])}"
                for p in theirs if p in mine and theirs[p] != mine[p]]
        if other.seed != self.seed:
            out.append(f"seed {self.seed} → {other.seed}")
        return out


@dataclass(frozen=True, eq=False)  # two frames are the same frame only if they are one object
class Frame:
    """Everything the page draws for one day of a run: read-only tables up to that day."""

    day: int
    days: int  # the run's length
    date: date
    metrics: pd.DataFrame  # daily metrics up to this day
    control: pd.DataFrame  # controller of every town by date, up to this day
    forces: pd.DataFrame  # faction, strength, town, lon, lat: who stands where on this day
    towns: pd.DataFrame


class Run:
    """One model run as the app shows it: the model, plus the force positions of every frame shown."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.scenario = settings.scenario()
        self.model = VacuumModel(self.scenario, rng=settings.seed, mali=mali())
        self.towns = towns_table(self.model)
        self.days = self.scenario.days
        self.day = 0
        self.forces: dict[int, pd.DataFrame] = {}
        self._record()

    @property
    def finished(self) -> bool:
        return self.day >= self.days or not self.model.running

    @property
    def frame_days(self) -> list[int]:
        """The days the page can show (the scrubber's stops): every frame drawn or passed so far."""
        return sorted(self.forces)

    def advance(self, days: int) -> None:
        """Step the model ``days`` days, or to the run's last day if that comes first."""
        for _ in range(days):
            if self.finished:
                break
            self.model.step()
            self.day += 1
        self._record()

    def _record(self) -> None:
        m = self.model
        self.metrics = m.history.metrics_frame(m).copy()
        self.control = m.history.control_frame(m).copy()
        self.forces[self.day] = self._forces_now()

    def _forces_now(self) -> pd.DataFrame:
        towns = self.towns.set_index("node").sort_index()
        node, faction = np.nonzero(self.model.presence)
        return pd.DataFrame({"faction": np.asarray(FACTIONS)[faction], "strength": self.model.presence[node, faction],
                             "town": towns["name"].to_numpy()[node], "lon": towns["lon"].to_numpy()[node],
                             "lat": towns["lat"].to_numpy()[node]})

    def frame(self, day: int | None = None) -> Frame:
        """The frame of ``day`` (the last frame recorded at or before it; the latest when None)."""
        days = self.frame_days
        day = days[-1] if day is None else max([d for d in days if d <= day], default=days[0])
        return Frame(day, self.days, self.scenario.start_date + timedelta(days=day), self.metrics.iloc[:day + 1],
                     self.control.iloc[:day + 1], self.forces[day], self.towns)


class Session:
    """The run on screen and the one before it, the settings waiting for Reset, and the play loop.

    ``on_screen`` is the day the page shows (the scrubber aside).  The model may be a week ahead of it
    when Pause comes while a week is being computed: that week is kept, not shown, and Step shows it.
    Moving ``on_screen`` on and checking for Pause happen under one lock, so once :meth:`pause` has
    returned the day on screen no longer moves.
    """

    def __init__(self, settings: Settings | None = None):
        self._lock = threading.Lock()  # held while the model steps, while the day on screen moves, and while reading
        self._listeners: list = []
        self._drawn = threading.Condition()  # the page says which version it has drawn (see drawn())
        self.drawn_version = 0
        self.page_draws = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.version = 0  # bumped on every change the page should show
        self.error: str | None = None
        self.previous: Run | None = None
        self.replicates: Replicates | None = None
        self.run = Run(settings or Settings.of_preset())
        self.pending = self.run.settings
        self.on_screen = 0

    # ------------------------------------------------------------ what the page reads
    @property
    def playing(self) -> bool:
        return self._thread is not None and not self._stop.is_set()

    @property
    def at_end(self) -> bool:
        """The run's last day is on screen: nothing left to play."""
        return self.run.finished and self.on_screen == self.run.day

    def frame(self, day: int | None = None) -> Frame:
        """The frame on screen, or that of ``day`` (a day picked on the scrubber)."""
        with self._lock:
            return self.run.frame(self.on_screen if day is None else day)

    def subscribe(self, listener, draws: bool = False) -> callable:
        """Call ``listener(version)`` after every change; returns the function that unsubscribes it.

        ``draws``: the listener's page calls :meth:`drawn` after drawing each version, and Play waits for it.
        """
        self._listeners.append(listener)
        self.page_draws = self.page_draws or draws
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def drawn(self, version: int) -> None:
        """The page has drawn ``version`` (it calls this after each render)."""
        with self._drawn:
            self.drawn_version = max(self.drawn_version, version)
            self._drawn.notify_all()

    def _wait_until_drawn(self, version: int) -> None:
        """Play waits for each frame to be drawn before the next: a page busy drawing (a tab clicked, a slow
        machine) would otherwise be handed a new frame before it finished the last, and keep drawing in the
        thread that handles the browser's messages, which then never gets back to sending them."""
        with self._drawn:
            self._drawn.wait_for(lambda: self.drawn_version >= version or self._stop.is_set() or not self._listeners,
                                 timeout=DRAW_TIMEOUT)

    def _publish(self) -> None:
        self.version += 1
        for listener in list(self._listeners):
            listener(self.version)

    # ------------------------------------------------------------ what the buttons do
    def choose(self, settings: Settings) -> None:
        """Settings for the next Reset (a preset, a slider, the seed): the run on screen goes on unchanged."""
        self.pending = settings
        self._publish()

    def reset(self) -> None:
        """Start the pending settings' run from day 0; the current run becomes the one to compare with."""
        self.pause(wait=True)
        run = Run(self.pending)
        with self._lock:
            if self.run.day > 0:
                self.previous = self.run
            self.run, self.on_screen, self.error = run, 0, None
        self._publish()

    def step(self) -> None:
        """Show the next week (or what is left of the run), unless the play loop is running."""
        if not self.playing:
            self.pause(wait=True)  # a loop still finishing its last week after Pause
            self._forward(check_pause=False)
            self._publish()

    def play(self, to_end: bool = False) -> None:
        """Show a week at a time in a thread until paused or at the run's end; ``to_end`` runs there in one go."""
        self.pause(wait=True)  # a loop still finishing its last week after Pause
        if self.at_end:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, args=(to_end,), name="vacuum-sim play", daemon=True)
        self._thread.start()
        self._publish()

    def pause(self, wait: bool = False) -> None:
        """Stop the play loop: from the moment this returns, the day on screen stays where it is."""
        with self._lock:
            was_playing = self.playing
            self._stop.set()
        thread = self._thread
        if wait and thread is not None and thread is not threading.current_thread():
            thread.join()
        if was_playing:
            self._publish()

    def replicate(self, seeds: int) -> None:
        """Run the settings on screen over seeds 0 … ``seeds`` − 1 in the background."""
        if self.replicates is not None:
            self.replicates.cancel()
        self.replicates = Replicates(self.run.settings, self.run.scenario, seeds, on_change=self._publish)
        self._publish()

    def close(self) -> None:
        self._listeners.clear()
        if self.replicates is not None:
            self.replicates.cancel()
        self.pause(wait=True)

    # ------------------------------------------------------------ the loop
    def _advance(self) -> bool:
        """Step the model a week (holding the lock); False, with the error kept for the page, if it failed."""
        try:
            self.run.advance(DAYS_PER_FRAME)
        except Exception as e:  # noqa: BLE001 -- shown on the page: a class sees why the run stopped
            traceback.print_exc()
            self.error = f"the run stopped on day {self.run.day}: {type(e).__name__}: {e}"
            return False
        return True

    def _forward(self, check_pause: bool) -> bool:
        """Move the day on screen to the next week, stepping the model if it has not been there yet; False if
        there is nothing more, if the model failed, or if ``check_pause`` and Pause came."""
        with self._lock:
            if check_pause and self._stop.is_set():
                return False
            if self.on_screen == self.run.day and (self.run.finished or not self._advance()):
                return False
            self.on_screen = min(d for d in self.run.frame_days if d > self.on_screen)
            return True

    def _loop(self, to_end: bool) -> None:
        try:
            while not to_end:
                started = time.monotonic()
                if not self._forward(check_pause=True):
                    break
                self._publish()
                if self.page_draws:
                    self._wait_until_drawn(self.version)
                if self._stop.wait(FRAME_SECONDS - (time.monotonic() - started)):
                    break
            while to_end:  # the model alone, week by week (Pause still stops it), then its last week on screen
                with self._lock:
                    if self._stop.is_set() or self.run.finished or not self._advance():
                        self.on_screen = self.run.day
                        break
        finally:
            self._thread = None
            self._publish()
