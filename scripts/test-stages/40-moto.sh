#!/usr/bin/env bash
# count: node
# The core's SigV4 signer and Cognito wire format against moto (a real SigV4 verifier), plus the
# CORS proxy the browser tests put in front of moto.
set -euo pipefail
cd "$(dirname "$0")/../.."
node --test tests/e2e/moto-signing.test.mjs
