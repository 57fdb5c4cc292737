"""Scenarios: a name plus changes from the parameter table's defaults, read from TOML.

A scenario file holds ``description``, optionally ``extends`` (another scenario's
name), ``start_date``, ``days``, a ``[params]`` table and a ``[un_closures]``
table (town = date or "never").  Loading is strict: every error names the file,
the key and what is allowed, and raises :class:`ScenarioError`.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from vacuum_sim.inputs.geography import MaliMap
from vacuum_sim.inputs.params import BY_NAME, defaults

TOP_KEYS = ("description", "extends", "start_date", "days", "params", "un_closures")
NEVER = "never"
DEFAULT_SCENARIO = "historical_2023"


class ScenarioError(ValueError):
    """Bad scenario input; the message names the file, the key and what is allowed."""

    def __init__(self, source: str, key: str, message: str):
        super().__init__(f"{source}: {key}: {message}")


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str = ""
    start_date: date = date(2023, 4, 1)
    days: int = 730
    params: dict = field(default_factory=defaults)
    un_closures: dict = field(default_factory=dict)  # town -> date | None (never closes)

    def to_toml(self) -> str:
        """The fully resolved scenario (every parameter), loadable again with :func:`load_scenario`."""
        lines = [f"# resolved scenario {self.name!r}", f"description = {_toml(self.description)}",
                 f"start_date = {self.start_date.isoformat()}", f"days = {self.days}", "", "[params]"]
        lines += [f"{k} = {_toml(v)}" for k, v in self.params.items()]
        lines += ["", "[un_closures]"]
        lines += [f"{_toml(k)} = {_toml(NEVER if v is None else v)}" for k, v in self.un_closures.items()]
        return "\n".join(lines) + "\n"


def _toml(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(v)


def scenario_dir() -> Path:
    return Path(str(resources.files("vacuum_sim.inputs") / "scenarios"))


def available() -> dict[str, str]:
    """Bundled scenario names and their one-line descriptions."""
    out = {}
    for path in sorted(scenario_dir().glob("*.toml")):
        lines = str(_read(path).get("description", "")).strip().splitlines()
        out[path.stem] = lines[0] if lines else ""
    return out


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError(str(path), "(syntax)", f"malformed TOML: {e}") from None
    except OSError as e:
        raise ScenarioError(str(path), "(file)", f"cannot read: {e.strerror}") from None


def _resolve_path(name_or_path: str | Path) -> Path:
    p = Path(name_or_path)
    if p.suffix == ".toml" or p.exists():
        if not p.is_file():
            raise ScenarioError(str(p), "(file)", "no such scenario file")
        return p
    path = scenario_dir() / f"{name_or_path}.toml"
    if not path.is_file():
        names = ", ".join(sorted(available()))
        raise ScenarioError(str(name_or_path), "(scenario)", f"unknown scenario; available: {names}")
    return path


def load_scenario(name_or_path: str | Path = DEFAULT_SCENARIO, mali: MaliMap | None = None,
                  _chain: tuple = ()) -> Scenario:
    """Load and validate a bundled scenario by name, or any scenario file by path."""
    path = _resolve_path(name_or_path)
    src = str(path)
    if path.resolve() in _chain:
        raise ScenarioError(src, "extends", "circular 'extends' chain")
    raw = _read(path)
    unknown = [k for k in raw if k not in TOP_KEYS]
    if unknown:
        raise ScenarioError(src, unknown[0], f"unknown key; allowed: {', '.join(TOP_KEYS)}")
    if "extends" in raw:
        if not isinstance(raw["extends"], str):
            raise ScenarioError(src, "extends", "must be a scenario name")
        base = load_scenario(raw["extends"], mali, (*_chain, path.resolve()))
    else:
        base = Scenario(name=path.stem)
    changes = {k: v for k, v in raw.items() if k != "extends"}
    return apply_changes(replace(base, name=path.stem), changes, src, mali)


def apply_changes(scn: Scenario, changes: dict, source: str, mali: MaliMap | None = None) -> Scenario:
    """Return ``scn`` with ``changes`` (same layout as a scenario file) validated and applied."""
    description, start, days = scn.description, scn.start_date, scn.days
    params, closures = dict(scn.params), dict(scn.un_closures)
    if "description" in changes:
        if not isinstance(changes["description"], str):
            raise ScenarioError(source, "description", "must be a string")
        description = changes["description"]
    if "start_date" in changes:
        start = changes["start_date"]
        if not isinstance(start, date):
            raise ScenarioError(source, "start_date", f"must be a date like 2023-04-01, got {start!r}")
    if "days" in changes:
        days = changes["days"]
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 3650:
            raise ScenarioError(source, "days", f"must be a whole number in [1, 3650], got {days!r}")
    for key, value in _table(changes, "params", source).items():
        if key not in BY_NAME:
            raise ScenarioError(source, f"params.{key}", f"unknown parameter; allowed: {', '.join(BY_NAME)}")
        try:
            params[key] = BY_NAME[key].check(value)
        except ValueError as e:
            raise ScenarioError(source, f"params.{key}", str(e)) from None
    for town, when in _table(changes, "un_closures", source).items():
        key = f"un_closures.{town}"
        if mali is not None:
            sites = list(mali.un_sites["town"])
            if town not in sites:
                raise ScenarioError(source, key, f"unknown UN site; allowed: {', '.join(sites)}")
        if when == NEVER:
            closures[town] = None
        elif isinstance(when, date):
            closures[town] = when
        else:
            raise ScenarioError(source, key, f"must be a date like 2023-10-31 or \"never\", got {when!r}")
    for town, when in closures.items():
        if when is not None and when < start:
            raise ScenarioError(source, f"un_closures.{town}",
                                f"closure date {when} is before the start date {start}")
    return replace(scn, description=description, start_date=start, days=days, params=params, un_closures=closures)


def _table(changes: dict, key: str, source: str) -> dict:
    value = changes.get(key, {})
    if not isinstance(value, dict):
        raise ScenarioError(source, key, "must be a table")
    return value


def parse_assignment(text: str) -> tuple[str, object]:
    """Parse one ``--set key=value``; the value is read as a TOML value (bare words stay strings)."""
    if "=" not in text:
        raise ScenarioError("--set", text, "expected key=value")
    key, value = (s.strip() for s in text.split("=", 1))
    try:
        return key, tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError:
        return key, value


def with_overrides(scn: Scenario, assignments: list[str], mali: MaliMap | None = None) -> Scenario:
    """Apply ``--set`` assignments: parameter names, ``days``, ``start_date`` or ``un_closures.TOWN``."""
    changes: dict = {"params": {}, "un_closures": {}}
    for text in assignments:
        key, value = parse_assignment(text)
        if key in ("days", "start_date", "description"):
            changes[key] = value
        elif key.startswith("un_closures."):
            changes["un_closures"][key.split(".", 1)[1]] = value
        else:
            changes["params"][key.removeprefix("params.")] = value
    return apply_changes(scn, changes, "--set", mali)
