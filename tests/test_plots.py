"""Content checks for the figures and the animation, on small synthetic run tables."""

import json

import imageio.v3 as imageio
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from matplotlib.container import BarContainer

from vacuum_sim.views import animate, plots

START, DAYS = "2023-07-01", 153  # 1 Jul - 30 Nov 2023: spans the reported 2023 windows


@pytest.fixture
def towns():
    return pd.DataFrame(
        {
            "node": range(8),
            "name": ["Bamako", "Ségou", "Mopti", "Sévaré", "Timbuktu", "Gao", "Kidal", "Ménaka"],
            "lat": [12.61, 13.44, 14.48, 14.53, 16.77, 16.27, 18.44, 15.92],
            "lon": [-7.98, -6.26, -4.18, -4.10, -3.01, -0.04, 1.41, 2.40],
            "region": ["Bamako", "Ségou", "Mopti", "Mopti", "Tombouctou", "Gao", "Kidal", "Ménaka"],
            "zone": ["south", "south", "centre", "centre", "north", "north", "north", "north"],
            "population": [4227569, 205787, 186187, 43756, 54453, 133110, 40030, np.nan],
            "un_base": [True, False, False, True, True, True, True, True],
            "un_closure": ["2023-12-11", "", "", "2023-12-09", "2023-12-28", "2023-12-31", "2023-10-31", "2023-08-25"],
            "fama_base": [True, True, True, True, True, True, False, True],
        }
    )


@pytest.fixture
def corridors():
    return pd.DataFrame(
        {
            "source": ["Bamako", "Ségou", "Mopti", "Timbuktu", "Gao", "Gao"],
            "target": ["Ségou", "Sévaré", "Timbuktu", "Gao", "Kidal", "Ménaka"],
            "kind": ["paved", "paved", "river", "river", "track", "seasonal"],
            "km": [235, 372, 400, 420, 350, 320],
        }
    )


@pytest.fixture
def control(towns):
    """Controllers change at known dates: Ségou falls to JNIM on 1 Sep, Kidal to CSP when the
    UN leaves on 31 Oct, Ménaka is contested after 25 Aug and Timbuktu is held by Wagner."""
    dates = pd.date_range(START, periods=DAYS, freq="D", name="date")
    table = pd.DataFrame(index=dates, columns=towns["name"], dtype=object)
    table["Bamako"] = "FAMa"
    table["Ségou"] = np.where(dates < "2023-09-01", "FAMa", "JNIM")
    table["Mopti"] = "FAMa"
    table["Sévaré"] = "UN"
    table["Timbuktu"] = "Wagner"
    table["Gao"] = "UN"
    table["Kidal"] = np.where(dates < "2023-10-31", "UN", "CSP")
    table["Ménaka"] = np.where(dates < "2023-08-25", "ISSP", "contested")
    table.columns.name = None
    return table


def metrics_from(control, towns, ops_north=1, ops_centre=2, seed=0):
    """A metrics table consistent with `control`, as the core would write it."""
    rng = np.random.default_rng(seed)
    zone = towns.set_index("name")["zone"]
    population = towns.set_index("name")["population"].fillna(0)
    metrics = pd.DataFrame(index=control.index)
    for z in plots.ZONES:
        in_zone = control[zone[zone == z].index]
        for c in plots.CONTROLLERS:
            held = in_zone == c
            metrics[f"n_towns_{c}_{z}"] = held.sum(axis=1)
            metrics[f"n_pop_{c}_{z}"] = (held * population[in_zone.columns]).sum(axis=1)
        metrics[f"security_per_1000_{z}"] = 1.0 + plots.ZONES.index(z)
    metrics["security_per_1000_national"] = 1.8
    metrics["new_ops_north"] = rng.poisson(ops_north / 7, len(control))
    metrics["new_ops_centre"] = rng.poisson(ops_centre / 7, len(control))
    metrics["new_ops_south"] = 0
    metrics["n_troops_available"] = 25_000
    metrics["n_troops_needed"] = np.linspace(20_000, 30_000, len(control)).round()
    return metrics


@pytest.fixture
def metrics(control, towns):
    return metrics_from(control, towns)


def legend_texts(fig):
    legends = [a.get_legend() for a in fig.axes if a.get_legend()] + fig.legends
    legends += [a for ax in fig.axes for a in ax.artists if hasattr(a, "get_texts")]
    return {t.get_text() for legend in legends for t in legend.get_texts()}


def collection(ax, gid):
    return next(c for c in ax.collections if c.get_gid() == gid)


# ---------------------------------------------------------------- borders


def test_borders_are_the_eight_countries_with_mali_outlined():
    data = json.loads(plots.BORDERS_PATH.read_text(encoding="utf-8"))
    names = {f["properties"]["name"] for f in data["features"]}
    assert names == {"Mali", "Algeria", "Niger", "Burkina Faso", "Côte d'Ivoire", "Guinea", "Senegal", "Mauritania"}
    assert plots.BORDERS_PATH.stat().st_size < 100_000
    mali = np.concatenate(plots.load_borders()["Mali"])
    assert mali[:, 0].min() == pytest.approx(-12.2, abs=0.3)  # western tip
    assert mali[:, 1].max() == pytest.approx(25.0, abs=0.3)  # northern tip


# ---------------------------------------------------------------- maps


def test_every_town_is_one_marker_in_its_controllers_colour(towns, corridors, control):
    row = control.loc["2023-11-15"]
    fig = plots.control_map(towns, corridors, row)
    markers = collection(fig.axes[0], "towns")
    assert len(markers.get_offsets()) == len(towns)
    expected = [to_rgba(plots.COLOURS[row[name]]) for name in towns["name"]]
    np.testing.assert_allclose(markers.get_facecolors(), expected)


def test_map_legend_names_every_controller_present_and_no_other(towns, corridors, control):
    row = control.loc["2023-11-15"]
    texts = legend_texts(plots.control_map(towns, corridors, row))
    for c in plots.CONTROLLERS:
        assert (plots.LABELS[c] in texts) == (c in set(row)), c


def test_un_camps_open_until_their_closure_date(towns, corridors, control):
    fig = plots.control_map(towns, corridors, control.loc["2023-11-15"])
    ax = fig.axes[0]
    # By 15 Nov Ménaka (25 Aug) and Kidal (31 Oct) have closed; four camps remain open.
    assert len(collection(ax, "un_open").get_offsets()) == 4
    closed = collection(ax, "un_closed").get_offsets()
    assert sorted(map(tuple, np.asarray(closed))) == [(1.41, 18.44), (2.40, 15.92)]


def test_explicit_open_camps_override_closure_dates(towns, corridors, control):
    fig = plots.control_map(towns, corridors, control.loc["2023-07-15"], un_open=["Gao"])
    ax = fig.axes[0]
    np.testing.assert_allclose(collection(ax, "un_open").get_offsets(), [[-0.04, 16.27]])
    assert len(collection(ax, "un_closed").get_offsets()) == 5


def test_marker_size_grows_with_population_and_unknown_is_small():
    sizes = plots.town_sizes(pd.Series([np.nan, 1_000, 50_000, 4_000_000]))
    assert sizes[0] == plots.SIZE_UNKNOWN
    assert sizes[1] < sizes[2] < sizes[3] == plots.SIZE_MAX


def test_unknown_controller_label_is_rejected(towns, corridors, control):
    row = control.loc["2023-11-15"].replace("JNIM", "al-Qaeda")
    with pytest.raises(ValueError, match="al-Qaeda"):
        plots.control_map(towns, corridors, row)


def test_small_multiples_draw_one_map_per_date(towns, corridors, control):
    dates = ["2023-07-01", "2023-08-01", "2023-11-01", "2023-11-30"]
    fig = plots.control_small_multiples(towns, corridors, control, dates)
    maps = [ax for ax in fig.axes if any(c.get_gid() == "towns" for c in ax.collections)]
    assert [ax.get_title() for ax in maps] == ["1 Jul 2023", "1 Aug 2023", "1 Nov 2023", "30 Nov 2023"]
    colours = collection(maps[-1], "towns").get_facecolors()
    segou = towns.index[towns["name"] == "Ségou"][0]
    np.testing.assert_allclose(colours[segou], to_rgba(plots.COLOURS["JNIM"]))
    assert plots.LABELS["CSP"] in legend_texts(fig)


def test_small_multiples_closure_override(towns, corridors, control):
    fig = plots.control_small_multiples(towns, corridors, control, ["2023-07-15"], un_closures={"Gao": "2023-07-01"})
    closed = collection(fig.axes[0], "un_closed").get_offsets()
    np.testing.assert_allclose(closed, [[-0.04, 16.27]])


def test_snapshot_dates_fall_inside_the_run(control):
    dates = plots.snapshot_dates(control.index)
    assert dates == [pd.Timestamp(d) for d in ("2023-07-01", "2023-08-01", "2023-11-01", "2023-11-30")]
    late = pd.date_range("2024-01-01", periods=90, freq="D")
    assert len(plots.snapshot_dates(late)) == 4
    assert all(late[0] <= d <= late[-1] for d in plots.snapshot_dates(late))


# ---------------------------------------------------------------- shares


def test_control_share_stacks_every_present_controller_per_zone(metrics):
    fig = plots.control_share(metrics)
    north, centre, south = fig.axes
    assert north.get_title(loc="left") == "North (4 towns)"
    # North: Wagner, UN, CSP, ISSP, contested; south: FAMa, JNIM; centre: FAMa, UN.
    assert len(north.collections) == 5
    assert len(centre.collections) == 2
    assert len(south.collections) == 2
    np.testing.assert_allclose(plots.zone_shares(metrics, "north").sum(axis=1), 1.0)
    assert plots.LABELS["ISSP"] in legend_texts(fig)
    assert plots.LABELS["none"] not in legend_texts(fig)


def test_share_bands_show_median_across_replicates(control, towns):
    runs = []
    for held_by_fama in (0, 1, 2):  # south: 0, 1 or 2 of 2 towns under FAMa
        c = control.copy()
        c[["Bamako", "Ségou"]] = "JNIM"
        c[["Bamako", "Ségou"][:held_by_fama]] = "FAMa"
        runs.append(metrics_from(c, towns))
    for frames in (runs, pd.concat(runs, keys=[1, 2, 3], names=["replicate", "date"]).reset_index()):
        fig = plots.control_share_bands(frames)
        panel = next(ax for ax in fig.axes if ax.get_gid() == "south:FAMa")
        np.testing.assert_allclose(panel.lines[0].get_ydata(), 0.5)
        assert "3 runs" in fig.get_suptitle()
        headers = {ax.get_title() for ax in fig.axes}
        assert "JNIM\n(al-Qaeda affiliate)" in headers
        assert len(fig.axes) == 3 * 7  # zones x controllers present (never "none" here)
        assert not any(title.startswith("no armed") for title in headers)


# ---------------------------------------------------------------- capacity and operations


def test_capacity_panel_has_benchmark_and_gap(metrics):
    fig = plots.capacity_panel(metrics)
    density, gap = fig.axes
    benchmark = [line for line in density.lines if line.get_gid() == "benchmark"]
    assert len(benchmark) == 1
    np.testing.assert_allclose(benchmark[0].get_ydata(), [20, 20])
    assert any("20 security personnel per 1,000" in t.get_text() for t in density.texts)
    assert {"north", "centre", "south", "all Mali"} <= legend_texts(fig)
    shaded = collection(gap, "capacity_gap")
    assert len(shaded.get_paths()) > 0  # needed exceeds available in the second half


def test_operation_bars_sum_to_metric_totals(metrics):
    fig = plots.operations_panel(metrics)
    for ax, zone in zip(fig.axes, ("north", "centre")):
        bars = next(c for c in ax.containers if isinstance(c, BarContainer))
        assert sum(p.get_height() for p in bars) == metrics[f"new_ops_{zone}"].sum()
        assert plots.REPORTED_LABEL in {t.get_text() for t in ax.get_legend().get_texts()}
    north_reported = [c for c in fig.axes[0].collections if c.get_gid() == "reported"]
    assert len(north_reported) == 1
    _, y = north_reported[0].get_segments()[0].T
    np.testing.assert_allclose(y, 20 / 2.83)
    window = metrics.loc["2023-08-01":"2023-10-25", "new_ops_north"].sum()
    assert any(f"simulated over the same window: {window}" in t.get_text() for t in fig.axes[0].texts)


def test_footer_names_version_scenario_and_seed(metrics):
    meta = {"version": "0.1.0", "scenario": "baseline", "seed": 7}
    fig = plots.capacity_panel(metrics, metadata=meta)
    assert "vacuum-sim 0.1.0 · scenario baseline · seed 7" in {t.get_text() for t in fig.texts}


def test_default_figures_from_run_directory(tmp_path):
    from vacuum_sim import run

    run("historical_2023", seed=3, days=150, out=tmp_path / "run")
    paths = plots.save_default_figures(tmp_path / "run", dpi=60)
    assert {p.name for p in paths} == {"control_share.png", "control_maps.png", "capacity.png", "operations.png"}
    for path in paths:
        assert path.parent == tmp_path / "run" / "figures"
        image = imageio.imread(path)
        assert image.shape[0] > 300 and image.shape[1] > 400
        assert image[..., :3].std() > 10  # not a blank canvas


# ---------------------------------------------------------------- animation


def test_frames_recolour_towns_as_control_changes(towns, corridors, control, metrics):
    frames = animate._ControlFrames(towns, corridors, control, metrics, metadata=None)
    x, y = frames.map_ax.transData.transform((-6.26, 13.44))  # Ségou
    height = frames.canvas.get_width_height()[1]
    pixel = (round(height - y), round(x))
    for date, controller in (("2023-08-15", "FAMa"), ("2023-09-15", "JNIM")):
        image = frames.render(control.loc[date])
        expected = np.array(to_rgba(plots.COLOURS[controller])[:3]) * 255
        np.testing.assert_allclose(image[pixel], expected, atol=3)


def test_gif_has_one_frame_per_sampled_date(tmp_path, towns, corridors, control, metrics):
    result = animate.animate_control(
        towns, corridors, control.iloc[:60], metrics.iloc[:60], tmp_path / "control.gif", every=10, fps=5
    )
    assert result["frames"] == 7  # days 0, 10, ..., 50 and the last day (59)
    frames = imageio.imread(result["gif"], index=None)
    assert frames.shape == (7, 800, 960, 3)
    assert not np.array_equal(frames[0], frames[-1])
    if animate.ffmpeg_available():
        assert result["mp4"].stat().st_size > 1000
    else:
        assert result["mp4"] is None


def test_frame_dates_sample_every_n_days_and_keep_the_end():
    index = pd.date_range("2023-07-01", periods=730, freq="D")
    dates = animate.frame_dates(index, 7)
    assert len(dates) == 106  # days 0, 7, ..., 728 and the last day (729)
    assert dates[0] == index[0] and dates[-1] == index[-1]
    assert set(np.diff(dates[:-1]).astype("timedelta64[D]").astype(int)) == {7}


def test_plot_command_draws_replicate_bands_from_several_runs(tmp_path):
    from vacuum_sim import run
    from vacuum_sim.cli import main

    for seed in (1, 2, 3):
        run("historical_2023", seed=seed, days=40, out=tmp_path / f"s{seed}")
    assert main(["plot", *(str(tmp_path / f"s{s}") for s in (1, 2, 3)), "--out", str(tmp_path / "fig")]) == 0
    image = imageio.imread(tmp_path / "fig" / "control_share_bands.png")
    assert image.shape[0] > 300 and image[..., :3].std() > 10
