#!/usr/bin/env bash
# The package as a user gets it: build the wheel from the checkout's files, install it into a fresh venv and, from a
# folder outside the checkout, list the bundled scenarios, run one for 30 days, validate the scenario.toml that run
# wrote, and re-run that file with the same seed to identical tables.  Run by .ci/run (and `make wheel-check`).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/vacuum-sim-wheel.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "wheel-check: $*" >&2; exit 1; }

py=$("$repo/scripts/find_python.sh")
echo "wheel-check: copying the checkout's files (tracked and new, not ignored) to $work/src"
mkdir "$work/src"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard | tar --null -T - --ignore-failed-read -cf -) \
  | tar -xf - -C "$work/src"
echo "wheel-check: creating a fresh venv with $py ($("$py" -V))"
"$py" -m venv "$work/venv"
pip=("$work/venv/bin/python" -m pip --quiet --disable-pip-version-check)
echo "wheel-check: building the wheel"
"${pip[@]}" wheel --no-deps -w "$work/dist" "$work/src"
wheel=$(ls "$work"/dist/vacuum_sim-*.whl)
echo "wheel-check: installing $(basename "$wheel") and its dependencies into the fresh venv"
"${pip[@]}" install "$wheel"

mkdir "$work/elsewhere"
cd "$work/elsewhere"
vs="$work/venv/bin/vacuum-sim"
where=$("$work/venv/bin/python" -c 'import vacuum_sim; print(vacuum_sim.__file__)')
[[ "$where" == "$work/venv/"* ]] || fail "vacuum_sim was imported from $where, not from the fresh venv"

echo "wheel-check: vacuum-sim scenarios"
listed=$("$vs" scenarios | awk '{print $1}')
expected=$(cd "$repo/scenarios" && ls -- *.toml | sed 's/\.toml$//')
[ "$listed" = "$expected" ] || fail "scenarios listed: [$listed]; expected the bundled ones: [$expected]"
[ "$(wc -l <<<"$listed")" -eq 9 ] || fail "expected the nine bundled scenarios, got $(wc -l <<<"$listed")"

echo "wheel-check: vacuum-sim run historical_2023 --days 30, validate its scenario.toml, re-run it with the same seed"
"$vs" run historical_2023 --days 30 --out first >/dev/null
for f in metrics.csv control.csv events.csv towns.csv scenario.toml metadata.json figures/control_maps.png \
         figures/control.gif; do
  [ -s "first/$f" ] || fail "the 30-day run did not write first/$f"
done
"$vs" validate first/scenario.toml
"$vs" run first/scenario.toml --seed 0 --out again --no-figures >/dev/null
for t in metrics control events towns; do
  cmp -s "first/$t.csv" "again/$t.csv" || fail "$t.csv differs when first/scenario.toml is re-run with the same seed"
done
echo "wheel-check: ok: nine scenarios listed, a 30-day run written, its scenario.toml validated and re-run identically"
