"""The map's data: every corridor sourced and distinct, lengths no shorter than the straight line, the groups able to
move where they operated before 2023 (the western Sahel belt), and the counts the docs state."""

from __future__ import annotations

import csv
import math
import re
import shutil
from pathlib import Path

import networkx as nx
import pytest

from vacuum_sim.inputs.geography import MapError, data_dir, load_map
from vacuum_sim.inputs.params import BY_NAME

ROOT = Path(__file__).resolve().parent.parent
DATA = data_dir()
CITATION = re.compile(r"\bS\d+\b|\bSEED\b")
# Katiba Macina's delta and Méma footholds, and the belt towards Mauritania and Senegal where JNIM attacked before
# 2023 (Nara 2015, Diéma 2020, Sokolo 2020 and 2022, Kolokani and Kaloumba 2022 [S184-S189]).
DELTA = ("Ténenkou", "Dioura", "Diabaly", "Nampala")
BELT = ("Nara", "Nioro du Sahel", "Diéma", "Kayes")


def rows(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def listed_sources() -> set[str]:
    text = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| (S\d+|SEED) \|", text, flags=re.MULTILINE))


def great_circle_km(a: dict, b: dict) -> float:
    p1, p2 = math.radians(a["lat"]), math.radians(b["lat"])
    dlon = math.radians(b["lon"] - a["lon"])
    return 6371 * math.acos(min(1.0, math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dlon)))


def test_every_corridor_and_foothold_cites_a_listed_source():
    listed = listed_sources()
    for name, field in (("corridors.csv", "sources"), ("armed_groups.csv", "source")):
        for i, r in enumerate(rows(name), start=2):
            cited = set(CITATION.findall(r[field]))
            if name == "armed_groups.csv" and r[field].startswith("assumption"):
                continue  # footholds the sources do not place are marked as assumptions
            assert cited, f"{name} row {i} cites no source: {r[field]!r}"
            assert cited <= listed, f"{name} row {i} cites {sorted(cited - listed)}, not in SOURCES.md"


def test_no_corridor_is_listed_twice():
    seen = {}
    for i, r in enumerate(rows("corridors.csv"), start=2):
        key = (frozenset((r["source"], r["target"])), r["kind"])
        assert r["source"] != r["target"], f"row {i} joins {r['source']} to itself"
        assert key not in seen, f"row {i} repeats row {seen.get(key)}: {r['source']}–{r['target']} ({r['kind']})"
        seen[key] = i


def _broken_map(tmp_path, edit) -> Path:
    d = tmp_path / "data"
    shutil.copytree(DATA, d)
    path = d / "corridors.csv"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return d


@pytest.mark.parametrize("edit, message", [
    (lambda t: t + "Kayes,Diéma,paved,265,RN1 again,reported,S180\n", "duplicate paved corridor Kayes–Diéma"),
    (lambda t: t + "Kayes,Kayes,track,10,loop,reported,S0\n", "two different towns"),
    (lambda t: t.replace(",S128\n", ",\n", 1), "sources is empty"),
])
def test_the_loader_refuses_duplicate_looping_or_unsourced_corridors(tmp_path, edit, message):
    with pytest.raises(MapError, match=message):
        load_map(_broken_map(tmp_path, edit))


def test_no_corridor_is_shorter_than_the_straight_line_unless_flagged():
    mali = load_map()
    towns = {d["name"]: d for _, d in mali.graph.nodes(data=True)}
    for r in rows("corridors.csv"):
        straight = great_circle_km(towns[r["source"]], towns[r["target"]])
        if float(r["km"]) < 0.97 * straight:
            assert "shorter than great-circle" in r["distance_method"], \
                f"{r['source']}–{r['target']}: {r['km']} km but {straight:.0f} km in a straight line, unflagged"


@pytest.mark.parametrize("origin", DELTA)
@pytest.mark.parametrize("town", BELT)
def test_the_western_belt_is_reachable_from_the_delta_without_a_detour_through_bamako(origin, town):
    """Before the belt corridors, Diabaly to Nara went via Niono, Ségou, Bamako and Kati: 771 km, 5.2 times the
    straight line; from the delta every belt town is now a few corridors and days away on a near-direct route."""
    mali = load_map()
    g = mali.graph
    speed = {k: BY_NAME[f"speed_{k}"].default for k in ("paved", "track", "seasonal", "river")}
    for _, _, d in g.edges(data=True):
        d["km"] = min(km for _, km in d["modes"])
        d["days"] = min(km / speed[kind] for kind, km in d["modes"])
    a, b = mali.node(origin), mali.node(town)
    km = nx.shortest_path_length(g, a, b, weight="km")
    assert nx.shortest_path_length(g, a, b) <= 6
    assert nx.shortest_path_length(g, a, b, weight="days") <= 8
    assert km <= 1.8 * great_circle_km(g.nodes[a], g.nodes[b])
    assert mali.node("Bamako") not in nx.shortest_path(g, a, b, weight="km")


def test_the_docs_state_the_map_as_shipped():
    mali = load_map()
    corridors = rows("corridors.csv")
    n_towns, n_corridors = mali.graph.number_of_nodes(), len(corridors)
    n_pairs = len({frozenset((r["source"], r["target"])) for r in corridors})
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    model = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    data = (DATA / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"\bamong {n_towns} towns\b", readme)
    assert re.search(rf"\): {n_towns} towns and\b", model)
    assert f"{n_corridors} corridors ({n_pairs} town pairs;" in model
    for name, n in (("towns.csv", n_towns), ("corridors.csv", n_corridors), ("un_sites.csv", len(rows("un_sites.csv"))),
                    ("armed_groups.csv", len(rows("armed_groups.csv")))):
        assert f"| `{name}` | {n} |" in data, f"data/README.md row count of {name}"
    methods = [r["distance_method"] for r in corridors]
    reported = sum(m.startswith("reported") for m in methods)
    derived = sum(m.startswith("derived") for m in methods)
    unverified = sum("unverified" in r["sources"] for r in corridors)
    assert f"{reported} distances reported, {derived} derived from reported distances" in data
    assert f"{unverified} rows say `unverified`" in data
    bases = sum(r["garrison_at_start"] == "yes" for r in rows("towns.csv"))
    assert f"({bases} bases × {BY_NAME['garrison_size'].default:.0f})" in model
