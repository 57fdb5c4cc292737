"""The translation tables in ``observed/data/`` (see its README for their sources), read once.

Actors are matched by the longest listed prefix that ends at a word boundary, so
"Military Forces of Mali (2021-)" is the army and "ISWAP" is not "IS".  Region
names are matched without accents, case or a trailing "region".
"""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib.resources import files

import pandas as pd

FORMATS = ("acled", "ucdp")
FIELDS = ("date", "event_type", "actor", "admin1", "fatalities", "country")  # what the reader needs from a format


def _table(name: str) -> pd.DataFrame:
    with files("vacuum_sim.observed").joinpath("data", name).open(encoding="utf-8") as f:
        return pd.read_csv(f, dtype=str, keep_default_na=False)


@cache
def actor_prefixes() -> tuple[tuple[str, str], ...]:
    """(prefix, model actor), longest prefix first."""
    t = _table("actors.csv")
    return tuple(sorted(zip(t["prefix"], t["actor"]), key=lambda pa: -len(pa[0])))


def actor_of(name: str) -> str | None:
    """The model actor a data set's actor name stands for, or None if no listed prefix matches."""
    for prefix, actor in actor_prefixes():
        if name.startswith(prefix) and (len(name) == len(prefix) or not name[len(prefix)].isalnum()):
            return actor
    return None


@cache
def acled_names() -> dict[str, str]:
    """Model actor -> the full ACLED name written for it (to lay a run's events out as an ACLED export)."""
    t = _table("actors.csv")
    return {a: w for a, w in zip(t["actor"], t["write_as"]) if w}


def _plain(name: str) -> str:
    text = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold().strip()
    for suffix in (" region", " province"):
        text = text.removesuffix(suffix)
    return text.removeprefix("region de ").strip()


@cache
def _regions() -> dict[str, str]:
    t = _table("regions.csv")
    return {_plain(n): a for n, a in zip(t["name"], t["admin1"])}


def admin1_of(name: str) -> str | None:
    """The compared admin1 (Mali's ten regions of 2016) for a region name of any period or spelling, or None."""
    return _regions().get(_plain(name))


@cache
def regions() -> tuple[str, ...]:
    """Every compared admin1, in a fixed order."""
    return tuple(dict.fromkeys(_table("regions.csv")["admin1"]))


@cache
def columns(fmt: str) -> dict[str, str]:
    """A format's documented columns -> the field the reader takes from it ("" for columns it does not use)."""
    t = _table("columns.csv")
    t = t[t["format"] == fmt]
    return dict(zip(t["column"], t["field"]))


@cache
def event_types(fmt: str, side: str) -> pd.DataFrame:
    """How a format's event types (``side="observed"``) or the model's (``"simulated"``) are compared.

    Indexed by event type; ``compared_as`` is empty for a type that is not compared,
    ``min_fatalities`` is the fewest deaths an event needs to count (UCDP GED records deadly events only).
    """
    t = _table("event_types.csv")
    t = t[(t["format"] == fmt) & (t["side"] == side)]
    return t.set_index("event_type")[["compared_as", "min_fatalities"]].astype({"min_fatalities": int})


def compared_types(fmt: str) -> tuple[str, ...]:
    """The event types scored for data in this format."""
    return tuple(dict.fromkeys(t for t in event_types(fmt, "observed")["compared_as"] if t))
