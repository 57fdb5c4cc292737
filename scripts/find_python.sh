#!/usr/bin/env bash
# Print the path of a Python >= 3.12 (Mesa 3.5 requires it), or say what to install and exit 1.
# Looks at $PYTHON, then python3.13/3.12/python3 on PATH, then pyenv's versions. Used by setup.sh and .ci/run.
set -euo pipefail

ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; }

for c in "${PYTHON:-}" python3.13 python3.12 python3; do
  [ -n "$c" ] && command -v "$c" >/dev/null 2>&1 && ok "$(command -v "$c")" && { command -v "$c"; exit 0; }
done
root="${PYENV_ROOT:-$HOME/.pyenv}"
for c in $(ls -d "$root"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -V -r); do
  ok "$c" && { echo "$c"; exit 0; }
done
echo "vacuum-sim needs Python >= 3.12 (Mesa 3.5 requires it) and none was found." >&2
echo "Tried: \$PYTHON, python3.13, python3.12, python3 on PATH, and $root/versions/3.12+." >&2
echo "Install one (e.g. 'pyenv install 3.12' or your OS package python3.12) or set PYTHON=/path/to/python3.12." >&2
exit 1
