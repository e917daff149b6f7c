#!/usr/bin/env bash
# Integration test: the sidecar is kill -9'd while a replica streams from it.
#
# A replica follows the sidecar by GTID (MASTER_CONNECT_RETRY=1) while a SQL load runs on the
# primary. The sidecar is SIGKILLed SERVE_KILL9_ROUNDS times (default 3) at random moments and
# restarted (recovery, then it serves again on the same port). The replica reconnects by
# itself every time (no START SLAVE from the test) and ends with every table equal to the
# primary's.
#
# Environment: SIDECAR_BIN, SIDECAR_SOURCE_DIR (set by CTest), KEEP_WORK=1, SERVE_KILL9_ROUNDS.
# shellcheck source-path=SCRIPTDIR/../..
set -euo pipefail

SRC_DIR="${SIDECAR_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
# shellcheck source=scripts/lib/mariadb.sh
source "$SRC_DIR/scripts/lib/mariadb.sh"
# shellcheck source=tests/integration/pull_lib.sh
source "$SRC_DIR/tests/integration/pull_lib.sh"
# shellcheck source=tests/integration/serve_lib.sh
source "$SRC_DIR/tests/integration/serve_lib.sh"

: "${SIDECAR_BIN:?SIDECAR_BIN must name the binlog-sidecar binary}"
harness_require_cmd sqlite3
harness_init

ROUNDS="${SERVE_KILL9_ROUNDS:-3}"
pull_primary_start "$(free_port)" --max-binlog-size=16384
sidecar_configure "$(mariadb_port primary)"
sidecar_start
serve_wait_listening 30
replica_start replica "$(free_port)" 2
replica_follow_sidecar replica slave_pos
sql_load 50
replica_wait_caught_up replica

STOP_FILE="$WORK_DIR/stop-load"
(while [[ ! -f "$STOP_FILE" ]]; do sql_load 20; sleep 0.05; done) &
LOAD_PID=$!
harness_add_cleanup "touch '$STOP_FILE'; wait $LOAD_PID 2>/dev/null || true"

for ((round = 1; round <= ROUNDS; round++)); do
  sleep "$(awk -v r="$RANDOM" 'BEGIN { printf "%.2f", 0.5 + (r % 150) / 100 }')"
  [[ "$(replica_status_field replica Slave_IO_Running)" == Yes ]] ||
    fail "round $round: the replica's I/O thread is not running: $(replica_status_field replica Last_IO_Error)"
  sidecar_kill9
  sleep 0.3
  sidecar_start
  serve_wait_listening 30
done
touch "$STOP_FILE"
wait "$LOAD_PID" || fail "the load failed"

sidecar_wait_caught_up 120
replica_wait_caught_up replica
replica_expect_consistent replica
reconnects="$(mariadb_sql replica "SHOW GLOBAL STATUS LIKE 'Slave_connections'" | awk '{print $2}')"
ok "$ROUNDS kill -9 rounds of the sidecar: the replica reconnected by itself and equals the primary ($reconnects)"
sidecar_stop
