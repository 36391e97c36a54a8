#!/usr/bin/env bash
# The benchmark suite: one command, from the repo root, loopback only.
#
#   bash bench/run.sh                 # full run (~6-8 min once built)
#   BENCH_QUICK=1 bash bench/run.sh   # fewer repetitions, no unscaled-latency pull
#   BENCH_OUT=bench/results.md bash bench/run.sh   # also write the tables to a file
#
# Installs what it needs: requests + httpx into .venv, hyperfine via apt if
# possible (else a timed loop), the release CLI (simulator), the Rust bench
# binary (bench/rust, its own workspace), the wheel (bindings/python/ci.sh,
# only if .venv lacks knowbe4_connector) and the wasm package (build.sh, only
# if pkg/node is missing). Builds run one at a time. Not part of the tests.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
step() { printf '== %s\n' "$1" >&2; }

step "Python environment"
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c "import knowbe4_connector" 2>/dev/null; then
    step "building and installing the wheel (bindings/python/ci.sh)"
    bash bindings/python/ci.sh >&2
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check requests httpx >&2

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

if [ ! -f bindings/wasm/pkg/node/knowbe4_connector_wasm_bg.wasm ]; then
    step "wasm package (bindings/wasm/build.sh)"
    bash bindings/wasm/build.sh >&2
fi
if ! ls dist/knowbe4_connector-*.whl >/dev/null 2>&1; then
    step "wheel for the size row (maturin build)"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check "maturin>=1.9.4,<2" >&2
    .venv/bin/maturin build --release --quiet -o dist >&2
fi

step "benchmarks"
exec .venv/bin/python bench/bench.py
