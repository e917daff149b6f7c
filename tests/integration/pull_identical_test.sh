#!/usr/bin/env bash
# Integration test: the sidecar's files are byte-identical to the primary's.
#
# A MariaDB primary with --max-binlog-size=8192 (it rotates every few transactions) under a
# bounded write load (a SQL loop: single-row and multi-row transactions, UPDATE, DELETE, DDL);
# the sidecar pulls from it. Twice: by file/position (gtid=off, start=earliest) and by GTID
# (gtid=on: after a clean restart it resumes by @slave_connect_state, continuing mid-file).
# After the load: the sidecar's checkpoint reaches SHOW MASTER STATUS, every stored file cmp's
# equal to the primary's (in-use flag aside), check-binlog is ok, SHOW SLAVE HOSTS lists the
# sidecar's server_id, and SIGTERM exits 0.
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

# load ROUNDS: a bounded SQL workload on the primary.
load() {
  local rounds="$1" i
  for ((i = 0; i < rounds; i++)); do
    printf "INSERT INTO t.k (v) VALUES (REPEAT('a', 150));\n"
    printf "BEGIN; INSERT INTO t.k (v) VALUES ('x%d'),('y%d'),('z%d'); COMMIT;\n" "$i" "$i" "$i"
    printf "UPDATE t.k SET v = REVERSE(v) WHERE id %% 7 = %d;\n" $((i % 7))
    if ((i % 25 == 0)); then printf "DELETE FROM t.k WHERE id %% 11 = 0;\n"; fi
    if ((i % 100 == 50)); then printf "ALTER TABLE t.k FORCE;\n"; fi
  done | mariadb_sql primary || fail "the load failed"
}

run_case() {
  local gtid="$1"
  rm -rf "$WORK_DIR/sidecar"
  sidecar_configure "$PRIMARY_PORT" "upstream.gtid=$gtid" "upstream.start=earliest"
  sidecar_start
  load 100
  sidecar_wait_caught_up 60
  mariadb_sql primary "SHOW SLAVE HOSTS" | awk '{print $1}' | grep -qx 4001 ||
    fail "SHOW SLAVE HOSTS does not list server_id 4001"
  sidecar_stop
  # Restart mid-stream: the second run resumes from the checkpoint (by GTID when gtid=on).
  sidecar_start
  load 100 &
  local load_pid=$!
  wait "$load_pid" || fail "the load failed"
  sidecar_wait_caught_up 60
  if [[ "$gtid" == on ]]; then
    grep -q "by GTID after" "$WORK_DIR/sidecar/sidecar.log" || fail "gtid=on did not resume by GTID"
  fi
  local n
  n="$(sidecar_compare_files)"
  sidecar_stop
  ok "gtid=$gtid: $n stored files identical to the primary's, check-binlog ok"
}

PRIMARY_PORT="$(free_port)"
pull_primary_start "$PRIMARY_PORT" --max-binlog-size=8192
run_case off
run_case on
