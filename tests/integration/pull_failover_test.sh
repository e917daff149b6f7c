#!/usr/bin/env bash
# Integration test: failover. The sidecar pulls by GTID from primary A (max_binlog_size 8 KiB,
# so the store holds many files) while B, a replica of A with log_slave_updates and its own
# file numbering (64 KiB files: a few, numbered far below the store's), follows A. Under a
# bounded SQL load: A is stopped for good, B promoted (STOP SLAVE; RESET SLAVE ALL), and the
# sidecar pointed at B with CHANGE MASTER TO on its admin port. More load on B (it rotates:
# each of its files goes under the next local number), the sidecar kill -9'd once and
# restarted mid-load. A MariaDB replica reads from the sidecar's serve port by GTID across the
# switch throughout.
# Asserts: the sidecar logs the renumbering at WARNING ("continuing as local mysql-bin.N,
# positions rewritten"); B's rotations gave new local files; every stored file passes
# check-binlog and decodes with mariadb-binlog -vv; the GTIDs of the stored transactions are
# exactly A's followed by B's new ones (no gap, no duplicate); the replica ends at B's
# gtid_binlog_pos with CHECKSUM TABLE equal to B's.
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
harness_require_cmd sqlite3 mariadb-binlog
harness_init

# load SERVER ROUNDS: a bounded SQL workload (single- and multi-row transactions, UPDATE, DELETE).
load() {
  local server="$1" rounds="$2" i
  for ((i = 0; i < rounds; i++)); do
    printf "INSERT INTO t.k (v) VALUES (REPEAT('%s', 150));\n" "${server:0:1}"
    printf "BEGIN; INSERT INTO t.k (v) VALUES ('x%d'),('y%d'),('z%d'); COMMIT;\n" "$i" "$i" "$i"
    printf "UPDATE t.k SET v = REVERSE(v) WHERE id %% 7 = %d;\n" $((i % 7))
    if ((i % 25 == 0)); then printf "DELETE FROM t.k WHERE id %% 11 = 0;\n"; fi
  done | mariadb_sql "$server" || fail "the load on $server failed"
}

# wait_gtid_pos SERVER WANT [TIMEOUT_S]: until SERVER's gtid_slave_pos is WANT.
wait_gtid_pos() {
  local server="$1" want="$2" timeout="${3:-120}" deadline got=""
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    got="$(mariadb_sql "$server" 'SELECT @@gtid_slave_pos' 2>/dev/null || true)"
    [[ "$got" == "$want" ]] && return 0
    sleep 0.3
  done
  fail "$server is at '$got', not '$want' after ${timeout}s; IO: \
$(replica_status_field "$server" Last_IO_Error); SQL: $(replica_status_field "$server" Last_SQL_Error)"
}

# gtids FILE...: the GTID of every transaction in the binlog files, in order.
gtids() {
  mariadb-binlog --no-defaults "$@" | grep -oE 'GTID [0-9]+-[0-9]+-[0-9]+' | awk '{print $2}'
}

printf 'adminpw\n' >"$WORK_DIR/admin.password"
chmod 600 "$WORK_DIR/admin.password"

A_PORT="$(free_port)"
pull_primary_start "$A_PORT" --max-binlog-size=8192 --gtid-strict-mode=1
B_PORT="$(free_port)"
mariadb_start promoted "$B_PORT" 2 --binlog-checksum=CRC32 --max-binlog-size=65536 \
  --log-slave-updates --gtid-strict-mode=1 --relay-log=relay-bin || fail "B did not start"
mariadb_sql promoted "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$A_PORT,
    MASTER_USER='repl', MASTER_PASSWORD='replpw', MASTER_USE_GTID=slave_pos,
    MASTER_CONNECT_RETRY=1; START SLAVE" || fail "B does not replicate A"

sidecar_configure "$A_PORT" upstream.gtid=on upstream.start=earliest \
  admin.user=sidecar_admin "admin.password_file=$WORK_DIR/admin.password"
sidecar_start
serve_wait_listening 30
SERVE_PORT="$(serve_port)"
admin() {
  mariadb --no-defaults -h127.0.0.1 -P"$SERVE_PORT" -usidecar_admin -padminpw \
    --connect-timeout=10 -N -B -e "$1" </dev/null 2>&1 || true
}

R_PORT="$(free_port)"
replica_start replica "$R_PORT" 3
replica_follow_sidecar replica slave_pos

# --- A's history ---------------------------------------------------------------------------
load primary 150
sidecar_wait_caught_up 90
a_pos="$(mariadb_sql primary 'SELECT @@gtid_binlog_pos')"
wait_gtid_pos promoted "$a_pos"
stored_before="$(find "$WORK_DIR/sidecar/data/binlog" -name 'mysql-bin.[0-9]*' | wc -l)"
((stored_before >= 3)) || fail "the store holds only $stored_before files before the failover"
ok "the sidecar and B hold A's history ($a_pos); the store has $stored_before files"

# --- Failover ------------------------------------------------------------------------------
a_files=("$(mariadb_datadir primary)"/mysql-bin.[0-9]*)
mariadb_stop primary
mariadb_sql promoted "STOP SLAVE; RESET SLAVE ALL" || fail "promoting B failed"
[[ -z "$(admin 'STOP SLAVE')" ]] || fail "STOP SLAVE on the sidecar failed"
out="$(admin "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$B_PORT")"
[[ -z "$out" ]] || fail "CHANGE MASTER TO on the sidecar failed: $out"
[[ -z "$(admin 'START SLAVE')" ]] || fail "START SLAVE on the sidecar failed"

load promoted 60
# kill -9 mid-load, after the failover, then restart.
load promoted 60 &
load_pid=$!
deadline=$((SECONDS + 60))
until grep -q "positions rewritten" "$WORK_DIR/sidecar/sidecar.log"; do
  ((SECONDS < deadline)) || fail "the sidecar never logged the renumbered failover"
  sleep 0.2
done
sidecar_kill9
sidecar_start
wait "$load_pid" || fail "the load on B failed"
load promoted 30

grep -E "^WARNING upstream: failover to 127.0.0.1:$B_PORT verified.*continuing as local mysql-bin\.0*$((stored_before + 1)), positions rewritten" \
  "$WORK_DIR/sidecar/sidecar.log" >/dev/null || fail "no WARNING line naming the next local file"
b_pos="$(mariadb_sql promoted 'SELECT @@gtid_binlog_pos')"
wait_gtid_pos replica "$b_pos" 120
ok "after the failover, kill -9 and restart, the replica reached B's $b_pos through the sidecar"

# --- The stored history --------------------------------------------------------------------
sidecar_stop
stored=("$WORK_DIR/sidecar/data/binlog"/mysql-bin.[0-9]*)
((${#stored[@]} >= stored_before + 2)) ||
  fail "B's rotations gave no new local file: ${#stored[@]} files, $stored_before before"
out="$("$SIDECAR_BIN" check-binlog "${stored[@]}" 2>&1)" || fail "check-binlog: $out"
for f in "${stored[@]}"; do
  mariadb-binlog --no-defaults -vv "$f" >/dev/null 2>"$WORK_DIR/decode.err" ||
    fail "mariadb-binlog -vv cannot decode $(basename "$f"): $(head -3 "$WORK_DIR/decode.err")"
done
gtids "${stored[@]}" >"$WORK_DIR/stored.gtids"
{
  gtids "${a_files[@]}"
  gtids "$(mariadb_datadir promoted)"/mysql-bin.[0-9]* | grep -E '^[0-9]+-2-'
} >"$WORK_DIR/expected.gtids"
[[ -s "$WORK_DIR/expected.gtids" ]] || fail "no GTID found in A's and B's binlogs"
[[ -z "$(sort "$WORK_DIR/stored.gtids" | uniq -d)" ]] ||
  fail "duplicated transactions stored: $(sort "$WORK_DIR/stored.gtids" | uniq -d | head -3)"
diff "$WORK_DIR/expected.gtids" "$WORK_DIR/stored.gtids" >"$WORK_DIR/gtids.diff" ||
  fail "the stored GTIDs are not A's followed by B's new ones: $(head -5 "$WORK_DIR/gtids.diff")"
awk -F- '{ if ($3 != NR) { print "gap at " NR ": " $0; exit 1 } }' "$WORK_DIR/stored.gtids" ||
  fail "the stored GTID sequence has a gap"
ok "${#stored[@]} stored files: check-binlog and mariadb-binlog -vv ok; $(wc -l <"$WORK_DIR/stored.gtids") GTIDs = A's then B's, no gap, no duplicate"

want="$(checksums promoted)"
got="$(checksums replica)"
[[ -n "$want" && "$got" == "$want" ]] || fail "the replica differs from B:
replica: $got
B:       $want"
ok "CHECKSUM TABLE of the replica reading from the sidecar equals B's"
