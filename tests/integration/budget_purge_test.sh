#!/usr/bin/env bash
# Integration test: the disk budget purges what the replica executed, keeps what it has not,
# and pauses the pull (back-pressure) when nothing more may go, resuming by itself.
#
# A MariaDB primary; a MariaDB replica (relay_log_space_limit = 1M) replicating directly from
# the primary (the budget keeper only needs its executed position and relay_log_space_limit,
# read over its Unix socket as `monitor`); the sidecar pulls from the primary with
# budget.disk = 4M (its share: 4M - 1M = 3M) and keep_min = 0s. Files are cut with
# FLUSH BINARY LOGS.
#   1. The replica executes everything: the files before the sidecar's active one are purged
#      (gone from binlog/ and from the catalogue).
#   2. STOP SLAVE SQL_THREAD, then more load than the share: the sidecar keeps every file from
#      the replica's executed one on, logs that pulling paused (budget_exhausted), its
#      checkpoint stops advancing while the primary advances, and its files stay within the
#      share, not one byte more.
#   3. START SLAVE SQL_THREAD: the sidecar purges, resumes by itself, catches up with the
#      primary, and every stored file is identical to the primary's.
#
# Environment: SIDECAR_BIN, SIDECAR_SOURCE_DIR (set by CTest), KEEP_WORK=1.
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

readonly SHARE=$((3 * 1024 * 1024))
STORE="$WORK_DIR/sidecar/data"

# files ROUNDS: ROUNDS binlog files of about 230 KB each on the primary.
files() {
  local rounds="$1" i j
  for ((i = 0; i < rounds; i++)); do
    for ((j = 0; j < 20; j++)); do
      printf "INSERT INTO t.k (v) VALUES "
      printf "(REPEAT('a', 200)),%.0s" {1..49}
      printf "(REPEAT('b', 200));\n"
    done
    printf "FLUSH BINARY LOGS;\n"
  done | mariadb_sql primary || fail "the load failed"
}

# stored_files: the catalogue's file names, oldest first.
stored_files() {
  sqlite3 -readonly "file:$STORE/state.db?mode=ro" "SELECT name FROM files ORDER BY seq" 2>/dev/null
}

stored_bytes() {
  local total=0 f
  for f in "$STORE"/binlog/mysql-bin.[0-9]*; do
    [[ -f "$f" ]] && total=$((total + $(stat -c %s "$f")))
  done
  echo "$total"
}

# replica_field NAME: a field of the replica's SHOW SLAVE STATUS.
replica_field() {
  mariadb --no-defaults -uroot -S "$(mariadb_socket replica)" -e "SHOW SLAVE STATUS\G" </dev/null |
    awk -v k="$1:" '$1 == k {print $2}'
}

# wait_for TIMEOUT_S DESCRIPTION COMMAND...: poll COMMAND until it succeeds.
wait_for() {
  local timeout="$1" what="$2" deadline
  shift 2
  deadline=$((SECONDS + timeout))
  until "$@"; do
    ((SECONDS < deadline)) || fail "$what: not after ${timeout}s (replica executed" \
      "$(replica_field Relay_Master_Log_File):$(replica_field Exec_Master_Log_Pos)," \
      "SQL running $(replica_field Slave_SQL_Running); store: $(stored_files | xargs))"
    sleep 0.5
  done
}

primary_at() { mariadb_sql primary "SHOW MASTER STATUS" | awk '{print $1" "$2}'; }

replica_caught_up() {
  local executed
  executed="$(replica_field Relay_Master_Log_File) $(replica_field Exec_Master_Log_Pos)"
  [[ "$executed" == "$(primary_at)" ]]
}

# The primary's position is read at every check: MariaDB writes a BINLOG_CHECKPOINT event
# some time after FLUSH BINARY LOGS.
sidecar_caught_up() { [[ "$(sidecar_checkpoint)" == "$(primary_at)" ]]; }

first_file_purged() {
  ! stored_files | grep -qx mysql-bin.000001 && [[ ! -e "$STORE/binlog/mysql-bin.000001" ]]
}
logged() { grep -q "$1" "$WORK_DIR/sidecar/sidecar.log"; }

PRIMARY_PORT="$(free_port)"
REPLICA_PORT="$(free_port)"
pull_primary_start "$PRIMARY_PORT"
# Relay logs rotate at 256K, so the replica can free relay space while its limit holds.
mariadb_start replica "$REPLICA_PORT" 2 --relay-log-space-limit=1048576 \
  --max-relay-log-size=262144 --skip-slave-start ||
  fail "the replica did not start"
mariadb_sql replica "CREATE USER 'monitor'@'localhost' IDENTIFIED BY 'replpw';
  GRANT SLAVE MONITOR, REPLICATION CLIENT ON *.* TO 'monitor'@'localhost';
  CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$PRIMARY_PORT, MASTER_USER='repl',
    MASTER_PASSWORD='replpw', MASTER_LOG_FILE='mysql-bin.000001', MASTER_LOG_POS=4,
    MASTER_USE_GTID=no;
  START SLAVE" || fail "replica setup failed"

sidecar_configure "$PRIMARY_PORT" "upstream.start=earliest" "upstream.gtid=off" \
  "replica.socket=$(mariadb_socket replica)" "budget.disk=4M" "budget.keep_min=0s"
sidecar_start

# 1. Executed files go.
files 6
wait_for 60 "the sidecar catches up with the primary" sidecar_caught_up
wait_for 60 "the replica catches up with the primary" replica_caught_up
wait_for 30 "mysql-bin.000001 (executed by the replica) is purged" first_file_purged
active="$(sidecar_checkpoint | awk '{print $1}')"
[[ "$(stored_files | head -1)" == "$active" ]] ||
  fail "files the replica executed remain: $(stored_files | xargs) (active $active)"
ok "files the replica executed are purged; the store keeps only $active"

# 2. The replica stops executing: nothing may go, the budget runs out, the pull pauses.
mariadb_sql replica "STOP SLAVE SQL_THREAD" || fail "STOP SLAVE SQL_THREAD failed"
executed="$(replica_field Relay_Master_Log_File)"
files 16
wait_for 90 "the sidecar pauses pulling (budget_exhausted)" \
  logged "pulling from the primary paused: budget_exhausted"
stored_files | grep -qx "$executed" ||
  fail "the store purged $executed, which the replica has not executed: $(stored_files | xargs)"
before="$(sidecar_checkpoint)"
files 2
# Two keeper polls (2 s each) and more than the puller's wait (200 ms) later, nothing moved.
sleep 5
after="$(sidecar_checkpoint)"
primary_now="$(primary_at)"
[[ "$after" == "$before" ]] || fail "the checkpoint moved from '$before' to '$after' while paused"
[[ "$after" != "$primary_now" ]] || fail "the primary did not advance past the sidecar"
used="$(stored_bytes)"
((used <= SHARE)) || fail "the store holds $used bytes, over its share $SHARE"
ok "back-pressure: checkpoint held at '$after' while the primary is at '$primary_now';" \
  "$used bytes stored, $executed kept"

# 3. The replica executes again: room appears, the pull resumes and converges.
mariadb_sql replica "START SLAVE SQL_THREAD" || fail "START SLAVE SQL_THREAD failed"
wait_for 120 "the sidecar resumes pulling" logged "pulling from the primary resumed"
wait_for 120 "the sidecar catches up with the primary" sidecar_caught_up
wait_for 120 "the replica catches up with the primary" replica_caught_up
# Stopped first: the keeper purges what the replica executed while it runs.
sidecar_stop
n="$(sidecar_compare_files)"
ok "resumed by itself; $n stored files identical to the primary's"
