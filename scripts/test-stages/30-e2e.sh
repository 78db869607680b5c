#!/usr/bin/env bash
# count: node
# End to end: every tests/e2e/*.test.mjs against the local stand-ins (each file starts its own).
set -euo pipefail
cd "$(dirname "$0")/../.."
# A test that hangs fails after 10 minutes instead of holding CI until its limit.
exec node --test --test-timeout=600000 --test-reporter=tap tests/e2e/
