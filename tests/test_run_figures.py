"""Run, replicate and sweep figures drawn from real short runs: what each shows, in plain words, and where
`vacuum-sim plot` writes them."""

import re
from pathlib import Path

import imageio.v3 as imageio
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.container import BarContainer
from matplotlib.text import Text

import vacuum_sim
from vacuum_sim.cli import main
from vacuum_sim.factions import ZONES
from vacuum_sim.runs.results import load_run
from vacuum_sim.views import maps, run_figures, sweep_figures
from vacuum_sim.views.style import LABELS, STATE_SIDE, unexplained

CODE_NAME = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")


@pytest.fixture(scope="module")
def result():
    """Eight months from 1 April 2023: the first UN closures, the 2023 reports and the end of the source data."""
    return vacuum_sim.run("historical_2023", seed=1, days=240)


@pytest.fixture(scope="module")
def run_folders(tmp_path_factory) -> list[Path]:
    """Three seeds of four months, written as run folders ``<tmp>/runs/seed<N>``."""
    root = tmp_path_factory.mktemp("replicates") / "runs"
    for seed in (1, 2, 3):
        vacuum_sim.run("historical_2023", seed=seed, days=120, out=root / f"seed{seed}")
    return sorted(root.iterdir())


@pytest.fixture(scope="module")
def replicates(run_folders):
    return [load_run(folder) for folder in run_folders]


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory):
    """Four short runs over a 2 x 2 grid, as `vacuum-sim sweep` writes them."""
    from vacuum_sim.sweeps.sweep import sweep

    folder = tmp_path_factory.mktemp("study")
    (folder / "experiment.toml").write_text(
        'days = 60\nreplicates = 1\n[design]\ntype = "full_factorial"\n[factors]\n'
        "fama_manpower = { levels = [6000, 12000] }\nreclaim_weight = { levels = [0.3, 0.9] }\n"
        '[output]\nmetrics = ["n_towns_*_centre", "new_ops_*"]\nevery = 30\n', encoding="utf-8")
    sweep(folder, out=folder / "sweep", workers=1, progress=False)
    return folder / "sweep"


def texts(fig, footer: bool = False) -> list[str]:
    """Every text in the figure; the provenance footer (scenario and seed, by name) only when asked."""
    return [t.get_text() for t in fig.findobj(Text) if t.get_text() and (footer or t.get_gid() != "footer")]


def assert_plain(fig):
    """No code name and no unexplained acronym anywhere in the figure."""
    words = texts(fig)
    assert not [w for w in words if CODE_NAME.search(w)], [w for w in words if CODE_NAME.search(w)]
    assert not unexplained(words), unexplained(words)


def run_builders(result, previous=None):
    return {
        "control_share": run_figures.control_share(result.control, result.towns, result.metadata, previous=previous),
        "capacity": run_figures.capacity_panel(result.metrics, result.metadata, previous=previous and result.metrics),
        "operations": run_figures.operations_panel(result.metrics, result.metadata,
                                                   previous=previous and result.metrics),
        "violence": run_figures.violence_panel(result.metrics, result.metadata, previous=previous and result.metrics),
        "control_maps": maps.control_small_multiples(result.towns, result.corridors, result.control,
                                                     run_figures.snapshot_dates(result.control.index), metadata=result.metadata),
        "control_map": maps.control_map(result.towns, result.corridors, result.control.iloc[-1], metadata=result.metadata),
    }


def test_every_run_figure_speaks_plain_words(result):
    for name, fig in run_builders(result).items():
        assert_plain(fig)
        assert any("vacuum-sim" in t and "seed 1" in t for t in texts(fig, footer=True)), name


def test_state_held_towns_where_the_un_left_are_set_apart(result):
    held = run_figures.holders(result.control, result.towns)
    closure = pd.to_datetime(result.towns.set_index("name")["un_closure"], errors="coerce")
    for town in result.control.columns:
        state = result.control[town].isin(["FAMa", "Wagner"])
        after = pd.Series(result.control.index >= closure[town], index=result.control.index) if pd.notna(
            closure[town]) else pd.Series(False, index=result.control.index)
        assert (held[town].eq("after_UN") == (state & after)).all(), town
        assert held[town].where(~(state & after)).dropna().eq(result.control[town].where(~(state & after)).dropna()).all()
    assert held.eq("after_UN").any().any()  # some camp closed and the state held its town


def test_control_share_stacks_the_state_from_the_bottom_and_explains_the_withdrawal(result):
    fig = run_figures.control_share(result.control, result.towns)
    held = run_figures.holders(result.control, result.towns)
    for ax, zone in zip(fig.axes, ZONES):
        shares = run_figures.zone_shares(held, result.towns, zone)
        np.testing.assert_allclose(shares.sum(axis=1), 1.0)
        layers = [c.get_gid() for c in ax.collections if c.get_gid() in shares.columns]
        assert layers == [c for c in shares.columns if shares[c].gt(0).any()]
        edge = next(line for line in ax.lines if line.get_gid() == "state_edge")
        np.testing.assert_allclose(edge.get_ydata(), shares[list(STATE_SIDE)].sum(axis=1))
        assert ax.get_title(loc="left") == f"{zone.capitalize()} ({(result.towns['zone'] == zone).sum()} towns)"
    north = fig.axes[0]
    assert next(c for c in north.collections if c.get_gid() == "after_UN").get_hatch() == "////"
    assert LABELS["after_UN"] in texts(fig)


def test_previous_run_is_drawn_faintly_and_a_figure_can_be_reused(result):
    for name, fig in run_builders(result, previous=(result.control, result.towns)).items():
        if name in ("control_maps", "control_map"):
            continue
        assert any(line.get_gid() == "previous" for ax in fig.axes for line in ax.lines), name
        again = getattr(run_figures, {"control_share": "control_share", "capacity": "capacity_panel",
                                      "operations": "operations_panel", "violence": "violence_panel"}[name])
        n_axes = len(fig.axes)
        args = (result.control, result.towns) if name == "control_share" else (result.metrics,)
        assert again(*args, fig=fig) is fig and len(fig.axes) == n_axes


def test_capacity_panel_has_benchmark_and_gap(result):
    fig = run_figures.capacity_panel(result.metrics)
    density, gap = fig.axes
    benchmark = [line for line in density.lines if line.get_gid() == "benchmark"]
    np.testing.assert_allclose(benchmark[0].get_ydata(), [20, 20])
    needed, available = result.metrics["n_troops_needed"], result.metrics["n_troops_available"]
    assert (needed > available).any()  # by late 2023 the state cannot garrison every base and camp
    assert len(next(c for c in gap.collections if c.get_gid() == "capacity_gap").get_paths()) > 0


def test_operation_bars_sum_to_metric_totals_with_the_2023_reports(result):
    fig = run_figures.operations_panel(result.metrics)
    for ax, zone in zip(fig.axes, ("north", "centre")):
        bars = next(c for c in ax.containers if isinstance(c, BarContainer))
        assert sum(p.get_height() for p in bars) == result.metrics[f"new_ops_{zone}"].sum()
    reported = [c for c in fig.axes[0].collections if c.get_gid() == "reported"]
    np.testing.assert_allclose(reported[0].get_segments()[0][:, 1], 20 / 2.83)
    window = result.metrics.loc["2023-08-01":"2023-10-25", "new_ops_north"].sum()
    assert any(f"simulated over the same window: {window:.0f}" in t for t in texts(fig))
    assert any("Critical Threats Project (CTP)" in t for t in texts(fig))


def test_violence_panel_counts_every_atrocity(result):
    fig = run_figures.violence_panel(result.metrics)
    atrocities = fig.axes[0]
    total = sum(p.get_height() for c in atrocities.containers for p in c)
    assert total == result.metrics[[f"new_atrocities_{f}" for f in run_figures.PERPETRATORS]].to_numpy().sum() > 0


def test_replicate_bands_are_one_panel_per_zone_with_only_the_sides_that_hold_towns(replicates):
    fig = run_figures.control_share_bands([r.control for r in replicates], replicates[0].towns)
    assert len(fig.axes) == len(ZONES)
    held = [run_figures.holders(r.control, r.towns) for r in replicates]
    for ax, zone in zip(fig.axes, ZONES):
        shares = [run_figures.zone_shares(h, replicates[0].towns, zone).resample("W").mean() for h in held]
        for group, members in run_figures.BAND_GROUPS.items():
            runs = pd.concat([s[list(members)].sum(axis=1) for s in shares], axis=1)
            line = [ln for ln in ax.lines if ln.get_gid() == f"{zone}:{group}"]
            assert bool(line) == (runs.quantile(0.9, axis=1).max() >= run_figures.BAND_FLOOR), (zone, group)
            if line:
                np.testing.assert_allclose(line[0].get_ydata(), runs.median(axis=1))
    assert "3 runs" in fig.get_suptitle()
    assert_plain(fig)


def test_save_run_figures_writes_every_kind(tmp_path, result):
    paths = run_figures.save_run_figures(result, tmp_path, dpi=50)
    assert [p.name for p in paths] == [f"{k}.png" for k in run_figures.RUN_FIGURES]
    for path in paths:
        image = imageio.imread(path)
        assert image.shape[0] > 250 and image[..., :3].std() > 10
    with pytest.raises(ValueError, match="unknown figure kind 'pie'"):
        run_figures.save_run_figures(result, tmp_path, kinds=["pie"])


def test_sweep_figures_name_factors_and_outcomes_in_plain_words(sweep_dir, tmp_path):
    paths = sweep_figures.save_sweep_figures(sweep_dir, tmp_path)
    assert {p.name for p in paths} == {"phase.png", "bands.png"}  # no Sobol' bars for a grid
    from vacuum_sim.sweeps import analysis

    runs = analysis.outcome(analysis.load(sweep_dir, ["frac_towns_JNIM_centre"]), "frac_towns_JNIM_centre")
    phase = sweep_figures.phase_diagram(runs, "fama_manpower", "reclaim_weight", "frac_towns_JNIM_centre")
    bands = sweep_figures.outcome_bands(analysis.bands(analysis.load(sweep_dir, ["new_ops_north"]), "new_ops_north"),
                                        "fama_manpower", "new_ops_north")
    for fig in (phase, bands):
        assert_plain(fig)
    assert "Share of central towns held by JNIM" in phase.axes[0].get_title()
    assert " ".join(phase.axes[0].get_xlabel().split()) == \
        "State forces in all: army, gendarmerie, national guard (FAMa) (personnel)"
    cells = [t.get_text() for t in phase.axes[0].texts]
    assert len(cells) == 4


def test_phase_diagram_keeps_every_text_inside_the_figure_and_the_glossary_off_the_footer(sweep_dir):
    """The doctrine factor's label (its parameter's whole description) used to run off the figure's top and bottom,
    and the glossary used to overprint the footer."""
    from vacuum_sim.inputs.params import BY_NAME
    from vacuum_sim.sweeps import analysis

    runs = analysis.outcome(analysis.load(sweep_dir, ["frac_towns_JNIM_centre"]), "frac_towns_JNIM_centre")
    meta = {"version": vacuum_sim.__version__, "scenario": "historical_2023 (sweep study)", "seed": [0]}
    fig = sweep_figures.phase_diagram(runs, "fama_manpower", "reclaim_weight", "frac_towns_JNIM_centre", meta)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    assert " ".join(fig.axes[0].get_ylabel().split()).startswith(BY_NAME["reclaim_weight"].label)
    drawn = {t: t.get_window_extent(renderer) for t in fig.findobj(Text) if t.get_text() and t.get_visible()}
    outside = [t.get_text() for t, box in drawn.items()
               if box.x0 < -1 or box.y0 < -1 or box.x1 > fig.bbox.x1 + 1 or box.y1 > fig.bbox.y1 + 1]
    assert not outside, outside
    by_gid = {t.get_gid(): box for t, box in drawn.items() if t.get_gid()}
    assert not by_gid["glossary"].overlaps(by_gid["footer"])


# ---------------------------------------------------------------- where `vacuum-sim plot` writes


def test_plot_honours_out_for_a_run_a_sweep_and_replicates_and_writes_nothing_in_cwd(tmp_path, monkeypatch,
                                                                                    run_folders, sweep_dir):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    run = run_folders[0]

    assert main(["plot", str(run), "--kind", "capacity", "--out", str(tmp_path / "a")]) == 0
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["capacity.png"]
    assert not (run / "figures").exists()
    assert main(["plot", str(run), "--kind", "operations"]) == 0
    assert [p.name for p in (run / "figures").iterdir()] == ["operations.png"]

    assert main(["plot", str(sweep_dir), "--kind", "phase", "--out", str(tmp_path / "b")]) == 0
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["phase.png"]

    assert main(["plot", *map(str, run_folders), "--out", str(tmp_path / "c")]) == 0
    assert [p.name for p in (tmp_path / "c").iterdir()] == ["control_share_bands.png"]
    assert main(["plot", *map(str, run_folders)]) == 0
    assert (run.parent / "replicates_historical_2023" / "control_share_bands.png").is_file()

    assert list(cwd.iterdir()) == []


def test_plot_refuses_an_out_that_cannot_be_a_folder(tmp_path, capsys, run_folders):
    (tmp_path / "file.txt").write_text("x")
    for out in (tmp_path / "file.txt", tmp_path / "file.txt" / "sub"):
        assert main(["plot", str(run_folders[1]), "--out", str(out)]) == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and "--out" in err and "is a file" in err
    assert not (run_folders[1] / "figures").exists()
