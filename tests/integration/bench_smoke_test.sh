#!/usr/bin/env bash
# Integration test: scripts/bench.sh runs every section end to end and writes a whole report.
#
# The benchmarks are never timed by the tests; this only keeps the one command that produces
# BENCHMARKS.md working: every section at the smallest sizes (a few MB of backlog, one run,
# 2-second sysbench), into this test's own BENCH_DIR and report (BENCHMARKS.md is not touched).
# Checks: exit 0; every section's table is there; the goals table has a result ("met" or "NOT
# met") and a measured value for each goal, and no NaN anywhere; and the one goal that is a
# behaviour, not a speed, is met: a replica restarted behind the sidecar re-fetches 0 binlog
# bytes from the primary.
#
# Environment: SIDECAR_BIN (the binary, set by CTest), SIDECAR_BUILD_DIR (its build directory:
# the bench tools crc32_bench and store_append_bench), SIDECAR_SOURCE_DIR, KEEP_WORK=1.
# shellcheck source-path=SCRIPTDIR/../..
set -euo pipefail

SRC_DIR="${SIDECAR_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
# shellcheck source=scripts/lib/mariadb.sh
source "$SRC_DIR/scripts/lib/mariadb.sh"

: "${SIDECAR_BIN:?SIDECAR_BIN must name the binlog-sidecar binary}"
: "${SIDECAR_BUILD_DIR:?SIDECAR_BUILD_DIR must name the build directory}"
harness_init

ok() {
  printf 'ok - %s\n' "$*"
}

# trim TEXT: TEXT without leading and trailing blanks.
trim() {
  local s="$1"
  s="${s#"${s%%[![:space:]]*}"}"
  printf '%s' "${s%"${s##*[![:space:]]}"}"
}

report="$WORK_DIR/BENCHMARKS.md"
benchmarks_before="$(sha256sum "$SRC_DIR/BENCHMARKS.md" 2>/dev/null || true)"
rc=0
env BENCH_DIR="$WORK_DIR/bench" BENCH_REPORT="$report" BUILD_DIR="$SIDECAR_BUILD_DIR" \
  SIDECAR_BIN="$SIDECAR_BIN" BENCH_RUNS=1 BENCH_PULL_BYTES=$((16 << 20)) \
  BENCH_SMALL_BYTES=$((4 << 20)) BENCH_RESTART_BYTES=$((16 << 20)) BENCH_MIN_BYTES=$((16 << 20)) \
  BENCH_SEMISYNC_SECONDS=2 BENCH_SEMISYNC_THREADS=2 BENCH_LATENCY_SAMPLES=10 BENCH_TIMEOUT=300 \
  "$SRC_DIR/scripts/bench.sh" >"$WORK_DIR/bench.out" 2>"$WORK_DIR/bench.err" </dev/null || rc=$?
if ((rc != 0)); then
  tail -n 40 "$WORK_DIR/bench.err" >&2
  harness_die "scripts/bench.sh exited $rc"
fi
[[ -s "$report" ]] || harness_die "no report at $report"
[[ "$(sha256sum "$SRC_DIR/BENCHMARKS.md" 2>/dev/null || true)" == "$benchmarks_before" ]] ||
  harness_die "BENCH_REPORT was set, yet the repository's BENCHMARKS.md changed"
ok "scripts/bench.sh ran every section (exit 0) and wrote $report"

for heading in '## Machine' '## Goals' '### 1. Physical limits' '### 2. Pull' '#### big backlog' \
  '#### small backlog' '### 3. Serve' '### 4. Cascade' '### 5. Semi-sync' \
  '### 6. Restart re-fetch' '### 7. Latency' '### 8. /metrics under load' \
  '### check-binlog throughput' '### store append' '## Commands measured'; do
  grep -q -F -- "$heading" "$report" || harness_die "the report has no \"$heading\" section"
done
ok "every section is in the report"

# The goals table: | goal | measured | target | result | short by | why |
goals="$(awk '/^## Goals/ { on = 1; next } /^## / { on = 0 }
  on && /^\| / && !/^\| goal / && !/^\|---/' "$report")"
count="$(grep -c . <<<"$goals" || true)"
((count >= 12)) ||
  harness_die "the goals table has $count goals, expected at least 12:"$'\n'"$goals"
while IFS='|' read -r _ name measured _ result _; do
  name="$(trim "$name")" measured="$(trim "$measured")" result="$(trim "$result")"
  [[ "$result" == met || "$result" == "NOT met" ]] ||
    harness_die "goal \"$name\": result \"$result\""
  [[ "$measured" =~ ^[0-9] ]] ||
    harness_die "goal \"$name\": measured \"$measured\" is not a number"
done <<<"$goals"
if grep -n -i -E '(^|[ |(])-?(nan|inf)([ |x%)]|$)' "$report"; then
  harness_die "the report has NaN or infinite values (lines above)"
fi
ok "$count goals, each with a measured value and a result; no NaN"

restart="$(grep -F '| restart re-fetch from the primary with the sidecar |' <<<"$goals")" ||
  harness_die "no restart re-fetch goal"
[[ "$restart" == *"| 0 binlog bytes "* && "$restart" == *"| met |"* ]] ||
  harness_die "a replica restarted behind the sidecar re-fetched from the primary: $restart"
ok "restart re-fetch: 0 binlog bytes from the primary"
