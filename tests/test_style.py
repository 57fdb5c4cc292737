"""The shared look: plain labels for every metric, a palette that tells the army from the UN, no town named in code."""

import colorsys
import re
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.colors import to_rgb

from vacuum_sim.factions import CONTROL_LABELS, ZONES
from vacuum_sim.model.metrics import METRICS
from vacuum_sim.views import style

VIEWS = Path(style.__file__).parent
CODE_NAME = re.compile(r"\b[a-z]+_[a-z0-9_]+\b|\b(?:frac|n|cum|new|mean)_")


def test_every_metric_has_a_plain_label():
    shares = [f"frac_towns_{c}_{z}" for c in CONTROL_LABELS for z in ZONES]
    labels = {name: style.metric_label(name) for name in (*METRICS, *shares)}
    for name, label in labels.items():
        assert not CODE_NAME.search(label), (name, label)
        assert label and label != name
    assert len(set(labels.values())) == len(labels)  # no two metrics read the same
    assert style.metric_label("frac_towns_JNIM_centre") == "share of central towns held by JNIM"
    assert style.metric_label("n_vacated_held_state") == "vacated UN camps held by the army or Wagner"


def test_an_unknown_metric_is_refused_rather_than_shown_by_its_code_name():
    for name in ("n_towns_Hamas_north", "frac_towns_JNIM_east", "speed_of_light"):
        with pytest.raises(KeyError, match=name):
            style.metric_label(name)


def luminance(colour: str) -> float:
    """WCAG relative luminance."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_army_and_un_colours_are_not_two_blues():
    army, un = style.COLOURS["FAMa"], style.COLOURS["UN"]
    hues = [colorsys.rgb_to_hls(*to_rgb(c))[0] * 360 for c in (army, un)]
    assert abs(hues[0] - hues[1]) >= 45  # different hues: purple against sky blue
    light, dark = sorted((luminance(army), luminance(un)), reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 3  # and apart in lightness (WCAG contrast for graphics), for colour-blind readers
    controllers = [style.COLOURS[c] for c in (*CONTROL_LABELS, "after_UN")]
    assert len(set(controllers)) == len(controllers)


def test_every_acronym_in_a_legend_label_is_spelled_out():
    for who, label in style.LABELS.items():
        assert not style.unexplained([label]), (who, label)
    assert style.unexplained(["held by JNIM", "reported (CTP)"]) == ["JNIM", "CTP"]
    assert style.unexplained(["held by JNIM", "JNIM (al-Qaeda's Sahel affiliate)"]) == []


def test_no_town_is_named_in_the_figure_code():
    """Zones, labels and map layers come from the towns table, so renaming or moving a town needs no code change."""
    towns = pd.read_csv(VIEWS.parent / "inputs" / "data" / "towns.csv")["name"]
    for module in ("style.py", "basemap.py", "maps.py", "run_figures.py", "sweep_figures.py", "animate.py"):
        source = (VIEWS / module).read_text(encoding="utf-8")
        named = [t for t in towns if re.search(rf"\b{re.escape(t)}\b", source)]
        assert not named, (module, named)


def test_numbers_read_as_a_person_writes_them():
    assert [style.number_text(v) for v in (12449.0, 2813.7, 0.05555, 0.0)] == ["12,400", "2,810", "0.0556", "0"]
    assert [style.level_text(v) for v in (12000, 0.85, 6830.4)] == ["12,000", "0.85", "6,830"]
    assert style.param_label("fama_manpower").endswith("(personnel)")
    assert "(share)" not in style.param_label("reclaim_weight")
