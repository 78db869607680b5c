#!/usr/bin/env bash
# Runs every cargo-fuzz target for FUZZ_SECONDS (default 600) each, one after another; any crash fails.
# Seeds come from the committed fuzz/corpus/<target>; new inputs go to fuzz/corpus-work/<target>
# (ignored by git). FUZZ_MERGE=1 afterwards replaces the committed corpus with a coverage-preserving
# minimisation of it and the new inputs (libFuzzer -merge=1 over edges). FUZZ_TARGETS="a b" picks
# targets. Crashes land in fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-600}
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
targets=${FUZZ_TARGETS:-$(cargo +nightly fuzz list --fuzz-dir fuzz)}
for target in $targets; do
  work=fuzz/corpus-work/$target
  mkdir -p "$work" "fuzz/artifacts/$target"
  echo "=== fuzz $target for ${seconds}s"
  cargo +nightly fuzz run --fuzz-dir fuzz -O "$target" "$work" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
  if [ "${FUZZ_MERGE:-0}" = 1 ]; then
    # Coverage-preserving minimisation of committed + new inputs (edges only, no hit counts).
    minimized=$(mktemp -d)
    cargo +nightly fuzz run --fuzz-dir fuzz -O "$target" "$minimized" "fuzz/corpus/$target" "$work" -- \
      -merge=1 -max_len=4096 -use_counters=0
    rm -rf "fuzz/corpus/$target"
    mv "$minimized" "fuzz/corpus/$target"
  fi
done
echo "fuzz: every target ran ${seconds}s without a crash"
