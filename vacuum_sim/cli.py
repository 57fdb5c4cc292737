"""The ``vacuum-sim`` command: parse, load the scenario, run, write results.  Thin by design."""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from datetime import datetime
from pathlib import Path

from . import __version__
from .geography import MapError, load_map
from .scenario import DEFAULT_SCENARIO, ScenarioError, available, load_scenario

EXIT_BAD_INPUT = 2


def _run(args) -> int:
    from .runner import run

    out = Path(args.out) if args.out else Path("runs") / f"{Path(args.scenario).stem}_seed{args.seed}_{datetime.now():%Y%m%d-%H%M%S}"
    result = run(args.scenario, seed=args.seed, days=args.days, overrides=args.set, out=out)
    if not args.no_figures:
        _figures(out, kinds=None)
        _animation(out)
    m = result.metrics
    last = m.iloc[-1]
    print(f"run {result.metadata['scenario']} seed {args.seed}: {len(m) - 1} days to {m.index[-1].date()}")
    print(f"  vacated UN bases {int(last['n_vacated_bases'])}, held by the state {int(last['n_vacated_held_state'])}, "
          f"by CSP {int(last['n_vacated_held_CSP'])}, by JNIM {int(last['n_vacated_held_JNIM'])}")
    print(f"  troops needed {last['n_troops_needed']:.0f} vs available {last['n_troops_available']:.0f}")
    print(f"wrote {out}")
    return 0


def _figures(run_dir: Path, kinds) -> None:
    from .plots import save_default_figures

    for path in save_default_figures(run_dir, run_dir / "figures", kinds=kinds):
        print(f"  figure: {path}")


def _animation(run_dir: Path) -> None:
    from .animate import animate_control
    from .results import load_run

    r = load_run(run_dir)
    out = animate_control(r.towns, r.corridors, r.control, r.metrics, run_dir / "figures" / "control.gif",
                          metadata=r.metadata)
    for key in ("gif", "mp4"):
        if out.get(key):
            print(f"  animation: {out[key]}")


def _plot(args) -> int:
    path = Path(args.dir)
    if (path / "metadata.json").is_file():
        _figures(path, args.kind)
        return 0
    from .plots import save_sweep_figures

    for p in save_sweep_figures(path, path / "figures", kinds=args.kind):
        print(f"  figure: {p}")
    return 0


def _animate(args) -> int:
    _animation(Path(args.run_dir))
    return 0


def _scenarios(args) -> int:
    for name, line in available().items():
        print(f"{name:24s} {line}")
    return 0


def _validate(args) -> int:
    scn = load_scenario(args.file, load_map())
    print(f"{args.file}: ok (scenario {scn.name!r}, {scn.days} days from {scn.start_date})")
    return 0


def _app(args) -> int:
    """Serve the classroom app with Solara (started here, so that the other commands never import it)."""
    if importlib.util.find_spec("solara") is None:
        print("vacuum-sim: error: the app needs its extra: pip install -e '.[app]'", file=sys.stderr)
        return 1
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", "MPLBACKEND": "Agg"}
    app = Path(__file__).with_name("app.py")
    print(f"vacuum-sim app: http://{args.host}:{args.port}", flush=True)
    os.execve(sys.executable, [sys.executable, "-m", "solara", "run", str(app), "--host", args.host,
                               "--port", str(args.port), "--production", "--no-open", "--no-check-version"], env)


def _sweep(args) -> int:
    from .sweep import sweep

    print(sweep(args.experiment, out=args.out, workers=args.workers, scheduler=args.scheduler, resume=args.resume))
    return 0


def _analyse(args) -> int:
    from . import analysis

    if args.sobol:
        print(analysis.sobol_indices(args.sweep, args.metric, args.day).round(3).to_string())
    elif args.prim:
        op, value = args.prim[:2], args.prim[2:]
        try:
            threshold = float(value)
        except ValueError:
            op = None
        if op not in (">=", "<="):
            raise ScenarioError("--prim", args.prim, "expected >=VALUE or <=VALUE, e.g. --prim '>=0.3'")
        print(analysis.discover(args.sweep, args.metric, threshold, above=op == ">=", day=args.day))
    else:
        runs = analysis.outcome(analysis.load(args.sweep, [args.metric]), args.metric, args.day)
        table = analysis.bands(runs.reset_index().assign(metric=args.metric), args.metric)
        print(f"{args.metric} on day {runs['day'].iloc[0]}: median and 10–90 % band across replicates")
        print(table.drop(columns=["day", "date"]).round(3).to_string(index=False))
    return 0


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="vacuum-sim", description="Mali after the UN withdrawal: an agent-based model.")
    ap.add_argument("--version", action="version", version=f"vacuum-sim {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run one scenario and write its tables and figures")
    r.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO, help="bundled scenario name or a .toml file")
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--days", type=int, help="override the scenario's horizon")
    r.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a parameter (or days, start_date, un_closures.TOWN); repeatable")
    r.add_argument("--out", help="output folder (must not exist); default runs/<scenario>_seed<N>_<time>")
    r.add_argument("--no-figures", action="store_true", help="write the tables only")
    r.set_defaults(func=_run)
    pl = sub.add_parser("plot", help="draw the figures of a run folder or a sweep folder")
    pl.add_argument("dir", help="a run folder (from 'run') or a sweep folder (from 'sweep')")
    pl.add_argument("--kind", action="append", help="only these figures (repeatable); default all")
    pl.set_defaults(func=_plot)
    an_ = sub.add_parser("animate", help="animate control over time (GIF, and MP4 when ffmpeg is available)")
    an_.add_argument("run_dir")
    an_.set_defaults(func=_animate)
    s = sub.add_parser("scenarios", help="list the bundled scenarios")
    s.set_defaults(func=_scenarios)
    v = sub.add_parser("validate", help="check a scenario file without running it")
    v.add_argument("file")
    v.set_defaults(func=_validate)
    w = sub.add_parser("sweep", help="run an experiment's design of runs into a resumable sweep folder")
    w.add_argument("experiment", help="experiments/<study> folder or its experiment.toml")
    w.add_argument("--workers", type=int, help="local worker processes (default: all CPUs)")
    w.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786")
    w.add_argument("--resume", action="store_true", help="finish an interrupted sweep in --out")
    w.add_argument("--out", help="sweep folder (default sweeps/<study>)")
    w.set_defaults(func=_sweep)
    an = sub.add_parser("analyse", help="replicate bands, Sobol' indices or PRIM scenario discovery of a sweep")
    an.add_argument("sweep", help="a sweep folder")
    an.add_argument("--metric", required=True, help="a kept metric, or frac_towns_<label>_<zone>")
    an.add_argument("--day", type=int, help="the day to analyse (default: the last)")
    how = an.add_mutually_exclusive_group()
    how.add_argument("--sobol", action="store_true", help="first- and total-order Sobol' indices (sobol design)")
    how.add_argument("--prim", metavar="'>=VALUE'", help="which factor ranges lead to metric >= or <= VALUE")
    an.set_defaults(func=_analyse)
    a = sub.add_parser("app", help="serve the interactive classroom app in the browser")
    a.add_argument("--host", default="127.0.0.1", help="address to serve on (default: this machine only)")
    a.add_argument("--port", type=int, default=8765)
    a.set_defaults(func=_app)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (ScenarioError, MapError, FileExistsError, FileNotFoundError, ValueError) as e:
        print(f"vacuum-sim: error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
