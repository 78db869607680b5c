#!/usr/bin/env bash
# count: check
# Builds the package (pkg/) once, so every later stage tests the same fresh build.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
exec bash scripts/build.sh --if-stale
