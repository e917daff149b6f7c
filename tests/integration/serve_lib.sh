# shellcheck shell=bash
# Helpers shared by the serve_*_test.sh integration tests (sourced after scripts/lib/mariadb.sh,
# pull_lib.sh and harness_init): replicas of the sidecar, load on the primary, and the checks
# that a replica ends consistent with the primary.

# serve_port: the sidecar's serve.port (from the sidecar.conf sidecar_configure wrote).
serve_port() {
  awk '/^\[/ { s = $0 } s == "[serve]" && $1 == "port" { print $3 }' "$WORK_DIR/sidecar/sidecar.conf"
}

# serve_wait_listening [TIMEOUT_S]: wait until the sidecar answers on serve.port.
serve_wait_listening() {
  local timeout="${1:-30}" deadline port
  port="$(serve_port)"
  deadline=$((SECONDS + timeout))
  until mariadb --no-defaults -h127.0.0.1 -P"$port" -urepl -preplpw -N -B \
    -e 'SELECT 1' >/dev/null 2>&1 </dev/null; do
    ((SECONDS < deadline)) || fail "the sidecar does not answer on 127.0.0.1:$port"
    sleep 0.2
  done
}

# replica_start NAME PORT SERVER_ID [MARIADBD_ARGS...]: a MariaDB server meant to replicate
# from the sidecar (relay_log_recovery on, as a crash-safe replica runs).
replica_start() {
  local name="$1" port="$2" id="$3"
  shift 3
  mariadb_start "$name" "$port" "$id" --relay-log=relay-bin --relay-log-recovery=1 \
    --binlog-checksum=CRC32 "$@" || fail "replica $name did not start"
}

# replica_follow_sidecar NAME MODE: CHANGE MASTER TO the sidecar and START SLAVE. MODE is
# slave_pos (GTID) or a "FILE:POS" start (MASTER_USE_GTID=no).
replica_follow_sidecar() {
  local name="$1" mode="$2" where
  if [[ "$mode" == slave_pos ]]; then
    where="MASTER_USE_GTID=slave_pos"
  else
    where="MASTER_USE_GTID=no, MASTER_LOG_FILE='${mode%:*}', MASTER_LOG_POS=${mode##*:}"
  fi
  mariadb_sql "$name" "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$(serve_port),
      MASTER_USER='repl', MASTER_PASSWORD='replpw', MASTER_CONNECT_RETRY=1,
      MASTER_HEARTBEAT_PERIOD=1, $where; START SLAVE" || fail "CHANGE MASTER on $name failed"
}

# replica_status_field NAME FIELD: one column of SHOW SLAVE STATUS.
replica_status_field() {
  mariadb --no-defaults -uroot -S "$(mariadb_socket "$1")" -E -e 'SHOW SLAVE STATUS' \
    </dev/null | awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print; exit }'
}

# replica_wait_caught_up NAME [TIMEOUT_S]: wait until NAME has executed everything the primary
# logged (gtid_slave_pos = the primary's gtid_binlog_pos); fails with the replica's errors.
replica_wait_caught_up() {
  local name="$1" timeout="${2:-120}" deadline want got
  want="$(mariadb_sql primary 'SELECT @@gtid_binlog_pos')"
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    got="$(mariadb_sql "$name" 'SELECT @@gtid_slave_pos' 2>/dev/null || true)"
    [[ "$got" == "$want" ]] && return 0
    sleep 0.3
  done
  fail "replica $name is at '$got', the primary at '$want' after ${timeout}s; IO: \
$(replica_status_field "$name" Last_IO_Error); SQL: $(replica_status_field "$name" Last_SQL_Error)"
}

# checksums NAME: "table checksum" of every user table, sorted.
checksums() {
  mariadb_sql "$1" "SELECT CONCAT(table_schema, '.', table_name) FROM information_schema.tables
      WHERE table_schema IN ('t', 'sbtest') ORDER BY 1" |
    while read -r table; do mariadb_sql "$1" "CHECKSUM TABLE $table"; done
}

# replica_expect_consistent NAME: CHECKSUM TABLE of every user table equals the primary's.
replica_expect_consistent() {
  local want got
  want="$(checksums primary)"
  got="$(checksums "$1")"
  [[ -n "$want" ]] || fail "the primary has no table to compare"
  [[ "$got" == "$want" ]] || fail "replica $1 differs from the primary:
primary: $want
$1: $got"
}

# sql_load COUNT: COUNT transactions of inserts and updates on t.k through one client.
sql_load() {
  local n="$1" i
  for ((i = 0; i < n; i++)); do
    printf "BEGIN; INSERT INTO t.k (v) VALUES (REPEAT('k', 150)),('%d'); COMMIT;\n" "$i"
    printf "UPDATE t.k SET v = REVERSE(v) WHERE id = %d;\n" $((i % 40 + 1))
  done | mariadb_sql primary || fail "the SQL load failed"
}

# sysbench_load SECONDS: sysbench oltp_write_only on the primary (database sbtest, 2 tables).
sysbench_load() {
  local seconds="$1" args
  args=(--db-driver=mysql --mysql-socket="$(mariadb_socket primary)" --mysql-user=root
    --mysql-db=sbtest --tables=2 --table-size=500 --threads=2)
  mariadb_sql primary "CREATE DATABASE IF NOT EXISTS sbtest" || fail "CREATE DATABASE sbtest"
  sysbench oltp_write_only "${args[@]}" prepare >"$WORK_DIR/sysbench.log" 2>&1 ||
    fail "sysbench prepare failed: $(tail -5 "$WORK_DIR/sysbench.log")"
  sysbench oltp_write_only "${args[@]}" --time="$seconds" --report-interval=0 run \
    >>"$WORK_DIR/sysbench.log" 2>&1 || fail "sysbench run failed: $(tail -5 "$WORK_DIR/sysbench.log")"
}
