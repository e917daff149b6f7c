#!/usr/bin/env bash
# Integration test (the Booking.com case): a lagging replica restarted with
# relay_log_recovery=1 re-fetches its whole backlog from the sidecar, not from the primary.
#
# The replica follows the sidecar by GTID; its SQL thread is stopped while a load runs, so the
# backlog sits in its relay logs. Then it is kill -9'd and restarted with relay_log_recovery=1,
# which throws the relay logs away and re-fetches from its executed position. It catches up
# completely (CHECKSUM TABLE equal to the primary's) while the primary's Bytes_sent (SHOW
# GLOBAL STATUS) grows by no more than what the sidecar itself pulled in that time (its
# checkpoint's growth: nothing, as the primary is idle then) plus an allowance for what else
# a primary sends: the sidecar's heartbeats (one ~45-byte packet per second of the window, with
# the packet header) and the test's own two status queries (greeting, OK and result packets,
# well under 4 KiB). The backlog is hundreds of KiB: a re-fetch from the primary cannot hide
# in the allowance.
#
# Environment: SIDECAR_BIN, SIDECAR_SOURCE_DIR (set by CTest), KEEP_WORK=1.
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

pull_primary_start "$(free_port)" --max-binlog-size=262144
sidecar_configure "$(mariadb_port primary)"
sidecar_start
serve_wait_listening 30
REPLICA_PORT="$(free_port)"
replica_start replica "$REPLICA_PORT" 2
replica_follow_sidecar replica slave_pos
sql_load 20
replica_wait_caught_up replica

# The replica lags: its SQL thread stops while the load runs; the I/O thread fetches it all.
mariadb_sql replica "STOP SLAVE SQL_THREAD" || fail "STOP SLAVE SQL_THREAD failed"
sql_load 2000
sidecar_wait_caught_up 120
checkpoint="$(sidecar_checkpoint)"
deadline=$((SECONDS + 60))
until [[ "$(replica_status_field replica Master_Log_File) $(replica_status_field replica Read_Master_Log_Pos)" == "$checkpoint" ]]; do
  ((SECONDS < deadline)) || fail "the replica's I/O thread did not fetch up to $checkpoint"
  sleep 0.3
done
executed="$(mariadb_sql replica 'SELECT @@gtid_slave_pos')"
[[ "$executed" != "$(mariadb_sql primary 'SELECT @@gtid_binlog_pos')" ]] ||
  fail "the replica has no backlog (its SQL thread executed everything)"

bytes_sent() { mariadb_sql primary "SHOW GLOBAL STATUS LIKE 'Bytes_sent'" | awk '{print $2}'; }
pulled() { sidecar_checkpoint | awk '{print $2}'; }
sent_before="$(bytes_sent)"
pulled_before="$(pulled)"
window_start=$SECONDS

# Crash and restart: relay_log_recovery=1 discards the relay logs and re-fetches the backlog.
mariadb_kill replica
replica_start replica "$REPLICA_PORT" 2
replica_wait_caught_up replica 180
replica_expect_consistent replica

sent_after="$(bytes_sent)"
pulled_after="$(pulled)"
window=$((SECONDS - window_start + 1))
growth=$((sent_after - sent_before))
allowance=$((pulled_after - pulled_before + 64 * window + 4096))
backlog="$(stat -c %s "$WORK_DIR"/sidecar/data/binlog/mysql-bin.[0-9]* | awk '{s += $1} END {print s}')"
((growth <= allowance)) ||
  fail "the primary sent $growth bytes while the replica caught up (allowed: $allowance; the backlog is ~$backlog bytes)"
ok "the replica re-fetched its backlog from the sidecar: the primary sent $growth bytes (allowed $allowance, stored binlog $backlog bytes)"
sidecar_stop
