#!/usr/bin/env bash
# Compare `knowbe4 turbine` with Swimlane's reference runner (from PyPI) in a
# virtualenv of its own. Needs target/debug/knowbe4 (cargo build -p knowbe4-cli).
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.venv-reference
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check)
"${pip[@]}" "connector-def-runner==2.3.18" "pytest>=8"
# swimlane-core pins requests==2.28.0, which conflicts with the runner's pin;
# its I/O layer never imports requests, so it goes in without its pins.
"${pip[@]}" --no-deps "swimlane-core==1.1.1"
"$venv/bin/python" -m pytest -q tests/reference "$@"
