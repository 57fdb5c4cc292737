#!/usr/bin/env bash
# Create .venv with a Python >= 3.12 and install vacuum-sim with everything the tests need; says each step it takes.
# Finds the interpreter with scripts/find_python.sh ($PYTHON, then python3.13/3.12/python3 on PATH, then pyenv's).
# With --browser, also installs Debian's Chromium for the app's browser test (needs root; skipped when present).
set -euo pipefail
cd "$(dirname "$0")/.."

ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; }

if [ ! -x .venv/bin/python ] || ! ok .venv/bin/python; then
  py=$(scripts/find_python.sh)
  echo "setup: creating .venv with $py ($("$py" -V))"
  rm -rf .venv
  "$py" -m venv .venv
fi
stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: upgrading pip in .venv"
  .venv/bin/python -m pip install --quiet --upgrade pip
  echo "setup: installing vacuum-sim (editable) into .venv with its dev extra: app, sweeps, data, tests, lint"
  .venv/bin/python -m pip install --quiet -e ".[dev]"
  touch "$stamp"
fi

# Playwright cannot download its own browsers here, so the browser test drives Debian's Chromium.
if [ "${1:-}" = "--browser" ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Chromium (Debian package) for the app's browser test"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "setup: the app's browser test needs /usr/bin/chromium; install it as root: apt-get install chromium" >&2
  fi
fi
