#!/usr/bin/env bash
# Integration test: a delayed replica behind the sidecar, under a disk budget.
#
# The replica replicates from the sidecar with MASTER_DELAY and a small relay_log_space_limit
# (1M); the sidecar's budget.disk is 4M (its share: 3M) with keep_min 0s, and the primary
# writes several times that share under sustained load (about 40 KiB per transaction, for
# BUDGET_DELAY_SECONDS), cutting 64 KiB files. Sampled ten times a second throughout, the
# sidecar's binlog files never hold more than its share, not one byte more (the puller stops
# before an event that does not fit: budget/append_allowance.h). The replica never loses a
# file it still needs (its I/O thread never reports error 1236, which a purged file would
# cause; checked every tenth sample and at the end), and ends consistent with the primary;
# the sidecar purged files on the way.
#
# Environment: SIDECAR_BIN, SIDECAR_SOURCE_DIR (set by CTest), KEEP_WORK=1,
# BUDGET_DELAY_SECONDS (the longest the load runs, default 40; it stops after 400
# transactions).
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
harness_require_cmd sqlite3 cmp
harness_init

readonly SHARE=$((3 * 1024 * 1024))
LOAD_SECONDS="${BUDGET_DELAY_SECONDS:-40}"

pull_primary_start "$(free_port)" --max-binlog-size=65536
sidecar_configure "$(mariadb_port primary)" budget.disk=4M budget.keep_min=0s
replica_start replica "$(free_port)" 2 --relay-log-space-limit=1M
mariadb_sql replica "CREATE USER 'monitor'@'localhost' IDENTIFIED BY 'replpw';
  GRANT REPLICA MONITOR ON *.* TO 'monitor'@'localhost'" || fail "replica setup failed"
ln -sfn "$(mariadb_socket replica)" "$WORK_DIR/sidecar/replica.sock"
sidecar_start
serve_wait_listening
replica_follow_sidecar replica slave_pos
mariadb_sql replica "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=2; START SLAVE" ||
  fail "MASTER_DELAY on the replica failed"

# stored_bytes: the bytes of the sidecar's binlog files now. A file purged while find lists
# the directory makes find fail: it is gone, and counts as such.
stored_bytes() {
  { find "$WORK_DIR/sidecar/data/binlog" -name 'mysql-bin.[0-9]*' -printf '%s\n' 2>/dev/null ||
    true; } | awk '{ s += $1 } END { print s + 0 }'
}

end=$((SECONDS + LOAD_SECONDS))
(
  for ((i = 0; i < 400 && SECONDS < end; i++)); do
    echo "INSERT INTO t.k (v) SELECT REPEAT('z', 190) FROM t.seq_1_to_200;"
    sleep 0.05
  done | mariadb_sql primary
) &
LOAD_PID=$!
harness_add_cleanup "kill $LOAD_PID 2>/dev/null || true"

peak=0
samples=0
while proc_alive "$LOAD_PID"; do
  bytes="$(stored_bytes)"
  ((bytes > peak)) && peak="$bytes"
  samples=$((samples + 1))
  if ((samples % 10 == 0)); then
    errno="$(replica_status_field replica Last_IO_Errno)"
    [[ "$errno" != 1236 ]] ||
      fail "the replica lost a file it needed: $(replica_status_field replica Last_IO_Error)"
  fi
  sleep 0.1
done
errno="$(replica_status_field replica Last_IO_Errno)"
[[ "$errno" != 1236 ]] ||
  fail "the replica lost a file it needed: $(replica_status_field replica Last_IO_Error)"
wait "$LOAD_PID" || fail "the load failed"
written="$(mariadb_binlogs primary | xargs stat -c %s | awk '{ s += $1 } END { print s + 0 }')"
((written > 2 * SHARE)) || fail "the load wrote only $written bytes, not several times the share"
((peak <= SHARE)) || fail "the sidecar stored $peak bytes at its peak, over its share $SHARE"
ok "$samples samples: peak $peak bytes stored (share $SHARE) while the primary wrote $written"

replica_wait_caught_up replica 180
replica_expect_consistent replica
purged="$(grep -c 'purged' "$WORK_DIR/sidecar/sidecar.log" || true)"
((purged > 0)) || fail "the sidecar purged nothing"
sidecar_stop
ok "the delayed replica caught up and equals the primary; $purged purge lines in the log"
