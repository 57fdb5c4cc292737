"""Scenarios: a name plus changes from the parameter table's defaults, read from TOML.

A scenario file holds ``description``, optionally ``extends`` (a bundled scenario's
name, or a path to a ``.toml`` file relative to the extending file's folder),
``start_date``, ``days``, a ``[params]`` table and a ``[un_closures]`` table
(town = date or "never").  Loading is strict: every error names the file, the
key and what is allowed, and raises :class:`ScenarioError`.
"""

from __future__ import annotations

import math
import operator
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path

from vacuum_sim.inputs.geography import DEPLOYMENT_DATE, MaliMap, load_map
from vacuum_sim.inputs.params import BY_NAME, defaults

TOP_KEYS = ("description", "extends", "start_date", "days", "params", "un_closures")
NEVER = "never"
DEFAULT_SCENARIO = "historical_2023"
MAX_DAYS = 3650  # ten years: far past what the 2023 data can inform, and keeps every date in the calendar
MAX_SEED = 2**64 - 1  # numpy's SeedSequence takes any size, but 64 bits is what sweeps and other tools store


class ScenarioError(ValueError):
    """Bad scenario input; the message names the file (or flag), the key and what is allowed."""

    def __init__(self, source: str, key: str | None, message: str):
        super().__init__(f"{source}: {key}: {message}" if key else f"{source}: {message}")


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str = ""
    start_date: date = DEPLOYMENT_DATE
    days: int = 730
    params: dict = field(default_factory=defaults)
    un_closures: dict = field(default_factory=dict)  # town -> date | None (never closes)

    def to_toml(self) -> str:
        """The fully resolved scenario (every parameter), loadable again with :func:`load_scenario`."""
        lines = [f"# resolved scenario {toml_value(self.name)}", f"description = {toml_value(self.description)}",
                 f"start_date = {toml_value(self.start_date)}", f"days = {toml_value(self.days)}", "", "[params]"]
        lines += [f"{k} = {toml_value(v)}" for k, v in self.params.items()]
        lines += ["", "[un_closures]"]
        lines += [f"{toml_value(k)} = {toml_value(NEVER if v is None else v)}" for k, v in self.un_closures.items()]
        return "\n".join(lines) + "\n"


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_value(v) -> str:
    """``v`` as a TOML value that :mod:`tomllib` reads back equal: control characters and quotes escaped, inf/nan spelt."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v) if math.isfinite(v) else "nan" if math.isnan(v) else "inf" if v > 0 else "-inf"
    if isinstance(v, date) and not isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, str):
        return '"' + "".join(_ESCAPES.get(c) or (f"\\u{ord(c):04X}" if c < " " or c == "\x7f" else c) for c in v) + '"'
    raise TypeError(f"no TOML form for {v!r}")


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
    src = str(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ScenarioError(src, "(file)", f"cannot read: {e.strerror}") from None
    if b"\0" in data:
        raise ScenarioError(src, "(file)", "binary file (contains NUL bytes); a scenario is a UTF-8 TOML text file")
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as e:
        raise ScenarioError(src, "(file)", f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}); "
                                           "a scenario is a UTF-8 TOML text file") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError(src, "(syntax)", f"malformed TOML: {e}") from None


def _is_path(ref: str) -> bool:
    return ref.endswith(".toml") or "/" in ref or "\\" in ref


def _resolve_path(ref: str | Path) -> Path:
    """A scenario file given on the command line or to :func:`load_scenario`: a path, or a bundled scenario's name."""
    p = Path(ref)
    if _is_path(str(ref)) or p.exists():
        if not p.is_file():
            raise ScenarioError(str(p), "(file)", "no such scenario file")
        return p
    return _bundled(str(ref), str(ref), "(scenario)")


def _bundled(name: str, source: str, key: str) -> Path:
    path = scenario_dir() / f"{name}.toml"
    if not path.is_file():
        raise ScenarioError(source, key, f"unknown scenario {name!r}; available: {', '.join(sorted(available()))}")
    return path


def _base_path(ref, path: Path) -> Path:
    """The file an ``extends`` in ``path`` names: a bundled scenario, or a .toml path from ``path``'s folder."""
    src = str(path)
    if not isinstance(ref, str) or not ref:
        raise ScenarioError(src, "extends", "must be a bundled scenario's name or a path to a .toml file")
    if not _is_path(ref):
        return _bundled(ref, src, "extends")
    base = path.parent / ref
    if not base.is_file():
        raise ScenarioError(src, "extends", f"no scenario file {base} (a relative path starts from this file's folder)")
    return base


def load_scenario(name_or_path: str | Path = DEFAULT_SCENARIO, mali: MaliMap | None = None) -> Scenario:
    """Load and validate a bundled scenario by name, or any scenario file by path."""
    return _load(_resolve_path(name_or_path), mali or load_map(), ())


def _load(path: Path, mali: MaliMap, chain: tuple) -> Scenario:
    src = str(path)
    if path.resolve() in chain:
        raise ScenarioError(src, "extends", "circular 'extends' chain")
    raw = _read(path)
    unknown = [k for k in raw if k not in TOP_KEYS]
    if unknown:
        raise ScenarioError(src, unknown[0], f"unknown key; allowed: {', '.join(TOP_KEYS)}")
    if "extends" in raw:
        base = _load(_base_path(raw["extends"], path), mali, (*chain, path.resolve()))
    else:
        base = Scenario(name=path.stem)
    changes = {k: v for k, v in raw.items() if k != "extends"}
    return apply_changes(replace(base, name=path.stem), changes, src, mali)


def _shown(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else repr(value)


def _date(value, source: str, key: str, allowed: str) -> date:
    """A TOML date; datetimes and times of day are refused (a start or a closure is a day, not an instant)."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ScenarioError(source, key, f"must be {allowed}, got {_shown(value)}")
    return value


def start_window(mali: MaliMap) -> tuple[date, date]:
    """The start dates the data supports: from the April 2023 deployment the map describes to the first UN closure.

    The starting forces (``towns.csv`` garrison_at_start, ``un_sites.csv`` troops) are those of April 2023; once
    the first UN camp changed hands (Ogossagou, 3 August 2023) the army began moving into vacated camps, and the
    starting forces no longer describe the situation.
    """
    return DEPLOYMENT_DATE, min(mali.un_sites["closure_date"])


def apply_changes(scn: Scenario, changes: dict, source: str, mali: MaliMap | None = None) -> Scenario:
    """Return ``scn`` with ``changes`` (same layout as a scenario file) validated against the map and applied."""
    mali = mali or load_map()
    description, start, days = scn.description, scn.start_date, scn.days
    params, closures = dict(scn.params), dict(scn.un_closures)
    if "description" in changes:
        description = changes["description"]
        if not isinstance(description, str) or not _encodable(description):
            raise ScenarioError(source, "description", f"must be a string of text, got {_shown(description)}")
    if "start_date" in changes:
        start = _date(changes["start_date"], source, "start_date", "a date like 2023-04-01")
    if "days" in changes:
        days = changes["days"]
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
            raise ScenarioError(source, "days", f"must be a whole number in [1, {MAX_DAYS}], got {_shown(days)}")
    for key, value in _table(changes, "params", source).items():
        if key not in BY_NAME:
            raise ScenarioError(source, f"params.{key}", f"unknown parameter; allowed: {', '.join(BY_NAME)}")
        try:
            params[key] = BY_NAME[key].check(value)
        except ValueError as e:
            raise ScenarioError(source, f"params.{key}", str(e)) from None
    sites = list(mali.un_sites["town"])
    for town, when in _table(changes, "un_closures", source).items():
        key = f"un_closures.{town}"
        if town not in sites:
            raise ScenarioError(source, key, f"unknown UN site; allowed: {', '.join(sites)}")
        closures[town] = None if when == NEVER else _date(when, source, key, 'a date like 2023-10-31 or "never"')
    first, last = start_window(mali)
    if not first <= start <= last:
        raise ScenarioError(source, "start_date", f"must be from {first} (the April 2023 deployment the map describes) "
                            f"to {last} (the first UN closure, after which it is out of date), got {start}")
    latest = start + timedelta(days=MAX_DAYS)
    for town, when in closures.items():
        if when is not None and not start <= when <= latest:
            raise ScenarioError(source, f"un_closures.{town}", f"closure date {when} is outside the run's calendar: "
                                f"allowed from the start date {start} to {latest}, or \"never\"")
    return replace(scn, description=description, start_date=start, days=days, params=params, un_closures=closures)


def _encodable(text: str) -> bool:
    """False for lone surrogates, which no file can hold."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _table(changes: dict, key: str, source: str) -> dict:
    value = changes.get(key, {})
    if not isinstance(value, dict):
        raise ScenarioError(source, key, "must be a table")
    return value


def check_seed(seed, source: str = "--seed") -> int:
    """A run's seed as an int: a whole number (Python's or numpy's) in [0, 2**64 - 1]."""
    try:
        whole = None if isinstance(seed, bool) else operator.index(seed)
    except TypeError:
        whole = None
    if whole is None or not 0 <= whole <= MAX_SEED:
        raise ScenarioError(source, None, f"must be a whole number in [0, 2**64 - 1], got {_shown(seed)}")
    return whole


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
