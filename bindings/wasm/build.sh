#!/usr/bin/env bash
# Build the wasm package: bindings/wasm/pkg/node (CommonJS, for Node) and
# bindings/wasm/pkg/web (an ES module with an async init, for browsers,
# Deno and workers). Prints the .wasm size raw and gzipped.
#
# Env: CARGO_TARGET_DIR (default <repo>/target-wasm), SKIP_WASM_OPT=1.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target-wasm}"
crate=knowbe4_connector_wasm

# The wasm-bindgen CLI must be exactly the version of the wasm-bindgen crate
# in Cargo.lock: the two share a schema and refuse to work across versions.
want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)"
if [[ -z "$want" ]]; then
  echo "build.sh: no wasm-bindgen in Cargo.lock" >&2
  exit 1
fi
have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
if [[ "$have" != "$want" ]]; then
  echo "build.sh: installing wasm-bindgen-cli $want (found: ${have:-none})" >&2
  cargo install wasm-bindgen-cli --version "$want"
fi

# Size over speed: the work is I/O-bound and the .wasm is downloaded by
# browsers. Set here, not in the workspace profile, so native builds keep
# theirs. panic=abort is what wasm32-unknown-unknown does on stable Rust
# anyway (unwinding needs nightly exception-handling support); saying it
# keeps the profile honest. Panics are handled in src/panic.rs.
export CARGO_PROFILE_RELEASE_OPT_LEVEL=z
export CARGO_PROFILE_RELEASE_LTO=true
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1
export CARGO_PROFILE_RELEASE_PANIC=abort
export CARGO_PROFILE_RELEASE_STRIP=debuginfo
cargo build --release --target wasm32-unknown-unknown -p knowbe4-connector-wasm

wasm="$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/$crate.wasm"
version="$(awk -F'"' '/^\[workspace.package\]/ { ws = 1 } ws && /^version/ { print $2; exit }' Cargo.toml)"

rm -rf "$here/pkg"
for target in node web; do
  out="$here/pkg/$target"
  flag=$([[ $target == node ]] && echo nodejs || echo web)
  # The name section (function names for stack traces) is a quarter of the
  # file; panic messages are strings and survive without it.
  wasm-bindgen --target "$flag" --out-dir "$out" --out-name "$crate" \
    --remove-name-section --remove-producers-section "$wasm"
  if [[ -z "${SKIP_WASM_OPT:-}" ]] && command -v wasm-opt >/dev/null; then
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
      --enable-sign-ext --enable-mutable-globals --enable-reference-types \
      "$out/${crate}_bg.wasm" -o "$out/${crate}_bg.wasm"
  fi
  # package.json from the template: name, version and entry points.
  node - "$here/package.template.json" "$out/package.json" "$target" "$version" "$crate" <<'JS'
const fs = require("fs");
const [template, dest, target, version, crate] = process.argv.slice(2);
const pkg = JSON.parse(fs.readFileSync(template, "utf8"));
pkg.version = version;
pkg.main = `${crate}.js`;
pkg.types = `${crate}.d.ts`;
pkg.files = [`${crate}.js`, `${crate}.d.ts`, `${crate}_bg.wasm`, `${crate}_bg.wasm.d.ts`];
if (target === "web") {
  pkg.type = "module";
  pkg.module = pkg.main;
  pkg.files.push("snippets");
  pkg.sideEffects = [`./${crate}.js`, "./snippets/*"];
}
fs.writeFileSync(dest, JSON.stringify(pkg, null, 2) + "\n");
JS
  cp "$here/README.md" "$out/README.md"
done

bytes=$(wc -c < "$here/pkg/node/${crate}_bg.wasm")
gz=$(gzip -9 -c "$here/pkg/node/${crate}_bg.wasm" | wc -c)
echo "wasm size: $bytes bytes raw, $gz bytes gzipped (gzip -9): bindings/wasm/pkg/*/${crate}_bg.wasm"
