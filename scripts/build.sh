#!/usr/bin/env bash
# Builds the package: `pkg/` (wasm-pack --target web: an ES module + .wasm + .d.ts), and the same
# without durable delivery (`--no-default-features`, see src/wasm/memory_only.rs) in `pkg-lite/`.
#
# One build serves every runtime. Browsers and bundlers call `await init()` (the .wasm is fetched next to
# the module); Node 20 and workerd load the same .wasm with `initSync({ module })` (Node reads the file,
# workerd imports it as a WebAssembly.Module). wasm-opt comes from the binaryen npm package
# (node_modules/.bin on PATH); its flags are in Cargo.toml [package.metadata.wasm-pack.profile.release].
# The wasm-bindgen glue is trimmed of code our entries never run and minified in place by rolldown, and the
# import and export names are shortened in both files.
# Ends each build by loading the module in Node and checking it exports Producer, so a broken build fails here.
#
#   bash scripts/build.sh             always builds
#   bash scripts/build.sh --if-stale  builds only when pkg/ or pkg-lite/ is older than src/, Cargo.toml, Cargo.lock or
#                                     the build scripts; concurrent callers (parallel test files) wait on one
#                                     lock and build once
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

if [ "${1:-}" = "--if-stale" ]; then
  mkdir -p target
  exec 9>target/.pkg-build.lock
  flock 9
  inputs=(src Cargo.toml Cargo.lock scripts/build.sh scripts/shorten-names.mjs scripts/order-functions.mjs
    scripts/wasm-binary.mjs scripts/trim-glue.mjs)
  fresh=0
  for wasm in pkg/kinesis_clickstream_bg.wasm pkg-lite/kinesis_clickstream_bg.wasm; do
    if [ -f "$wasm" ] && [ -z "$(find "${inputs[@]}" -newer "$wasm" -print -quit)" ]; then
      fresh=$((fresh + 1))
    fi
  done
  if [ "$fresh" = 2 ]; then
    echo "build: pkg/ and pkg-lite/ are up to date"
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
# MIR inlining, which rustc leaves off at opt-level "z", is turned on: small functions (up to 100 MIR cost
# units; those marked #[inline] up to 50) are inlined before LLVM sees them, so the many one-use helpers and
# std's thin wrappers vanish instead of becoming calls (lite .wasm 51,121 -> 49,773 B gzip -9; thresholds
# between 50 and 200 all land within 0.3 KiB of that, rustc's defaults of 50 and 100 about 0.5 KiB above
# it). With `cross-crate-inline-threshold=always` std's functions are candidates too (another -1.0 KiB).
# Speed measured level or better (bench/ab.mjs, Node and Chromium).
[ -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library/std" ] ||
  { echo "build: rust-src missing (scripts/bootstrap.sh installs it)" >&2; exit 1; }
mir_inlining="-Zinline-mir=yes -Zinline-mir-threshold=100 -Zinline-mir-hint-threshold=50 -Zcross-crate-inline-threshold=always"
# build_into DIR [cargo options]: one release build of the package into DIR.
build_into() {
  local dir=$1
  shift
  RUSTC_BOOTSTRAP=1 \
    RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none $mir_inlining" \
    wasm-pack build --release --target web --out-dir "$dir" . \
    -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size "$@"
  rm -f "$dir/.gitignore"
  # Function bodies reordered so that similar ones sit together (-1.2 KiB gzip; see the script).
  node scripts/order-functions.mjs "$dir/kinesis_clickstream_bg.wasm" "$dir/kinesis_clickstream_bg.wasm"
  # Glue code our entries never run (deprecated-parameter warnings, a polyfill) removed first (see the script).
  node scripts/trim-glue.mjs "$dir/kinesis_clickstream.js"
  # The glue ships minified (rolldown, a pinned dev dependency): 29 -> 12 KiB raw, 6.4 -> 4.0 KiB gzip.
  # Its exports (Producer, default init, initSync) keep their names.
  rolldown "$dir/kinesis_clickstream.js" --minify --format esm --file "$dir/kinesis_clickstream.min.js" --logLevel silent
  mv "$dir/kinesis_clickstream.min.js" "$dir/kinesis_clickstream.js"
  # Import and export names shortened in the .wasm and the glue alike (-2.7 and -0.2 KiB gzip; see the script).
  node scripts/shorten-names.mjs "$dir/kinesis_clickstream_bg.wasm" "$dir/kinesis_clickstream.js"
  DIR=$dir node --input-type=module -e "
    import { readFileSync } from 'node:fs';
    const dir = process.env.DIR;
    const glue = await import('./' + dir + '/kinesis_clickstream.js');
    glue.initSync({ module: readFileSync(dir + '/kinesis_clickstream_bg.wasm') });
    if (typeof glue.Producer?.create !== 'function') throw new Error(dir + ': Producer.create is not exported');
    console.log('build: ' + dir + '/ loads in Node and exports Producer');
  "
}

command -v rolldown >/dev/null || { echo "build: rolldown missing (npm ci installs it)" >&2; exit 1; }
build_into pkg
build_into pkg-lite --no-default-features
