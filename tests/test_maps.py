"""Maps and the animation, drawn from a real short run: zones on every map, towns in their controller's colour,
UN camps by closure date, names that do not collide, force markers, and frames that follow control."""

import json

import imageio.v3 as imageio
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

import vacuum_sim
from vacuum_sim.factions import ZONES
from vacuum_sim.views import animate, basemap, maps
from vacuum_sim.views.run_figures import snapshot_dates
from vacuum_sim.views.style import COLOURS, LABELS


@pytest.fixture(scope="module")
def result():
    """Eight months from 1 April 2023: spans the first UN closures (August) and the end of the source data."""
    return vacuum_sim.run("historical_2023", seed=1, days=240)


def collection(ax, gid):
    return next(c for c in ax.collections if c.get_gid() == gid)


def map_axes(fig):
    return [ax for ax in fig.axes if any(c.get_gid() == "towns" for c in ax.collections)]


def assert_zones_drawn(ax):
    assert [im.get_gid() for im in ax.images] == ["zones"]
    names = {t.get_gid() for t in ax.texts} | {c.get_gid() for c in ax.get_children() if c.get_gid()}
    assert {f"zone_label:{z}" for z in ZONES} <= names


def test_borders_are_the_eight_countries_with_mali_outlined():
    data = json.loads(basemap.BORDERS_PATH.read_text(encoding="utf-8"))
    names = {f["properties"]["name"] for f in data["features"]}
    assert names == {"Mali", "Algeria", "Niger", "Burkina Faso", "Côte d'Ivoire", "Guinea", "Senegal", "Mauritania"}
    mali = np.concatenate(basemap.load_borders()["Mali"])
    assert mali[:, 0].min() == pytest.approx(-12.2, abs=0.3) and mali[:, 1].max() == pytest.approx(25.0, abs=0.3)


def test_zone_shading_follows_the_towns_zone_column(result):
    """Every town lies in the shading of its own zone, and moving a town's zone moves the shading."""
    towns = result.towns
    xs, ys, grid, _ = basemap.zone_grid(towns)
    cell = np.abs(ys[:, None] - towns["lat"].to_numpy()).argmin(0), np.abs(xs[:, None] - towns["lon"].to_numpy()).argmin(0)
    assert [ZONES[i] for i in grid[cell]] == list(towns["zone"])
    moved = towns.assign(zone=np.where(towns["zone"] == "centre", "south", towns["zone"]))
    assert not (basemap.zone_grid(moved)[2] == ZONES.index("centre")).any()
    with pytest.raises(ValueError, match="east"):
        basemap.zone_grid(towns.assign(zone="east"))


def test_every_map_draws_the_three_zones(result):
    row = result.control.iloc[-1]
    single = maps.control_map(result.towns, result.corridors, row)
    multiples = maps.control_small_multiples(result.towns, result.corridors, result.control,
                                             snapshot_dates(result.control.index))
    frames = animate._ControlFrames(result.towns, result.corridors, result.control, result.metrics, None)
    panels = map_axes(single) + map_axes(multiples) + [frames.map_ax]
    assert len(panels) == 1 + 4 + 1
    for ax in panels:
        assert_zones_drawn(ax)
    key = {t.get_text() for legend in single.axes[1].get_children() if hasattr(legend, "get_texts")
           for t in legend.get_texts()}
    assert {f"{z} zone" for z in ZONES} <= key


def test_every_town_is_one_marker_in_its_controllers_colour(result):
    row = result.control.iloc[-1]
    fig = maps.control_map(result.towns, result.corridors, row)
    markers = collection(fig.axes[0], "towns")
    assert len(markers.get_offsets()) == len(result.towns)
    expected = [to_rgba(COLOURS[row[name]]) for name in result.towns["name"]]
    np.testing.assert_allclose(markers.get_facecolors(), expected)
    legend = {t.get_text() for t in fig.axes[1].get_legend().get_texts()}
    for controller in set(row):
        assert LABELS[controller] in {t.get_text() for lg in fig.axes[1].get_children() if hasattr(lg, "get_texts")
                                      for t in lg.get_texts()} | legend


def test_un_camps_are_open_until_their_closure_date(result):
    towns = result.towns
    closure = pd.to_datetime(towns["un_closure"], errors="coerce")
    day = pd.Timestamp("2023-09-01")
    expected_closed = set(towns.loc[closure <= day, "name"])
    assert expected_closed  # the first camps closed in August 2023
    fig = maps.control_map(towns, result.corridors, result.control.loc[day])
    closed = collection(fig.axes[0], "un_closed").get_offsets()
    xy = towns.set_index("name").loc[sorted(expected_closed), ["lon", "lat"]].to_numpy()
    assert sorted(map(tuple, np.asarray(closed))) == sorted(map(tuple, xy))
    n_open = len(collection(fig.axes[0], "un_open").get_offsets())
    assert n_open + len(expected_closed) == basemap.as_bool(towns["un_base"]).sum()
    explicit = maps.control_map(towns, result.corridors, result.control.loc[day], un_open=["Gao"])
    np.testing.assert_allclose(collection(explicit.axes[0], "un_open").get_offsets(),
                               towns.set_index("name").loc[["Gao"], ["lon", "lat"]].to_numpy())


def test_town_names_cover_every_un_camp_and_do_not_collide(result):
    fig = maps.control_map(result.towns, result.corridors, result.control.iloc[0])
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    names = next(a for a in fig.axes[0].artists if isinstance(a, basemap.TownNames))
    shown = {t.get_text() for t in names.texts}
    assert set(result.towns.loc[basemap.as_bool(result.towns["un_base"]), "name"]) <= shown
    boxes = [t.get_window_extent(renderer) for t in names.texts]
    overlaps = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if a.overlaps(b)]
    assert not overlaps


def test_unknown_controller_label_is_rejected(result):
    row = result.control.iloc[0].replace("JNIM", "al-Qaeda")
    with pytest.raises(ValueError, match="al-Qaeda"):
        maps.control_map(result.towns, result.corridors, row)


def test_force_markers_stand_around_their_town_and_on_corridors(result):
    towns = result.towns.set_index("name")
    forces = pd.DataFrame({"faction": ["FAMa", "FAMa", "Wagner", "JNIM", "FAMa"],
                           "strength": [300, 200, 200, 400, 600],
                           "town": ["Gao", "Gao", "Gao", "Kidal", ""]})
    forces["lon"] = [*towns.loc[forces["town"][:4], "lon"], -2.0]
    forces["lat"] = [*towns.loc[forces["town"][:4], "lat"], 16.0]
    fig = Figure(figsize=(8, 6))
    themap = maps.ControlMap(fig.add_axes((0, 0, 0.7, 1)), result.towns, result.corridors)
    themap.update(result.control.iloc[0], forces=forces)
    markers = themap.forces
    assert len(markers.get_offsets()) == 4  # Gao's two army units are one marker, plus Wagner, JNIM, the convoy
    np.testing.assert_allclose(markers.get_facecolors(),
                               [to_rgba(COLOURS[f]) for f in ("FAMa", "Wagner", "JNIM", "FAMa")])
    np.testing.assert_allclose(markers.get_offsets()[-1], [-2.0, 16.0])
    gao = towns.loc["Gao", ["lon", "lat"]].to_numpy(float)
    distance = np.hypot(*(np.asarray(markers.get_offsets()[:2]) - gao).T)
    assert (distance > 0.05).all() and (distance < 1.0).all()  # on a ring just outside the town's circle
    assert np.allclose(markers.get_edgecolors()[-1], to_rgba("white"))
    _, key = themap.legend_handles()
    assert {h.get_label() for h in key} >= {f"{LABELS['Wagner']} force", "force on the move (white edge)"}


def test_update_changes_only_the_dynamic_layer(result):
    fig = Figure(figsize=(8, 6))
    themap = maps.ControlMap(fig.add_axes((0, 0, 1, 1)), result.towns, result.corridors)
    before = len(fig.axes[0].get_children())
    changed = themap.update(result.control.iloc[-1])
    assert len(fig.axes[0].get_children()) == before
    assert themap.markers in changed and themap.un_closed in changed


def test_animation_frames_recolour_towns_as_control_changes(result):
    control = result.control
    frames = animate._ControlFrames(result.towns, result.corridors, control, result.metrics, metadata=None)
    changed = control.columns[(control.iloc[0] != control.iloc[-1]).to_numpy()]
    town = changed[0]
    x, y = frames.map_ax.transData.transform(result.towns.set_index("name").loc[town, ["lon", "lat"]].to_numpy(float))
    height = frames.canvas.get_width_height()[1]
    pixel = (round(height - y), round(x))
    for row in (control.iloc[0], control.iloc[-1]):
        image = frames.render(row)
        np.testing.assert_allclose(image[pixel], np.array(to_rgba(COLOURS[row[town]])[:3]) * 255, atol=3)


def test_gif_has_one_frame_per_sampled_date(tmp_path, result):
    days = 60
    out = animate.animate_control(result.towns, result.corridors, result.control.iloc[:days],
                                  result.metrics.iloc[:days], tmp_path / "control.gif", every=10, fps=5)
    assert out["frames"] == 7  # days 0, 10, ..., 50 and the last day (59)
    frames = imageio.imread(out["gif"], index=None)
    assert frames.shape == (7, 800, 960, 3)
    assert not np.array_equal(frames[0], frames[-1])
    assert (out["mp4"].stat().st_size > 1000) if animate.ffmpeg_available() else out["mp4"] is None


def test_frame_dates_sample_every_n_days_and_keep_the_end():
    index = pd.date_range("2023-07-01", periods=730, freq="D")
    dates = animate.frame_dates(index, 7)
    assert len(dates) == 106  # days 0, 7, ..., 728 and the last day (729)
    assert dates[0] == index[0] and dates[-1] == index[-1]
    assert set(np.diff(dates[:-1]).astype("timedelta64[D]").astype(int)) == {7}
