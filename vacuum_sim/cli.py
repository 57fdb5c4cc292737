"""The ``vacuum-sim`` command: parse, load the scenario, run, write results.  Thin by design."""

from __future__ import annotations

import argparse
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
        from .plots import save_default_figures

        for path in save_default_figures(out, out / "figures"):
            print(f"  figure: {path}")
    m = result.metrics
    last = m.iloc[-1]
    print(f"run {result.metadata['scenario']} seed {args.seed}: {len(m) - 1} days to {m.index[-1].date()}")
    print(f"  vacated UN bases {int(last['n_vacated_bases'])}, held by the state {int(last['n_vacated_held_state'])}, "
          f"by CSP {int(last['n_vacated_held_CSP'])}, by JNIM {int(last['n_vacated_held_JNIM'])}")
    print(f"  troops needed {last['n_troops_needed']:.0f} vs available {last['n_troops_available']:.0f}")
    print(f"wrote {out}")
    return 0


def _scenarios(args) -> int:
    for name, line in available().items():
        print(f"{name:24s} {line}")
    return 0


def _validate(args) -> int:
    scn = load_scenario(args.file, load_map())
    print(f"{args.file}: ok (scenario {scn.name!r}, {scn.days} days from {scn.start_date})")
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
    s = sub.add_parser("scenarios", help="list the bundled scenarios")
    s.set_defaults(func=_scenarios)
    v = sub.add_parser("validate", help="check a scenario file without running it")
    v.add_argument("file")
    v.set_defaults(func=_validate)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (ScenarioError, MapError, FileExistsError) as e:
        print(f"vacuum-sim: error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
