#!/usr/bin/env bash
# count: cargo
# The wasm edge in headless Chromium: a page, a dedicated worker and a service worker, each talking to
# kinesalite and the fault proxy (started around each run by tests/support/standins.mjs). The browser reaches
# the test runner's own server through tests/support/runner-proxy.mjs (one connection per request), which
# works around a lost wake-up in the runner's HTTP server that left a worker's module graph unloaded.
set -uo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
status=0
for test in browser_page browser_worker browser_service_worker; do
  echo "--- $test"
  node tests/support/standins.mjs -- node tests/support/runner-proxy.mjs -- wasm-pack test --headless --chrome --test "$test" || status=1
done
exit $status
