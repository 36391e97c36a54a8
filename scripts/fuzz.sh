#!/usr/bin/env bash
# Fuzz the response and Turbine-input parsers. Short by default (CI smoke):
#   bash scripts/fuzz.sh            # 20 s per target
#   bash scripts/fuzz.sh 3600       # an hour per target (a real campaign)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
for target in envelope turbine_input; do
    echo "== fuzz $target for ${seconds}s"
    cargo +nightly fuzz run "$target" -- -max_total_time="$seconds" -rss_limit_mb=2048 2>&1 \
        | grep -E "^(#[0-9]+ +DONE|Done|INFO: -max_total_time|==[0-9]+==|SUMMARY|thread .* panicked)" || true
    # cargo fuzz exits non-zero on a crash; pipefail carries it through grep.
done
