#!/usr/bin/env bash
# Integration test: kill -9 of the sidecar at random moments during load.
#
# A primary (rotating every 8 KiB) under a continuous SQL load; the sidecar is SIGKILLed
# PULL_KILL9_ROUNDS times (default 5; 20 for the full run) after a random 0.2-2 s, and
# restarted each time (recovery, then the pull resumes from the checkpoint, by GTID every
# other round). After the load: the checkpoint reaches the primary's position, every stored
# file equals the primary's (in-use flag aside), check-binlog is ok.
#
# Environment: SIDECAR_BIN, SIDECAR_SOURCE_DIR (set by CTest), KEEP_WORK=1, PULL_KILL9_ROUNDS.
# shellcheck source-path=SCRIPTDIR/../..
set -euo pipefail

SRC_DIR="${SIDECAR_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
# shellcheck source=scripts/lib/mariadb.sh
source "$SRC_DIR/scripts/lib/mariadb.sh"
# shellcheck source=tests/integration/pull_lib.sh
source "$SRC_DIR/tests/integration/pull_lib.sh"

: "${SIDECAR_BIN:?SIDECAR_BIN must name the binlog-sidecar binary}"
harness_require_cmd sqlite3 cmp dd truncate
harness_init

ROUNDS="${PULL_KILL9_ROUNDS:-5}"
PRIMARY_PORT="$(free_port)"
pull_primary_start "$PRIMARY_PORT" --max-binlog-size=8192

STOP_FILE="$WORK_DIR/stop-load"
load_forever() {
  local i=0
  while [[ ! -f "$STOP_FILE" ]]; do
    printf "BEGIN; INSERT INTO t.k (v) VALUES (REPEAT('k', 120)),('%d'); COMMIT;\n" "$i"
    printf "UPDATE t.k SET v = REVERSE(v) WHERE id = %d;\n" $((i % 50 + 1))
    i=$((i + 1))
    if ((i % 50 == 0)); then sleep 0.05; fi
  done | mariadb_sql primary
}
load_forever &
LOAD_PID=$!
harness_add_cleanup "touch '$STOP_FILE'; wait $LOAD_PID 2>/dev/null || true"

for ((round = 1; round <= ROUNDS; round++)); do
  gtid=off
  ((round % 2 == 0)) && gtid=on
  sidecar_configure "$PRIMARY_PORT" "upstream.gtid=$gtid"
  sidecar_start
  sleep "$(awk -v r="$RANDOM" 'BEGIN { printf "%.2f", 0.2 + (r % 180) / 100 }')"
  sidecar_kill9
done
touch "$STOP_FILE"
wait "$LOAD_PID" || fail "the load failed"

sidecar_configure "$PRIMARY_PORT" "upstream.gtid=auto"
sidecar_start
sidecar_wait_caught_up 60
n="$(sidecar_compare_files)"
sidecar_stop
ok "$ROUNDS kill -9 rounds: $n stored files identical, check-binlog ok"
