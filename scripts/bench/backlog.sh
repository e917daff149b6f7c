# shellcheck shell=bash
# The benchmark backlogs and the MariaDB replica of scripts/bench.sh.
#
# backlog_up KIND starts a primary named KIND (big or small) whose datadir is cached in
# BENCH_DIR/cache/KIND-SIZE/ and linked into WORK_DIR, generating the backlog the first time:
#   big    rows of BENCH_ROW_BYTES inserted and deleted in batches (bytes-bound), until the
#          binlogs add up to BENCH_PULL_BYTES;
#   small  sysbench oltp_insert (4 events of ~100 bytes per transaction, events-bound), until
#          they add up to BENCH_SMALL_BYTES.
# No fsync while generating (sync_binlog=0). The benchmarks only read these primaries, so a
# rerun reuses the cache (delete the directory to regenerate). Sets, for the running primary:
#   SRC_PORT, SRC_FIRST (first binlog file), SRC_TARGET ("FILE POS" of its end), SRC_TOTAL
#   (bytes in all its binlogs).
# replica_up starts the replica "rep" once; replica_fetch has its I/O thread (never its SQL
# thread) fetch from a given port and times it. Users: repl/replpw (replication), bench/benchpw.

# The mariadbd options of every primary (a restart must use the same ones).
BENCH_PRIMARY_OPTS=(--binlog-checksum=CRC32 --max-binlog-size=128M --max-allowed-packet=256M
  --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=0 --sync-binlog=0
  --innodb-log-file-size=512M)

# primary_users NAME: the replication and benchmark users on primary NAME.
primary_users() {
  mariadb_sql "$1" "CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'replpw';
    GRANT REPLICATION SLAVE, REPLICATION CLIENT, BINLOG MONITOR ON *.* TO 'repl'@'127.0.0.1';
    CREATE USER 'bench'@'127.0.0.1' IDENTIFIED BY 'benchpw';
    GRANT ALL ON *.* TO 'bench'@'127.0.0.1'; CREATE DATABASE bench"
}

# sysbench_args PORT: the connection options of sysbench against 127.0.0.1:PORT.
sysbench_args() {
  echo "--db-driver=mysql --mysql-host=127.0.0.1 --mysql-port=$1 --mysql-user=bench --mysql-password=benchpw --mysql-db=bench"
}

# backlog_generate_big NAME BYTES: fill NAME's binlogs with big-row transactions.
backlog_generate_big() {
  local name="$1" bytes="$2" batch size=0 i deadline=$((SECONDS + BENCH_TIMEOUT))
  mariadb_sql "$name" "CREATE TABLE bench.t (id INT AUTO_INCREMENT PRIMARY KEY,
    b LONGBLOB NOT NULL) ENGINE=InnoDB"
  # 5 x (100 rows inserted, then deleted: both row images are logged) per client call.
  batch="$(for _ in 1 2 3 4 5; do
    echo "INSERT INTO bench.t (b) SELECT REPEAT(CHAR(65 + seq % 26), $BENCH_ROW_BYTES) FROM bench.seq_1_to_100;"
    echo "DELETE FROM bench.t;"
  done)"
  for ((i = 0; i < 100000 && size < bytes; i++)); do
    ((SECONDS < deadline)) || harness_die "big-row backlog generation timed out at $size bytes"
    mariadb_sql "$name" <<<"$batch" >/dev/null
    size="$(binlog_total "$name")"
  done
}

# backlog_generate_small NAME BYTES: fill NAME's binlogs with sysbench oltp_insert transactions.
backlog_generate_small() {
  local name="$1" bytes="$2" size=0 i deadline=$((SECONDS + BENCH_TIMEOUT))
  local -a args
  read -r -a args <<<"$(sysbench_args "$(mariadb_port "$name")")"
  sysbench oltp_insert "${args[@]}" --tables=4 --table-size=1000 prepare >/dev/null
  for ((i = 0; i < 1000 && size < bytes; i++)); do
    ((SECONDS < deadline)) || harness_die "small-transaction backlog generation timed out at $size bytes"
    sysbench oltp_insert "${args[@]}" --tables=4 --table-size=1000 --threads=8 --time=10 \
      --report-interval=0 run >/dev/null
    size="$(binlog_total "$name")"
  done
}

# backlog_up KIND: start (and generate once) the primary KIND; set SRC_*.
backlog_up() {
  local kind="$1" bytes cache
  case "$kind" in
    big) bytes="$BENCH_PULL_BYTES" cache="$BENCH_DIR/cache/big-$BENCH_PULL_BYTES-$BENCH_ROW_BYTES" ;;
    small) bytes="$BENCH_SMALL_BYTES" cache="$BENCH_DIR/cache/small-$BENCH_SMALL_BYTES" ;;
    *) harness_die "backlog_up: unknown kind $kind" ;;
  esac
  if ! SRC_PORT="$(mariadb_port "$kind" 2>/dev/null)" || ! mariadb_pid "$kind" >/dev/null; then
    [[ -f "$cache/READY" ]] || rm -rf "$cache"
    mkdir -p "$cache"
    ln -sfn "$cache" "$WORK_DIR/$kind"
    SRC_PORT="$(free_port)"
    mariadb_start "$kind" "$SRC_PORT" 1 "${BENCH_PRIMARY_OPTS[@]}" || harness_die "cannot start primary $kind"
    if [[ ! -f "$cache/READY" ]]; then
      say "generating the $kind backlog of $bytes bytes (once; cached in $cache)"
      primary_users "$kind"
      "backlog_generate_$kind" "$kind" "$bytes"
      mariadb_sql "$kind" "FLUSH BINARY LOGS"
      date -u +%FT%TZ >"$cache/READY"
    fi
  fi
  SRC_FIRST="$(mariadb_sql "$kind" "SHOW BINARY LOGS" | awk 'NR == 1 { print $1 }')"
  SRC_TARGET="$(master_pos_settled "$kind")"
  SRC_TOTAL="$(binlog_total "$kind")"
  say "$kind backlog: $SRC_TOTAL bytes from $SRC_FIRST to $SRC_TARGET"
}

# master_pos_settled NAME: NAME's SHOW MASTER STATUS once it has not moved for half a second
# (after a start or FLUSH BINARY LOGS the server still appends its BINLOG_CHECKPOINT event).
master_pos_settled() {
  local pos prev="" i
  for ((i = 0; i < 40; i++)); do
    pos="$(master_pos "$1")"
    [[ "$pos" == "$prev" ]] && break
    prev="$pos"
    sleep 0.5
  done
  echo "$pos"
}

# replica_up: start the MariaDB replica "rep" (once). Sets REP_PORT.
replica_up() {
  if mariadb_pid rep >/dev/null; then return 0; fi
  REP_PORT="$(free_port)"
  mariadb_start rep "$REP_PORT" 2 --skip-slave-start --relay-log=relay-bin \
    --max-allowed-packet=256M --rpl-semi-sync-slave-enabled=ON || harness_die "cannot start the replica"
}

# replica_point NAME PORT FILE POS: replica NAME's master becomes 127.0.0.1:PORT at FILE:POS (the
# old relay logs are deleted); no thread is started.
replica_point() {
  mariadb_sql "$1" "STOP SLAVE; RESET SLAVE ALL;
    CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$2, MASTER_USER='repl',
    MASTER_PASSWORD='replpw', MASTER_LOG_FILE='$3', MASTER_LOG_POS=$4, MASTER_USE_GTID=no,
    MASTER_HEARTBEAT_PERIOD=1"
}

# replica_at NAME TARGET: true once replica NAME's I/O thread has read up to "FILE POS" TARGET.
replica_at() {
  pos_reached "$(slave_read_pos "$1")" "$2"
}

# replica_fetch PORT FILE TARGET: the replica's I/O thread fetches from 127.0.0.1:PORT, FILE:4
# up to TARGET. Sets RF_S (wall seconds) and RF_CPU (CPU seconds of the replica's mariadbd).
# Starts after a sync(1): the writeback of the relay logs of the fetch before is not this one's.
replica_fetch() {
  local pid cpu0 t0
  replica_up
  replica_point rep "$1" "$2" 4
  sync
  pid="$(mariadb_pid rep)"
  cpu0="$(proc_cpu_s "$pid")"
  t0="$EPOCHREALTIME"
  mariadb_sql rep "START SLAVE IO_THREAD"
  wait_until "$BENCH_TIMEOUT" replica_at rep "$3" ||
    harness_die "the replica's I/O thread did not reach $3 (at $(slave_read_pos rep); $(slave_field rep Last_IO_Error))"
  RF_S="$(calc "$EPOCHREALTIME - $t0")"
  RF_CPU="$(calc "$(proc_cpu_s "$pid") - $cpu0")"
  mariadb_sql rep "STOP SLAVE IO_THREAD"
}
