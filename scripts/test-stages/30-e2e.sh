#!/usr/bin/env bash
# count: node
# End to end: every tests/e2e/*.test.mjs against the local stand-ins (each file starts its own).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec node --test --test-reporter=tap tests/e2e/
