#!/usr/bin/env bash
# CI for the wasm binding, from a fresh machine with Rust, Node >= 20 and npm:
# build the package, build the simulator the tests start, run the JS tests
# against the built package. Run from anywhere; exits non-zero on failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

rustup target add wasm32-unknown-unknown
# build.sh installs the wasm-bindgen CLI pinned to Cargo.lock when missing.
"$here/build.sh"
cargo clippy -p knowbe4-connector-wasm --target wasm32-unknown-unknown \
  --target-dir "${CARGO_TARGET_DIR:-$root/target-wasm}" -- -D warnings
# The tests start the simulator: target/debug/knowbe4.
cargo build -p knowbe4-cli
(cd "$here" && npm ci --no-audit --no-fund)
node --test "$here/tests/"
