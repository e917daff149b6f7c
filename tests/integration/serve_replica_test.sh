#!/usr/bin/env bash
# Integration test: real MariaDB replicas replicate through the sidecar.
#
# A primary, the sidecar pulling from it, and two replicas of the sidecar at once: one by GTID
# (MASTER_USE_GTID=slave_pos), one by file/position from mysql-bin.000001:4. sysbench
# oltp_write_only (and a SQL loop) run on the primary, which rotates its binlog every 64 KiB.
# At the end both replicas have executed everything and every table's CHECKSUM TABLE equals the
# primary's. Then `mariadb-binlog --read-from-remote-server --raw` against the sidecar yields
# files byte-identical to the primary's, and `mariadb-binlog -vv` decodes the stored files.
#
# Environment: SIDECAR_BIN, SIDECAR_SOURCE_DIR (set by CTest), KEEP_WORK=1, SERVE_LOAD_SECONDS.
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
harness_require_cmd sqlite3 cmp dd truncate sysbench mariadb-binlog
harness_init

pull_primary_start "$(free_port)" --max-binlog-size=65536
sidecar_configure "$(mariadb_port primary)"
sidecar_start
serve_wait_listening 30

replica_start gtid_replica "$(free_port)" 2
replica_start file_replica "$(free_port)" 3
replica_follow_sidecar gtid_replica slave_pos
replica_follow_sidecar file_replica mysql-bin.000001:4

sysbench_load "${SERVE_LOAD_SECONDS:-10}"
sql_load 300

sidecar_wait_caught_up 120
replica_wait_caught_up gtid_replica
replica_wait_caught_up file_replica
replica_expect_consistent gtid_replica
replica_expect_consistent file_replica
[[ "$(replica_status_field file_replica Using_Gtid)" == No ]] ||
  fail "file_replica does not replicate by file/position"
ok "a GTID replica and a file/position replica of the sidecar equal the primary"

# mariadb-binlog reading from the sidecar gets the primary's files, byte for byte.
raw="$WORK_DIR/raw"
mkdir -p "$raw"
first="$(basename "$(mariadb_binlogs primary | head -1)")"
(cd "$raw" && mariadb-binlog --no-defaults --read-from-remote-server --raw --to-last-log \
  --host=127.0.0.1 --port="$(serve_port)" --user=repl --password=replpw "$first") ||
  fail "mariadb-binlog --read-from-remote-server --raw against the sidecar failed"
n=0
while read -r primary_file; do
  name="$(basename "$primary_file")"
  [[ -f "$raw/$name" ]] || fail "mariadb-binlog did not get $name from the sidecar"
  _masked "$WORK_DIR/a" "$raw/$name"
  _masked "$WORK_DIR/b" "$primary_file"
  cmp -s "$WORK_DIR/a" "$WORK_DIR/b" ||
    fail "$name read from the sidecar differs from the primary's: $(cmp "$WORK_DIR/a" "$WORK_DIR/b" | head -1)"
  n=$((n + 1))
done < <(mariadb_binlogs primary)
((n > 1)) || fail "expected several binlog files, got $n"
ok "mariadb-binlog --raw from the sidecar: $n files byte-identical to the primary's"

mariadb-binlog --no-defaults -vv "$WORK_DIR"/sidecar/data/binlog/mysql-bin.[0-9]* >"$WORK_DIR/decoded.txt" ||
  fail "mariadb-binlog -vv cannot decode the stored files"
# shellcheck disable=SC2016 # backquotes are mariadb-binlog's, not a command
grep -q '### INSERT INTO `t`.`k`' "$WORK_DIR/decoded.txt" ||
  fail "mariadb-binlog -vv shows no row event of t.k"
ok "mariadb-binlog -vv decodes the stored files"
sidecar_stop
