#!/usr/bin/env bash
# Integration test: serve.delay. With serve.delay = 5s the sidecar releases an event only once
# its timestamp is 5 s old, so a replica (without MASTER_DELAY) applies each transaction no
# sooner than 5 s after its statement started on the primary, while its I/O thread stays
# connected (heartbeats go on meanwhile). Binlog timestamps are whole seconds (of the
# statement's start) and the commit time is read just after the commit, so what is asserted
# is "applied at least 3.5 s after the commit": without the delay it takes well under a second
# here. Lateness is never asserted, only earliness.
#
# The delayed backlog lives in the sidecar, not in the replica's relay log: a burst (one
# transaction of 500 rows, over 100 KB of events) does not show in the replica's
# Relay_Log_Space while it is held back (sampled until 3 s after the burst began).
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

pull_primary_start "$(free_port)"
sidecar_configure "$(mariadb_port primary)" serve.delay=5s
sidecar_start
serve_wait_listening 30
replica_start replica "$(free_port)" 2
replica_follow_sidecar replica slave_pos
replica_wait_caught_up replica 60

for round in 1 2 3; do
  committed="$(mariadb_sql primary "INSERT INTO t.k (v) VALUES ('delayed-$round');
      SELECT UNIX_TIMESTAMP(NOW(6))")"
  deadline=$((SECONDS + 60))
  until [[ "$(mariadb_sql replica "SELECT COUNT(*) FROM t.k WHERE v = 'delayed-$round'")" == 1 ]]; do
    ((SECONDS < deadline)) || fail "round $round: the row never reached the replica"
    sleep 0.1
  done
  applied="$(mariadb_sql replica "SELECT UNIX_TIMESTAMP(NOW(6))")"
  awk -v c="$committed" -v a="$applied" 'BEGIN { exit !(a - c >= 3.5) }' ||
    fail "round $round: applied $(awk -v c="$committed" -v a="$applied" 'BEGIN { print a - c }') s after the commit, before serve.delay"
done

# A burst, held back by the sidecar: the replica's relay log does not grow with it.
space_before="$(replica_status_field replica Relay_Log_Space)"
burst_start=$SECONDS
{
  echo "BEGIN;"
  for ((i = 0; i < 500; i++)); do echo "INSERT INTO t.k (v) VALUES (REPEAT('b', 190));"; done
  echo "COMMIT;"
} | mariadb_sql primary || fail "the burst failed"
peak="$space_before"
while ((SECONDS < burst_start + 3)); do
  space="$(replica_status_field replica Relay_Log_Space)"
  ((space > peak)) && peak="$space"
  sleep 0.2
done
((peak - space_before < 20000)) ||
  fail "the replica's relay log grew by $((peak - space_before)) bytes during the delay: the backlog was not held by the sidecar"
[[ "$(replica_status_field replica Slave_IO_Running)" == Yes ]] ||
  fail "the replica's I/O thread stopped: $(replica_status_field replica Last_IO_Error)"
replica_wait_caught_up replica 60
replica_expect_consistent replica
ok "serve.delay=5s: every transaction reached the replica at least 3.5 s after its commit; a 100 KB burst grew its relay log by $((peak - space_before)) bytes while held; I/O thread connected"
sidecar_stop
