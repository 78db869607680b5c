#!/usr/bin/env bash
# Runs every test tier and ends with one line "N passed, N failed".
# Each stage's output goes to the terminal and to tests/artifacts/<stage>.log; counts are read from it.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p tests/artifacts
passed=0 failed=0
failed_stages=()

# run_stage NAME KIND COMMAND...: KIND says how to count (check = one pass or fail, cargo, node).
run_stage() {
  local name=$1 kind=$2; shift 2
  local log=tests/artifacts/$name.log start=$SECONDS
  echo "=== $name: $*"
  "$@" 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]} p=0 f=0 s=0 skipped=""
  case $kind in
    check) if [ "$status" -eq 0 ]; then p=1; else f=1; fi ;;
    cargo) # cargo test and wasm-bindgen-test-runner both print "test result: ... N passed; M failed"
      p=$(sed -n 's/.*test result: .* \([0-9][0-9]*\) passed; \([0-9][0-9]*\) failed.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
      f=$(sed -n 's/.*test result: .* \([0-9][0-9]*\) passed; \([0-9][0-9]*\) failed.*/\2/p' "$log" | awk '{s+=$1} END {print s+0}') ;;
    node) p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
      f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
      s=$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
      [ "$s" -gt 0 ] && skipped=", $s skipped (see its log)" ;;
  esac
  p=${p:-0} f=${f:-0}
  # A stage that exits non-zero without a failed test (build error, crash) counts as one failure.
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  if [ "$status" -eq 0 ] && [ "$kind" != check ] && [ "$p" -eq 0 ]; then
    echo "$name ran no test"; f=$((f + 1))
  fi
  passed=$((passed + p)) failed=$((failed + f))
  [ "$f" -gt 0 ] && failed_stages+=("$name")
  echo "=== $name: $p passed, $f failed$skipped ($((SECONDS - start)) s)"
}

run_stage fmt check cargo fmt --check
run_stage clippy-native check cargo clippy --all-targets --locked -- -D warnings
run_stage clippy-wasm32 check cargo clippy --target wasm32-unknown-unknown --all-targets --locked -- -D warnings
run_stage clippy-wasm32-lite check cargo clippy --target wasm32-unknown-unknown --all-targets --no-default-features --locked -- -D warnings
run_stage native cargo cargo test --locked
for stage in scripts/test-stages/*.sh; do
  [ -e "$stage" ] || continue
  name=$(basename "$stage" .sh)
  run_stage "${name#*-}" "$(sed -n 's/^# count: *//p' "$stage")" bash "$stage"
done

[ ${#failed_stages[@]} -gt 0 ] && echo "failed stages: ${failed_stages[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
