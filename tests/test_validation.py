"""The validation report (`vacuum-sim validate-patterns`): its numbers equal a direct computation from the runs,
the pattern measures mean what they say, and docs/validation.md names the command that generated it."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import vacuum_sim
from vacuum_sim import cli
from vacuum_sim.inputs.params import BY_NAME
from vacuum_sim.observed.patterns import PatternError, load_patterns, pattern_value
from vacuum_sim.sweeps.validation import _reason, check_sensitivity, report, run_validation

DOCS = Path(__file__).parents[1] / "docs" / "validation.md"
# One key parameter, made here rather than read from sensitivity_2023.csv, whose rows follow the model's levers
KEY = pd.DataFrame({"parameter": ["jnim_attack_rate"], "low": ["0.005"], "high": ["0.08"],
                    "patterns": ["deaths_jun_oct joint_strikes_oct"], "why": ["test"]})


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("−", "-").replace("±", ""))


def _rows(text: str, header: str) -> list[list[str]]:
    """The cells of the Markdown table under ``header``."""
    section = text.split(header, 1)[1].split("\n## ", 1)[0]
    lines = [ln for ln in section.splitlines() if ln.startswith("| ") and not ln.startswith("| pattern")]
    return [[c.strip() for c in ln.strip("|").split("|")] for ln in lines]


@pytest.fixture(scope="module")
def small():
    """3 replicates to 25 October 2023 (the patterns that end by then), and one key parameter on 2 seeds."""
    patterns = load_patterns(held_out=True)
    patterns = patterns[patterns["end"] <= "2023-10-31"].reset_index(drop=True)
    sensitivity = check_sensitivity(KEY, patterns, "test")
    v = run_validation(3, 2, workers=2, patterns=patterns, sensitivity=sensitivity)
    return v, report(v, "vacuum-sim validate-patterns --replicates 3 (test)")


def _direct(days: int, seeds, overrides=None) -> list[dict]:
    """Every pattern's value, computed from runs made here with the public API."""
    patterns = load_patterns(held_out=True)
    out = []
    for seed in seeds:
        r = vacuum_sim.run("historical_2023", seed=seed, days=days, overrides=overrides)
        out.append({p.name: pattern_value(p, r.metrics, r.events, r.control) for p in patterns.itertuples()})
    return out


def test_the_report_equals_a_direct_computation_from_the_runs(small):
    v, text = small
    assert v.days == (pd.Timestamp("2023-10-25") - pd.Timestamp("2023-04-01")).days + 1
    direct = pd.DataFrame(_direct(v.days, v.seeds))
    names = list(v.patterns["name"])
    runs = v.values[v.values["parameter"] == ""].reset_index(drop=True)
    assert runs["seed"].tolist() == [0, 1, 2]
    pd.testing.assert_frame_equal(runs[names], direct[names])  # the pool's runs, in seed order, are these runs

    rows = {r[0].strip("`"): r for r in _rows(text, "## Patterns")}
    assert list(rows) == names
    for p in v.patterns.itertuples():
        x = direct[p.name].to_numpy()
        _, _, measure, fitted, median, band, inside, verdict = rows[p.name]
        assert _number(median) == pytest.approx(np.median(x), abs=0.05)
        lo, hi = band.split("–")
        assert (_number(lo), _number(hi)) == pytest.approx(tuple(np.quantile(x, [0.1, 0.9])), abs=0.05)
        share = np.mean([(np.isnan(p.low) or y >= p.low) and (np.isnan(p.high) or y <= p.high) for y in x])
        assert _number(inside.rstrip("%")) == round(100 * share)
        assert verdict == ("**reproduced**" if share >= 0.6 else "**missed**")
        assert fitted == p.fitted and p.start.date().isoformat() in measure

    misses = text.split("## Misses", 1)[1].split("\n## ", 1)[0] if "## Misses" in text else ""
    missed = [n for n in names if rows[n][-1] == "**missed**"]
    assert re.findall(r"^- `(\w+)`", misses, flags=re.MULTILINE) == missed
    assert misses.count("What moves it:") == len(missed)


def test_each_miss_says_whether_a_key_parameter_reaches_the_observed_range(small):
    """From the sensitivity runs: a key parameter's plausible value that brings the median inside is named."""
    v, text = small
    misses = dict(re.findall(r"^- `(\w+)`:.*\n  What moves it: (.*)$", text, flags=re.MULTILINE))
    by_name = {p.name: p for p in v.patterns.itertuples()}
    runs = v.values[v.values["parameter"] == ""]
    for name, said in misses.items():
        p = by_name[name]

        def inside(x, p=p):
            return (np.isnan(p.low) or x >= p.low) and (np.isnan(p.high) or x <= p.high)

        if inside(runs[name].median()):
            assert said.startswith("nothing to move")
            continue
        if name not in KEY.loc[0, "patterns"].split():
            assert "no key parameter" in said
            continue
        at = v.values[v.values["parameter"] == "jnim_attack_rate"]
        reached = [level for level in ("low", "high") if inside(at.loc[at["level"] == level, name].median())]
        assert ("question of calibration" in said) == bool(reached), said
        for level in reached:
            assert f"`jnim_attack_rate` = {KEY.loc[0, level]} ({level})" in said


def test_a_count_missed_by_its_spread_is_set_against_a_poisson_count():
    """A count whose median is inside a narrow range: the reason gives the share a Poisson count with the same mean
    would put inside (2-3 around a mean of 2.5: e^-2.5 (2.5²/2 + 2.5³/6) = 47 %); a non-count says only 'spread'."""
    p = pd.Series({"low": 2.0, "high": 3.0})
    counts = np.array([0, 1, 2, 2, 3, 5, 6, 1])  # mean 2.5, median 2, 3 of 8 inside
    said = _reason(p, counts, 3 / 8)
    assert "only 38% of the replicates" in said and "mean, 2.5, would fall inside in 47%" in said
    assert "Poisson" not in _reason(p, counts + 0.5, 3 / 8)


def test_a_sensitivity_row_must_name_a_parameter_of_the_model():
    patterns = load_patterns(held_out=True)
    bad = KEY.assign(parameter="no_such_lever")
    with pytest.raises(PatternError, match=r"^test: no_such_lever.parameter: not a parameter of the model"):
        check_sensitivity(bad, patterns, "test")
    with pytest.raises(PatternError, match=r"^test: jnim_attack_rate.patterns: nowhere"):
        check_sensitivity(KEY.assign(patterns="nowhere"), patterns, "test")


def test_the_sensitivity_shifts_equal_a_direct_computation(small):
    v, text = small
    default = pd.DataFrame(_direct(v.days, v.sensitivity_seeds))
    low = pd.DataFrame(_direct(v.days, v.sensitivity_seeds, {"jnim_attack_rate": 0.005}))
    high = pd.DataFrame(_direct(v.days, v.sensitivity_seeds, {"jnim_attack_rate": 0.08}))
    rows = _rows(text, "## Sensitivity")
    keyed = v.sensitivity.loc[0, "patterns"].split()  # the patterns jnim_attack_rate is a key parameter of
    shown = [r for r in rows if r[1].startswith("`jnim_attack_rate`")]
    assert [r[0].strip("`") for r in shown] == keyed
    for name, (_, parameter, at_default, at_low, at_high) in zip(keyed, shown, strict=True):
        assert parameter == f"`jnim_attack_rate` = {BY_NAME['jnim_attack_rate'].default:g}"
        assert _number(at_default) == pytest.approx(default[name].median())
        for cell, runs, value in ((at_low, low, "0.005"), (at_high, high, "0.08")):
            m = re.fullmatch(r"([\d.]+): ([\d,.]+) \((\S+)\)", cell)
            assert m and m[1] == value
            assert _number(m[2]) == pytest.approx(runs[name].median(), abs=0.05)
            assert _number(m[3]) == pytest.approx(runs[name].median() - default[name].median(), abs=0.05)


def test_the_header_says_how_the_report_was_made(small):
    _, text = small
    header = text.split("## How to read it", 1)[0]
    for needed in ("vacuum-sim validate-patterns --replicates 3", f"Package version {vacuum_sim.__version__}",
                   "git commit", "Seeds 0–2 (3 replicates)", "seeds 0–1 (2 replicates)", "Generated 20"):
        assert needed in header


def test_the_measures_on_hand_made_tables():
    """Two joint strikes as the seed counts them (same town, same or next day); a capture from the army only."""
    p = {r.name: r for r in load_patterns(held_out=True).itertuples()}
    ied, battle = "Explosions/Remote violence", "Battles"
    events = pd.DataFrame([
        ("2023-10-03", battle, "CSP", "FAMa", "Tarkint"), ("2023-10-03", ied, "JNIM", "FAMa/Wagner", "Tarkint"),
        ("2023-10-04", ied, "JNIM", "FAMa", "Anéfis"), ("2023-10-05", battle, "CSP", "FAMa/Wagner", "Anéfis"),
        ("2023-10-10", battle, "JNIM", "CSP", "Kidal"), ("2023-10-10", battle, "CSP", "JNIM", "Kidal"),  # each other
        ("2023-10-12", battle, "JNIM", "FAMa", "Gao"), ("2023-10-14", battle, "CSP", "FAMa", "Gao"),  # two days apart
        ("2023-09-30", battle, "JNIM", "FAMa", "Ber"), ("2023-09-30", battle, "CSP", "FAMa", "Ber"),  # before October
    ], columns=["event_date", "event_type", "actor1", "actor2", "location"]).assign(sub_event_type="", fatalities=0)
    assert pattern_value(p["joint_strikes_oct"], None, events, None) == 2
    days = pd.date_range("2023-09-01", "2023-09-05")
    control = pd.DataFrame({"Léré": ["contested", "contested", "CSP", "CSP", "CSP"],  # never held by the army
                            "Bamba": ["FAMa", "contested", "contested", "CSP", "CSP"],  # taken from the army
                            "Kidal": ["CSP", "contested", "CSP", "CSP", "CSP"]}, index=days)  # retaken from nobody
    assert pattern_value(p["csp_takeovers_sep_oct"], None, None, control) == 1
    # Abuses by the army or Wagner, alone or joint, in the north in the window; none in an empty window.
    vac = "Violence against civilians"
    abuses = pd.DataFrame([
        ("2023-10-06", vac, "Wagner", "Civilians", "Kidal"), ("2023-10-07", vac, "FAMa/Wagner", "Civilians", "Gao"),
        ("2023-10-08", vac, "JNIM", "Civilians", "Gao"), ("2023-10-09", vac, "FAMa", "Civilians", "Mopti"),  # centre
        ("2023-11-01", vac, "FAMa", "Civilians", "Gao"),  # after the window
    ], columns=["event_date", "event_type", "actor1", "actor2", "location"]).assign(sub_event_type="", fatalities=1)
    assert pattern_value(p["state_atrocities_oct"], None, abuses, None) == 2
    assert pattern_value(p["state_atrocities_oct"], None, abuses.iloc[2:], None) == 0  # JNIM, centre, November
    assert pattern_value(p["state_atrocities_oct"], None, abuses.iloc[4:], None) == 0  # nothing in the window
    # Deaths *by* a side count only the events it started: the army's abuses (1 + 2 dead), not JNIM's attack on it.
    by = abuses.assign(event_date="2023-10-06", fatalities=[1, 2, 4, 8, 16])
    by.loc[2, ["actor1", "actor2"]] = ["JNIM", "FAMa"]
    assert pattern_value(p["deaths_by_state_12m_to_may24"], None, by, None) == 1 + 2 + 8 + 16
    assert pattern_value(p["deaths_by_groups_12m_to_may24"], None, by, None) == 4
    assert pattern_value(p["deaths_12m_to_may24"], None, by, None) == 31


def test_bad_input_is_refused_before_any_run(tmp_path, capsys):
    for argv, named in ((["--replicates", "3", "--sensitivity-replicates", "5"], "--sensitivity-replicates"),
                        (["--out", str(tmp_path / "missing" / "v.md")], "--out"),
                        (["--out", str(tmp_path)], "--out")):
        assert cli.main(["validate-patterns", *argv]) == cli.EXIT_BAD_INPUT
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and named in err
    assert list(tmp_path.iterdir()) == []


def test_docs_validation_names_the_command_that_generated_it():
    text = DOCS.read_text(encoding="utf-8")
    command = re.search(r"Generated by `(vacuum-sim validate-patterns[^`]*)`", text)
    assert command, "docs/validation.md must name the command that generated it"
    args = cli.parser().parse_args(command[1].split()[1:])
    assert args.func is cli._validate_patterns and Path(args.out) == Path("docs/validation.md")
    assert f"Seeds 0–{args.replicates - 1} ({args.replicates} replicates)" in text
    if args.sensitivity_replicates:
        assert f"seeds 0–{args.sensitivity_replicates - 1} ({args.sensitivity_replicates} replicates)" in text
    shown = [r[0].strip("`") for r in _rows(text, "## Patterns")]
    assert shown == list(load_patterns(held_out=True)["name"]), "regenerate docs/validation.md: the patterns changed"
