#!/usr/bin/env bash
# Build the knowbe4-connector wheel, install it into .venv, and run the
# Python test suite against the INSTALLED wheel (never the source tree).
# Exits non-zero on any failure. Respects CARGO_TARGET_DIR and PYTHON.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
PYTHON=${PYTHON:-python3}
VENV=$ROOT/.venv
started=$(date +%s)

step() { printf '\n== %s (%ss)\n' "$1" "$(($(date +%s) - started))"; }

step "virtualenv and tools"
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "maturin>=1.9.4,<2" "pytest>=7" "mypy>=1.10"

step "knowbe4 CLI (the tests' simulator and Turbine reference)"
cargo build --quiet -p knowbe4-cli

step "wheel"
WHEEL_DIR=$ROOT/dist
mkdir -p "$WHEEL_DIR"
rm -f "$WHEEL_DIR"/knowbe4_connector-*.whl
"$VENV/bin/maturin" build --release --quiet -o "$WHEEL_DIR"
wheels=("$WHEEL_DIR"/knowbe4_connector-*.whl)
if [ "${#wheels[@]}" -ne 1 ]; then
    echo "expected one wheel in $WHEEL_DIR, found: ${wheels[*]}" >&2
    exit 1
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    --force-reinstall --no-deps "${wheels[0]}"

step "pytest against the installed wheel"
export KNOWBE4_BIN=$TARGET_DIR/debug/knowbe4
# From tests/python the source package is not on sys.path, so the import is
# the installed wheel's; a test asserts it.
cd "$ROOT/tests/python"
"$VENV/bin/python" -m pytest -p no:cacheprovider -q "$@"

step "done"
