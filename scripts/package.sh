#!/usr/bin/env bash
# Builds the npm package `kinesis-clickstream` and packs it: dist/kinesis-clickstream-<version>.tgz.
#
# It takes the wasm-pack `--target web` builds in pkg/ and pkg-lite/ (scripts/build.sh: the glue module
# and the .wasm; the lite one, without durable delivery, is staged under lite/ with the same entries for
# the `kinesis-clickstream/lite` import) and adds pkg-config/: package.json (exports conditions; version
# from Cargo.toml), one entry
# per environment (browser.js, node.js, workerd.js), index.d.ts and the npm README. The staged
# package is dist/package/ (its README: pkg-config/README.md + the usage-to-limitations sections of
# README.md); `npm pack` writes the tarball and prints its file list.
#
#   bash scripts/package.sh             always repacks (building pkg/ first if it is stale)
#   bash scripts/package.sh --if-stale  repacks only when the tarball is older than its inputs;
#                                       concurrent callers wait on one lock and pack once
# PKG_DIR=other/dir (and PKG_LITE_DIR=other/lite-dir) use those wasm-pack outputs instead of building.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
tarball=dist/kinesis-clickstream-$version.tgz
pkg_dir=${PKG_DIR:-pkg}
pkg_lite_dir=${PKG_LITE_DIR:-pkg-lite}
mkdir -p dist
exec 9>dist/.package.lock
flock 9

if [ -z "${PKG_DIR:-}" ]; then
  bash scripts/build.sh --if-stale
fi
inputs=("$pkg_dir/kinesis_clickstream.js" "$pkg_dir/kinesis_clickstream_bg.wasm" "$pkg_lite_dir/kinesis_clickstream.js"
  "$pkg_lite_dir/kinesis_clickstream_bg.wasm" pkg-config scripts/package.sh Cargo.toml README.md)
if [ "${1:-}" = "--if-stale" ] && [ -f "$tarball" ] && [ -z "$(find "${inputs[@]}" -newer "$tarball" -print -quit)" ]; then
  echo "package: up to date"
  echo "package: $tarball"
  exit 0
fi

stage=dist/package
rm -rf "$stage"
mkdir -p "$stage"
cp "$pkg_dir/kinesis_clickstream.js" "$pkg_dir/kinesis_clickstream_bg.wasm" "$stage/"
cp pkg-config/browser.js pkg-config/node.js pkg-config/workerd.js pkg-config/loading-on-create.js pkg-config/index.d.ts "$stage/"
mkdir "$stage/lite"
cp "$pkg_lite_dir/kinesis_clickstream.js" "$pkg_lite_dir/kinesis_clickstream_bg.wasm" "$stage/lite/"
cp pkg-config/browser.js pkg-config/node.js pkg-config/workerd.js pkg-config/loading-on-create.js "$stage/lite/"
# The npm README: pkg-config/README.md, then the user-facing sections of the repository README
# (from "## Usage" on, without "## Architecture", which is about the source tree).
{
  cat pkg-config/README.md
  echo
  sed -n '/^## Usage$/,$p' README.md | awk '/^## /{skip = ($0 == "## Architecture")} !skip'
} >"$stage/README.md"
VERSION=$version node --input-type=module -e "
  import { readFileSync, writeFileSync } from 'node:fs';
  const manifest = JSON.parse(readFileSync('pkg-config/package.json', 'utf8'));
  manifest.version = process.env.VERSION;
  writeFileSync('$stage/package.json', JSON.stringify(manifest, null, 2) + '\n');
  const glue = await import('./$stage/kinesis_clickstream.js');
  for (const name of ['Producer', 'initSync', 'default']) {
    if (typeof glue[name] !== 'function') throw new Error('package: the wasm-bindgen glue does not export ' + name);
  }
"
node --input-type=module -e "
  import { readFileSync } from 'node:fs';
  import { compressedSizes } from './scripts/compressed-sizes.mjs';
  const gz = (files) => files.reduce((sum, f) => sum + compressedSizes(readFileSync('$stage/' + f)).gzip, 0) / 1024;
  console.log('package: a browser loads ' + gz(['kinesis_clickstream_bg.wasm']).toFixed(1) + ' KiB (.wasm) + '
    + gz(['kinesis_clickstream.js', 'browser.js']).toFixed(1) + ' KiB (JS), gzip -9, each file alone');
"
rm -f "$tarball"
(cd "$stage" && npm pack --pack-destination .. --loglevel notice 2>&1 >/dev/null) | sed -n 's/^npm notice \(..*\)/package: \1/p'
test -f "$tarball"
echo "package: $tarball"
