#!/usr/bin/env bash
# Runs every cargo-fuzz target for FUZZ_SECONDS (default 600) each, one after another; any crash fails.
# Seeds come from the committed fuzz/corpus/<target>; new inputs go to fuzz/corpus-work/<target>
# (ignored by git). FUZZ_MERGE=1 afterwards adds the smallest inputs of an edge-preserving minimisation
# (libFuzzer -merge=1) to the committed corpus. FUZZ_TARGETS="a b" picks targets. Crashes land in
# fuzz/artifacts/.
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
    # Edge-preserving minimisation of committed + new inputs; the committed files all stay, and the
    # FUZZ_CORPUS_ADD (default 70) smallest minimised inputs not yet committed join them.
    minimized=$(mktemp -d)
    cargo +nightly fuzz run --fuzz-dir fuzz -O "$target" "$minimized" "fuzz/corpus/$target" "$work" -- \
      -merge=1 -max_len=4096 -use_counters=0
    added=0
    for name in $(cd "$minimized" && ls -Sr); do
      [ "$added" -ge "${FUZZ_CORPUS_ADD:-70}" ] && break
      [ -e "fuzz/corpus/$target/$name" ] && continue
      cp "$minimized/$name" "fuzz/corpus/$target/"
      added=$((added + 1))
    done
    rm -rf "$minimized"
  fi
done
echo "fuzz: every target ran ${seconds}s without a crash"
