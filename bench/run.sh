#!/usr/bin/env bash
# The benchmark suite: one command, from the repo root, loopback only.
#
#   bash bench/run.sh                 # full run (~6-8 min once built)
#   BENCH_QUICK=1 bash bench/run.sh   # fewer repetitions, no unscaled-latency pull
#   BENCH_OUT=bench/results.md bash bench/run.sh   # also write the tables to a file
#
# Installs what it needs: maturin, requests and httpx into .venv, hyperfine
# via apt if possible (else a timed loop), the wheel of this checkout (built
# and installed into .venv), the release CLI (simulator), the Rust bench
# binary (bench/rust, its own workspace) and the wasm package (build.sh).
# Builds run one at a time. Not part of the tests.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
step() { printf '== %s\n' "$1" >&2; }

step "Python environment (.venv: maturin, requests, httpx)"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check \
    "maturin>=1.9.4,<2" requests httpx >&2

# The wheel and the wasm package are rebuilt every run (incremental builds:
# seconds when nothing changed), so the figures are always of this checkout.
step "wheel (maturin build --release), installed into .venv"
mkdir -p dist
rm -f dist/knowbe4_connector-*.whl
.venv/bin/maturin build --release --quiet -o dist >&2
.venv/bin/python -m pip install --quiet --disable-pip-version-check \
    --force-reinstall --no-deps dist/knowbe4_connector-*.whl >&2

if ! command -v hyperfine >/dev/null; then
    if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
        step "hyperfine (apt)"
        apt-get install -y -q hyperfine >/dev/null 2>&1 || echo "hyperfine unavailable: start-up timed with a loop" >&2
    fi
fi

step "release CLI (simulator)"
cargo build --release --quiet -p knowbe4-cli

step "Rust bench binary (bench/rust)"
cargo build --release --quiet --manifest-path bench/rust/Cargo.toml

step "wasm package (bindings/wasm/build.sh)"
bash bindings/wasm/build.sh >&2

step "benchmarks"
exec .venv/bin/python bench/bench.py
