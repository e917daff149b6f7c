#!/usr/bin/env bash
# Integration test: serve.delay. With serve.delay = 3s the sidecar releases an event only once
# its timestamp is 3 s old, so a replica (without MASTER_DELAY) applies each transaction no
# sooner than 3 s after its statement started on the primary, while its I/O thread stays
# connected (heartbeats go on meanwhile). Binlog timestamps are whole seconds (of the
# statement's start) and the commit time is read just after the commit, so what is asserted
# is "applied at least 1.5 s after the commit": without the delay it takes well under a second
# here. Lateness is never asserted, only earliness.
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
sidecar_configure "$(mariadb_port primary)" serve.delay=3s
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
  awk -v c="$committed" -v a="$applied" 'BEGIN { exit !(a - c >= 1.5) }' ||
    fail "round $round: applied $(awk -v c="$committed" -v a="$applied" 'BEGIN { print a - c }') s after the commit, before serve.delay"
done
[[ "$(replica_status_field replica Slave_IO_Running)" == Yes ]] ||
  fail "the replica's I/O thread stopped: $(replica_status_field replica Last_IO_Error)"
replica_wait_caught_up replica 60
replica_expect_consistent replica
ok "serve.delay=3s: every transaction reached the replica at least 1.5 s after its commit, I/O thread connected"
sidecar_stop
