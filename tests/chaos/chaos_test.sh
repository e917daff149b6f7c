#!/usr/bin/env bash
# Chaos test: a primary under sysbench load, the sidecar pulling from it (through a loopback
# proxy) and a replica replicating from the sidecar, while a random schedule of faults hits
# them:
#   sidecar_kill9     kill -9 of the sidecar, restarted at once
#   sidecar_hang      SIGSTOP of the sidecar for 1-3 s, then SIGCONT
#   primary_restart   the primary stopped and started again
#   replica_kill9     kill -9 of the replica, restarted (relay_log_recovery=1)
#   proxy_cut         every primary↔sidecar connection cut, mid-event
#   stop_start_slave  STOP SLAVE, then START SLAVE, on the sidecar's admin port
# At the end: every fault undone, load stopped; the sidecar's files identical to the
# primary's, the replica's tables identical to the primary's (CHECKSUM TABLE), no SQL error on
# the replica, and no ERROR line in the sidecar's log that no injected fault explains. It
# prints the faults injected and survived.
#
# Environment: SIDECAR_BIN, SIDECAR_SOURCE_DIR (set by CTest); CHAOS_SECONDS (default 60: the
# fault phase), CHAOS_SEED (default random; printed), KEEP_WORK=1.
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
harness_require_cmd sqlite3 sysbench python3
harness_init

DURATION="${CHAOS_SECONDS:-60}"
SEED="${CHAOS_SEED:-$RANDOM}"
RANDOM="$SEED"
echo "chaos: seed $SEED, ${DURATION}s of faults"

PRIMARY_PORT="$(free_port)"
REPLICA_PORT="$(free_port)"
PRIMARY_ARGS=(--binlog-checksum=CRC32 --max-binlog-size=262144)
pull_primary_start "$PRIMARY_PORT" "${PRIMARY_ARGS[@]:1}"
PROXY_PORT="$(free_port)"
python3 "$SRC_DIR/scripts/lib/tcp_cut_proxy.py" --listen "$PROXY_PORT" \
  --target "127.0.0.1:$PRIMARY_PORT" 2>"$WORK_DIR/proxy.log" &
PROXY_PID=$!
harness_add_cleanup "kill $PROXY_PID 2>/dev/null || true"

sidecar_configure "$PROXY_PORT"
printf '\n[admin]\nuser = sidecar_admin\npassword_file = %s\n' "$WORK_DIR/sidecar/repl.password" \
  >>"$WORK_DIR/sidecar/sidecar.conf"
sidecar_start
serve_wait_listening
replica_start replica "$REPLICA_PORT" 2
replica_follow_sidecar replica slave_pos

admin_sql() {
  mariadb --no-defaults -h127.0.0.1 -P"$(serve_port)" -usidecar_admin -preplpw -N -B -e "$1" \
    </dev/null
}

# The load: sysbench oltp_write_only for the whole fault phase, bounded in time. A primary
# restart ends a sysbench run (its threads do not reconnect): the loop starts another one.
SBARGS=(--db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$PRIMARY_PORT" --mysql-user=root
  --mysql-db=sbtest --tables=2 --table-size=1000 --threads=2)
mariadb_sql primary "CREATE DATABASE sbtest" || fail "CREATE DATABASE sbtest"
sysbench oltp_write_only "${SBARGS[@]}" prepare >"$WORK_DIR/sysbench.log" 2>&1 ||
  fail "sysbench prepare failed: $(tail -5 "$WORK_DIR/sysbench.log")"
gtid_seq() { local pos; pos="$(mariadb_sql primary "SELECT @@gtid_binlog_pos")" && echo "${pos##*-}"; }
seq_before="$(gtid_seq)" || fail "cannot read the primary's @@gtid_binlog_pos"
LOAD_END=$((SECONDS + DURATION))
(
  while ((SECONDS < LOAD_END)); do
    sysbench oltp_write_only "${SBARGS[@]}" --mysql-ignore-errors=all --rate=200 \
      --time=$((LOAD_END - SECONDS)) --report-interval=0 run >>"$WORK_DIR/sysbench.log" 2>&1 ||
      sleep 1
  done
) &
LOAD_PID=$!
harness_add_cleanup "kill $LOAD_PID 2>/dev/null || true"

# Each fault, and how often it was injected. The log lines a fault may explain are listed
# where the log is checked, at the end.
declare -A INJECTED=()

fault_sidecar_kill9() {
  sidecar_kill9
  sidecar_start
  serve_wait_listening
}
fault_sidecar_hang() {
  kill -STOP "$SIDECAR_PID"
  sleep "$((1 + RANDOM % 3))"
  kill -CONT "$SIDECAR_PID"
}
fault_primary_restart() {
  mariadb_stop primary || fail "the primary did not stop"
  sleep "$((RANDOM % 2))"
  mariadb_start primary "$PRIMARY_PORT" 1 "${PRIMARY_ARGS[@]}" || fail "the primary did not restart"
}
fault_replica_kill9() {
  mariadb_kill replica
  replica_start replica "$REPLICA_PORT" 2
}
fault_proxy_cut() {
  kill -USR1 "$PROXY_PID"
}
fault_stop_start_slave() {
  admin_sql "STOP SLAVE" || fail "STOP SLAVE on the admin port failed"
  sleep "$((1 + RANDOM % 2))"
  admin_sql "START SLAVE" || fail "START SLAVE on the admin port failed"
}
FAULTS=(sidecar_kill9 sidecar_hang primary_restart replica_kill9 proxy_cut stop_start_slave)

deadline=$((SECONDS + DURATION))
total=0
while ((SECONDS < deadline)); do
  sleep "$((2 + RANDOM % 4))"
  fault="${FAULTS[RANDOM % ${#FAULTS[@]}]}"
  harness_log "fault: $fault"
  "fault_$fault"
  INJECTED[$fault]=$((${INJECTED[$fault]:-0} + 1))
  total=$((total + 1))
done
wait "$LOAD_PID"
# sysbench runs end (or crash) at every primary restart, so the load is measured by what
# the primary committed, not by completed runs.
seq_after="$(gtid_seq)" || fail "cannot read the primary's @@gtid_binlog_pos"
committed=$((${seq_after:-0} - ${seq_before:-0}))
((committed >= 500)) ||
  fail "the load committed only $committed transactions: $(tail -5 "$WORK_DIR/sysbench.log")"

# Everything settles: the sidecar holds the primary's files, the replica its tables.
sidecar_wait_caught_up 180
replica_wait_caught_up replica 180
replica_expect_consistent replica
n="$(sidecar_compare_files)"
sql_error="$(replica_status_field replica Last_SQL_Error)"
[[ -z "$sql_error" ]] || fail "the replica reports an SQL error: $sql_error"
sidecar_stop

# Every ERROR line of the sidecar must be explained by a fault that was injected: the
# primary's connection lost or refused (primary_restart, proxy_cut, sidecar_hang: the primary
# drops a replica that stopped reading), or a GTID resume falling back to file/position because
# the stored file lacks the end the primary wrote at its shutdown (primary_restart).
unexplained="$(grep '^ERROR ' "$WORK_DIR/sidecar/sidecar.log" |
  grep -v -E 'upstream: pull from 127\.0\.0\.1:[0-9]+: .*(refused|closed|reset|lost|timed out|timeout|ended the dump|EOF|Broken pipe|shut ?down|Lost connection|no data)' |
  grep -v -E 'upstream: pull from 127\.0\.0\.1:[0-9]+: the GTID dump starts in .* is not complete .* resuming by file and position instead' ||
  true)"
[[ -z "$unexplained" ]] || fail "unexpected ERROR lines in the sidecar's log:
$(head -10 <<<"$unexplained")"

summary=""
for fault in "${FAULTS[@]}"; do summary+=" $fault=${INJECTED[$fault]:-0}"; done
echo "chaos: $total faults injected and survived under $committed transactions:$summary; $n stored files identical; replica consistent"
