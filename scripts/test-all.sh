#!/usr/bin/env bash
# Every test of the project, from a fresh clone: installs what it needs
# (Python virtualenvs, the wasm target, the pinned wasm-bindgen CLI, node
# packages) and exits non-zero on the first failure. `.ci/run` runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

section() { printf '\n== %s\n' "$*"; }

section "Rust: formatting and lints"
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings

section "Rust: core, simulator and CLI tests (real HTTP over loopback)"
cargo test

section "Fuzz smoke: response and Turbine-input parsers (bash scripts/fuzz.sh 3600 for a real run)"
bash scripts/fuzz.sh 20

section "Turbine: knowbe4 turbine vs Swimlane's reference runner, byte for byte"
bash tests/reference/run.sh

for binding in python wasm; do
    if [ -f "bindings/$binding/ci.sh" ]; then
        section "Bindings: $binding"
        bash "bindings/$binding/ci.sh"
    fi
done

section "All test suites passed"
