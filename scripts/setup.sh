#!/usr/bin/env bash
# Create .venv with a Python >= 3.12 and install vacuum-sim with everything the tests need.
# Finds the interpreter by itself: $PYTHON, then python3.13/3.12/python3 on PATH, then pyenv's versions.
# With --browser, also installs Debian's Chromium for the app's browser test (needs root; skipped when present).
set -euo pipefail
cd "$(dirname "$0")/.."

ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; }

find_python() {
  local c
  for c in "${PYTHON:-}" python3.13 python3.12 python3; do
    [ -n "$c" ] && command -v "$c" >/dev/null 2>&1 && ok "$(command -v "$c")" && { command -v "$c"; return; }
  done
  local root="${PYENV_ROOT:-$HOME/.pyenv}"
  for c in $(ls -d "$root"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -V -r); do
    ok "$c" && { echo "$c"; return; }
  done
  return 1
}

if [ ! -x .venv/bin/python ] || ! ok .venv/bin/python; then
  if ! py=$(find_python); then
    echo "vacuum-sim needs Python >= 3.12 (Mesa 3.5 requires it) and none was found." >&2
    echo "Tried: \$PYTHON, python3.13, python3.12, python3 on PATH, and ${PYENV_ROOT:-$HOME/.pyenv}/versions/3.12+." >&2
    echo "Install one (e.g. 'pyenv install 3.12' or your OS package python3.12) or set PYTHON=/path/to/python3.12." >&2
    exit 1
  fi
  echo "setup: creating .venv with $py ($("$py" -V))"
  rm -rf .venv
  "$py" -m venv .venv
fi
stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
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
