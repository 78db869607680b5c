#!/usr/bin/env bash
# Builds the package: `pkg/` (wasm-pack --target web: an ES module + .wasm + .d.ts).
#
# One build serves every runtime. Browsers and bundlers call `await init()` (the .wasm is fetched next to
# the module); Node 20 and workerd load the same .wasm with `initSync({ module })` (Node reads the file,
# workerd imports it as a WebAssembly.Module). wasm-opt comes from the binaryen npm package
# (node_modules/.bin on PATH); its flags are in Cargo.toml [package.metadata.wasm-pack.profile.release].
# The wasm-bindgen glue is minified in place by rolldown, and the import and export names are shortened in
# both files.
# Ends by loading the built module in Node and checking it exports Producer, so a broken build fails here.
#
#   bash scripts/build.sh             always builds
#   bash scripts/build.sh --if-stale  builds only when pkg/ is older than src/, Cargo.toml, Cargo.lock or
#                                     the build scripts; concurrent callers (parallel test files) wait on one
#                                     lock and build once
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

if [ "${1:-}" = "--if-stale" ]; then
  mkdir -p target
  exec 9>target/.pkg-build.lock
  flock 9
  wasm=pkg/kinesis_clickstream_bg.wasm
  if [ -f "$wasm" ] && [ -z "$(find src Cargo.toml Cargo.lock scripts/build.sh scripts/shorten-names.mjs scripts/order-functions.mjs -newer "$wasm" -print -quit)" ]; then
    echo "build: pkg/ is up to date"
    exit 0
  fi
fi

command -v wasm-opt >/dev/null || { echo "build: wasm-opt missing (npm ci installs binaryen)" >&2; exit 1; }
# The standard library is rebuilt for this crate with `panic=immediate-abort` (a panic is a trap: no panic
# message formatting, no location strings) and std's `optimize_for_size` code paths; 80.5 -> 76.1 KiB gzip.
# These are unstable options of the pinned stable toolchain, hence RUSTC_BOOTSTRAP; the rust-src component
# (scripts/bootstrap.sh) provides std's source. Only this release build uses them: tests and clippy run the
# ordinary toolchain. The wasm carries no `{:?}` output (`fmt-debug=none`): no message the package shows
# uses Debug formatting.
[ -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library/std" ] ||
  { echo "build: rust-src missing (scripts/bootstrap.sh installs it)" >&2; exit 1; }
RUSTC_BOOTSTRAP=1 \
  RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none" \
  wasm-pack build --release --target web --out-dir pkg . \
  -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size
rm -f pkg/.gitignore
# Function bodies reordered so that similar ones sit together (-1.1 KiB gzip; see the script).
node scripts/order-functions.mjs pkg/kinesis_clickstream_bg.wasm pkg/kinesis_clickstream_bg.wasm
# The glue ships minified (rolldown, a pinned dev dependency): 29 -> 12 KiB raw, 6.4 -> 4.0 KiB gzip.
# Its exports (Producer, default init, initSync) keep their names.
command -v rolldown >/dev/null || { echo "build: rolldown missing (npm ci installs it)" >&2; exit 1; }
rolldown pkg/kinesis_clickstream.js --minify --format esm --file pkg/kinesis_clickstream.min.js --logLevel silent
mv pkg/kinesis_clickstream.min.js pkg/kinesis_clickstream.js
# Import and export names shortened in the .wasm and the glue alike (-2.7 and -0.2 KiB gzip; see the script).
node scripts/shorten-names.mjs pkg/kinesis_clickstream_bg.wasm pkg/kinesis_clickstream.js

node --input-type=module -e "
  import { readFileSync } from 'node:fs';
  const glue = await import('./pkg/kinesis_clickstream.js');
  glue.initSync({ module: readFileSync('pkg/kinesis_clickstream_bg.wasm') });
  if (typeof glue.Producer?.create !== 'function') throw new Error('pkg: Producer.create is not exported');
  console.log('build: pkg/ loads in Node and exports Producer');
"
