#!/usr/bin/env bash
# Runs one libFuzzer binary for a bounded time, as CTest's fuzz_run_* tests do.
#
# Usage: run_fuzzer.sh FUZZER ARTIFACT_DIR INPUT_DIR...
#   SIDECAR_FUZZ_SECONDS   how long (default 30)
# New inputs go to a scratch corpus, deleted afterwards: the INPUT_DIRs (the committed corpus
# and regression inputs) are only read. A crash is saved in ARTIFACT_DIR and fails the test.
# An input counts as a hang after 60 s: every input runs in milliseconds, but on a loaded
# shared machine the whole process can stall for over 10 s (seen: both running fuzzers
# "timed out" at the same instant inside the allocator's madvise, inputs that replay in 1 ms).
set -euo pipefail

main() {
  local fuzzer="$1" artifacts="$2"
  shift 2
  scratch="$(mktemp -d)"
  trap 'rm -rf "$scratch"' EXIT
  mkdir -p "$artifacts"
  mkdir "$scratch/corpus"
  "$fuzzer" -max_total_time="${SIDECAR_FUZZ_SECONDS:-30}" -timeout=60 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$scratch/corpus" "$@" \
    2>"$scratch/log" || {
    tail -n 60 "$scratch/log" >&2
    echo "run_fuzzer.sh: $(basename "$fuzzer") failed; crash input in $artifacts/" >&2
    return 1
  }
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' "$scratch/log"
}

main "$@"
