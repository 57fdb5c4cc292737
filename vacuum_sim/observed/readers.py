"""Read an ACLED or UCDP GED export, or a run's event log, into one layout of compared events.

The compared layout has one row per event: ``date``, ``event_type`` (the compared
class, see ``data/event_types.csv``), ``admin1``, ``side1`` and ``side2`` (the model
actors on each side, joined with "/"), ``fatalities``.  Nothing is dropped
silently: columns the format does not document, actor names no prefix matches,
region names not in the table, rows from other countries and event types the
model does not simulate are all counted in the :class:`ReadReport`.  A value that
cannot be read stops with the file, line and column.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from vacuum_sim.inputs.scenario import ScenarioError
from vacuum_sim.observed import vocabulary as vocab

COMPARED = ("date", "event_type", "admin1", "side1", "side2", "fatalities")
ACLED_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y")
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


class DataError(ScenarioError):
    """A data file that cannot be read; the message names the file, the line and the column."""


@dataclass
class ReadReport:
    """What reading a file kept, and everything it could not translate (never dropped silently)."""

    path: str
    format: str
    rows: int = 0
    kept: int = 0
    unknown_columns: list[str] = field(default_factory=list)
    unmapped_actors: Counter = field(default_factory=Counter)  # name -> rows naming it
    unknown_regions: Counter = field(default_factory=Counter)  # kept under their own name
    dropped: Counter = field(default_factory=Counter)  # reason -> rows

    def lines(self) -> list[str]:
        out = [f"{self.path}: {self.format.upper()} format, {self.rows} rows, {self.kept} compared"]
        if self.unknown_columns:
            out.append(f"  columns not in the {self.format.upper()} documentation (not read): "
                       + ", ".join(self.unknown_columns))
        for reason, n in self.dropped.most_common():
            out.append(f"  not compared: {n} rows, {reason}")
        if self.unmapped_actors:
            names = ", ".join(f"{name} ({n})" for name, n in self.unmapped_actors.most_common(8))
            more = len(self.unmapped_actors) - 8
            out.append(f"  actors with no model counterpart (their events count, but for no model actor): {names}"
                       + (f" and {more} more" if more > 0 else ""))
        if self.unknown_regions:
            names = ", ".join(f"{name or '(blank)'} ({n})" for name, n in self.unknown_regions.most_common())
            out.append(f"  admin1 names not in the region table (compared under their own name): {names}")
        return out


def detect(header: list[str], path: str) -> str:
    """ACLED if the file has event_date and event_type, UCDP GED if date_start and type_of_violence."""
    for fmt in vocab.FORMATS:
        needed = [c for c, f in vocab.columns(fmt).items() if f in ("date", "event_type")]
        if all(c in header for c in needed):
            return fmt
    raise DataError(path, "line 1", "not an ACLED export (needs event_date, event_type, ...) nor a UCDP GED export "
                    "(needs date_start, type_of_violence, ...); see docs/data.md")


def read_events(path: str | Path) -> tuple[pd.DataFrame, ReadReport]:
    """The compared events of an ACLED or UCDP GED export (CSV), and the report of what was translated."""
    path = Path(path)
    src = str(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None:
                raise DataError(src, "line 1", "empty file; expected a header row")
            records = [(reader.line_num, row) for row in reader]
    except UnicodeDecodeError as e:
        raise DataError(src, "(encoding)", f"not UTF-8 text ({e.reason} at byte {e.start})") from None
    except csv.Error as e:
        raise DataError(src, "(csv)", f"malformed CSV: {e}") from None
    fmt = detect(header, src)
    known = vocab.columns(fmt)
    report = ReadReport(src, fmt, unknown_columns=[c for c in header if c not in known])
    missing = [c for c, f in known.items() if f and f != "country" and c not in header]
    if missing:
        raise DataError(src, "line 1", f"missing required column(s) {', '.join(missing)} of the {fmt.upper()} format")
    col = {c: header.index(c) for c in known if c in header}
    by_field: dict[str, list[str]] = {}
    for c, f in known.items():
        if f and c in col:
            by_field.setdefault(f, []).append(c)
    types = vocab.event_types(fmt, "observed")
    rows = []
    for line, row in records:
        if not any(row):
            continue  # a blank line
        report.rows += 1
        if len(row) != len(header):
            raise DataError(src, f"line {line}", f"{len(row)} fields where the header has {len(header)}")

        def cell(name, _row=row):
            return _row[col[name]].strip()

        if "country" in by_field and cell(by_field["country"][0]) not in ("Mali", ""):
            report.dropped["country is not Mali"] += 1
            continue
        kind_col = by_field["event_type"][0]
        kind = cell(kind_col)
        if kind not in types.index:
            raise DataError(src, f"line {line}", f"column {kind_col}: {kind!r} is not one of "
                            f"{', '.join(types.index)}")
        compared = types.at[kind, "compared_as"]
        date_col = by_field["date"][0]
        day = _date(cell(date_col), fmt, src, line, date_col)
        if not compared:
            report.dropped[f"event type not simulated: {kind}"] += 1
            continue
        fat_col = by_field["fatalities"][0]
        fatalities = _count(cell(fat_col), src, line, fat_col)
        sides = [_side([cell(c) for c in by_field["actor"] if _is_side(c, s)], report) for s in (1, 2)]
        region = cell(by_field["admin1"][0])
        admin1 = vocab.admin1_of(region)
        if admin1 is None:
            report.unknown_regions[region] += 1
            admin1 = region
        rows.append((day, compared, admin1, *sides, fatalities))
    report.kept = len(rows)
    events = pd.DataFrame(rows, columns=list(COMPARED))
    events["date"] = pd.to_datetime(events["date"])
    return events, report


def _is_side(column: str, side: int) -> bool:
    """actor1 / assoc_actor_1 / side_a are side 1; actor2 / assoc_actor_2 / side_b are side 2."""
    return column.endswith(("1", "_a")) if side == 1 else column.endswith(("2", "_b"))


def _side(names: list[str], report: ReadReport) -> str:
    """The model actors among an event side's names (ACLED's associated actors are separated by "; ")."""
    actors = []
    for name in (n.strip() for cell in names for n in cell.split(";")):
        if not name:
            continue
        actor = vocab.actor_of(name)
        if actor is None:
            report.unmapped_actors[name] += 1
        elif actor not in actors:
            actors.append(actor)
    return "/".join(actors)


def _date(text: str, fmt: str, src: str, line: int, column: str) -> date:
    if fmt == "ucdp" and ISO_DAY.match(text):
        text = text[:10]  # GED writes date_start as "2023-09-12" or "2023-09-12 00:00:00.000"
    for pattern in ACLED_DATE_FORMATS if fmt == "acled" else ("%Y-%m-%d",):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            pass
    allowed = "YYYY-MM-DD or '12 September 2023'" if fmt == "acled" else "YYYY-MM-DD"
    raise DataError(src, f"line {line}", f"column {column}: {text!r} is not a date; expected {allowed}")


def _count(text: str, src: str, line: int, column: str) -> int:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value < 0 or value != int(value):
        raise DataError(src, f"line {line}", f"column {column}: {text!r} is not a whole number >= 0")
    return int(value)


def simulated(events: pd.DataFrame) -> pd.DataFrame:
    """A run's event log (``RunResult.events``) in the compared layout, before its types are mapped to a format."""
    admin1 = [vocab.admin1_of(r) or r for r in events["admin1"]]
    return pd.DataFrame({"date": pd.to_datetime(events["event_date"]), "event_type": events["event_type"].to_numpy(),
                         "admin1": admin1, "side1": events["actor1"].to_numpy(),
                         "side2": events["actor2"].to_numpy(),
                         "fatalities": events["fatalities"].astype(int).to_numpy()})


def to_acled(events: pd.DataFrame, source: str) -> pd.DataFrame:
    """A run's event log laid out as an ACLED export (model actors under their ACLED names), e.g. as synthetic data."""
    names = vocab.acled_names()

    def side(actors: str) -> tuple[str, str]:
        full = [names[a] for a in actors.split("/") if a]
        return (full[0] if full else ""), "; ".join(full[1:])

    a1 = [side(a) for a in events["actor1"]]
    a2 = [side(a) for a in events["actor2"]]
    dates = pd.to_datetime(events["event_date"])
    return pd.DataFrame({
        "event_id_cnty": [f"MLI{i + 1}" for i in range(len(events))], "event_date": dates.dt.strftime("%Y-%m-%d"),
        "year": dates.dt.year, "event_type": events["event_type"], "sub_event_type": events["sub_event_type"],
        "actor1": [a for a, _ in a1], "assoc_actor_1": [b for _, b in a1],
        "actor2": [a for a, _ in a2], "assoc_actor_2": [b for _, b in a2],
        "civilian_targeting": events["civilian_targeting"], "iso": 466, "country": "Mali",
        "admin1": events["admin1"], "location": events["location"], "latitude": events["latitude"],
        "longitude": events["longitude"], "source": source, "fatalities": events["fatalities"]})
