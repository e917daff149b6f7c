#!/usr/bin/env bash
# binlog-sidecar benchmarks. Never run by the tests; numbers are printed, never asserted.
#
# Usage: scripts/bench.sh [SECTION...]      (default: every section)
#   check-binlog   read throughput and peak RSS of `check-binlog` on a >= 1 GiB binlog from a
#                  real MariaDB, against `cat FILE > /dev/null` (the read ceiling).
#   store-append   the store's append path (storage.sync = group, every byte fdatasync'd and
#                  checkpointed) replaying that binlog, against `dd conv=fdatasync` of the same
#                  size on the same disk; write(2) calls, fsyncs and heap allocations per MB.
#   pull           pulling a backlog of BENCH_PULL_BYTES from a real MariaDB primary: the
#                  sidecar (every byte fdatasync'd and checkpointed) vs `mariadb-binlog
#                  --read-from-remote-server --raw --stop-never` vs a MariaDB replica's I/O
#                  thread (SQL thread stopped), and `dd conv=fdatasync` of the same size: MB/s,
#                  CPU s/GB, peak RSS; then the primary's commit rate under sysbench with no
#                  semi-sync replica, the sidecar as semi-sync replica, a MariaDB semi-sync replica.
#
# Environment:
#   BENCH_PULL_BYTES backlog size for the pull section (default 402653184 = 384 MiB)
#   BENCH_SEMISYNC_SECONDS  sysbench run length per semi-sync case (default 20)
#   BENCH_DIR        cache and work dir (default /var/tmp/binlog-sidecar-bench); the generated
#                    binlog is kept there and reused by later runs (delete it to regenerate)
#   BENCH_RUNS       timed runs per command, the median is reported (default 5)
#   BENCH_MIN_BYTES  size of the generated binlog (default 1073741824 = 1 GiB)
#   BENCH_ROW_BYTES  bytes per row of the generating workload (default 60000)
#   BUILD_DIR        Release build to use or create (default build/); SIDECAR_BIN overrides it
#
# To add a section (pull, serve, semi-sync...): write bench_section_NAME (dashes become
# underscores) and add NAME to BENCH_SECTIONS.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib/mariadb.sh
source "$REPO/scripts/lib/mariadb.sh"
# shellcheck source=lib/sidecar.sh
source "$REPO/scripts/lib/sidecar.sh"

BENCH_SECTIONS=(check-binlog store-append pull)
BENCH_DIR="${BENCH_DIR:-/var/tmp/binlog-sidecar-bench}"
BENCH_RUNS="${BENCH_RUNS:-5}"
BENCH_MIN_BYTES="${BENCH_MIN_BYTES:-1073741824}"
BENCH_ROW_BYTES="${BENCH_ROW_BYTES:-60000}"
# storage.sync_interval for the store-append section, in milliseconds (the product default).
BENCH_SYNC_INTERVAL_MS="${BENCH_SYNC_INTERVAL_MS:-5}"
# Peak RSS may grow by at most this much from a tiny file to the big one to count as flat.
BENCH_FLAT_RSS_SLACK_MB="${BENCH_FLAT_RSS_SLACK_MB:-32}"
BENCH_PULL_BYTES="${BENCH_PULL_BYTES:-402653184}"
BENCH_SEMISYNC_SECONDS="${BENCH_SEMISYNC_SECONDS:-20}"
BUILD_DIR="${BUILD_DIR:-$REPO/build}"
SIDECAR_BIN="${SIDECAR_BIN:-}"

# say MESSAGE...: progress on stderr, so stdout holds only the results.
say() {
  printf '[bench] %s\n' "$*" >&2
}

# calc EXPR: print the value of the awk arithmetic expression EXPR.
calc() {
  awk "BEGIN { print $1 }"
}

# median NUMBER...: print the median (the lower middle for an even count).
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# measure OUT_VAR_SECONDS OUT_VAR_RSS_KB CMD...: run CMD once with stdout to /dev/null under
# GNU time; set the wall seconds (microsecond clock) and peak RSS in KiB. Fails if CMD fails.
measure() {
  local -n _secs="$1" _rss="$2"
  shift 2
  local t0 t1 tf="$WORK_DIR/time.out"
  t0="$EPOCHREALTIME"
  if ! /usr/bin/time -f '%e %M' -o "$tf" "$@" >/dev/null 2>"$WORK_DIR/measure.err"; then
    cat "$WORK_DIR/measure.err" "$tf" >&2
    harness_die "benchmarked command failed: $*"
  fi
  t1="$EPOCHREALTIME"
  _secs="$(calc "$t1 - $t0")"
  _rss="$(awk 'END { print $2 }' "$tf")"
}

# bench_setup: dependencies, the binary (SIDECAR_BIN), the work dir and its cleanup trap.
bench_setup() {
  "$REPO/scripts/deps.sh" >&2
  mkdir -p "$BENCH_DIR"
  # A fresh work dir inside BENCH_DIR, removed at exit after its servers are stopped.
  unset WORK_DIR
  TMPDIR="$BENCH_DIR" harness_init
  if [[ -z "$SIDECAR_BIN" ]]; then
    say "building binlog-sidecar (Release) in $BUILD_DIR"
    SIDECAR_BIN="$(sidecar_build "$BUILD_DIR" "$BENCH_DIR/build.log")"
  fi
  [[ -x "$SIDECAR_BIN" ]] || harness_die "SIDECAR_BIN=$SIDECAR_BIN is not executable"
}

# bench_generate_binlog: make sure $BENCH_DIR/binlog holds big.binlog (>= BENCH_MIN_BYTES, one
# closed ROW/CRC32 file from a real MariaDB) and small.binlog (a tiny closed file of the same
# server). Generated once, then reused: rows of BENCH_ROW_BYTES inserted and deleted in batches
# with no fsync, until the first file reaches the size (bounded in count and time).
bench_generate_binlog() {
  local out="$BENCH_DIR/binlog" ready avail need batch size=0 deadline big small i
  ready="$out/READY"
  if [[ -f "$ready" && -f "$out/big.binlog" && -f "$out/small.binlog" ]] &&
    (($(stat -c %s "$out/big.binlog") >= BENCH_MIN_BYTES)); then
    say "reusing the cached binlog in $out ($(stat -c %s "$out/big.binlog") bytes)"
    return 0
  fi
  rm -rf "$out"
  avail="$(df -P -B1 "$BENCH_DIR" | awk 'NR == 2 { print $4 }')"
  need=$((BENCH_MIN_BYTES * 5 / 2))
  ((avail >= need)) || harness_die "need $need free bytes in $BENCH_DIR to generate the binlog, have $avail"

  say "generating a $BENCH_MIN_BYTES-byte binlog with MariaDB (once; cached in $out)"
  mariadb_start gen "$(free_port)" 1 --binlog-checksum=CRC32 --max-binlog-size=1G \
    --innodb-flush-log-at-trx-commit=0 --sync-binlog=0 --max-allowed-packet=256M \
    --innodb-buffer-pool-size=256M --innodb-log-file-size=512M
  mariadb_sql gen "CREATE DATABASE bench; CREATE TABLE bench.t (id INT AUTO_INCREMENT PRIMARY KEY,
    b LONGBLOB NOT NULL) ENGINE=InnoDB"
  # One batch: 100 rows of BENCH_ROW_BYTES inserted then deleted (both row images go to the
  # binlog), ten batches per client call.
  batch="$(for _ in 1 2 3 4 5 6 7 8 9 10; do
    echo "INSERT INTO bench.t (b) SELECT REPEAT(CHAR(65 + seq % 26), $BENCH_ROW_BYTES) FROM bench.seq_1_to_100;"
    echo "DELETE FROM bench.t;"
  done)"
  big="$(mariadb_datadir gen)/mysql-bin.000001"
  deadline=$((SECONDS + 1800))
  for ((i = 0; i < 10000 && size < BENCH_MIN_BYTES; i++)); do
    ((SECONDS < deadline)) || harness_die "binlog generation took over 30 minutes; stopped at $size bytes"
    mariadb_sql gen <<<"$batch" >/dev/null
    size="$(stat -c %s "$big")"
  done
  ((size >= BENCH_MIN_BYTES)) || harness_die "binlog generation stopped at $size bytes"
  mariadb_sql gen "FLUSH BINARY LOGS"
  mariadb_stop gen # a clean shutdown closes every file
  small="$(mariadb_binlogs gen | tail -n 1)"
  mkdir -p "$out"
  mv "$big" "$out/big.binlog"
  mv "$small" "$out/small.binlog"
  rm -rf "$(mariadb_dir gen)"
  echo "rows of $BENCH_ROW_BYTES bytes, $(date -u +%FT%TZ)" >"$ready"
  say "generated $(stat -c %s "$out/big.binlog") bytes"
}

# bench_section_check_binlog: the check-binlog throughput table.
bench_section_check_binlog() {
  local big="$BENCH_DIR/binlog/big.binlog" small="$BENCH_DIR/binlog/small.binlog"
  local bytes events run s kb small_kb cat_s chk_s cat_kb chk_kb cat_gbs chk_gbs
  local -a cat_t=() cat_m=() chk_t=() chk_m=()
  bench_generate_binlog
  bytes="$(stat -c %s "$big")"

  # Is the file whole, and how many events? Also warms the page cache.
  "$SIDECAR_BIN" check-binlog "$big" >"$WORK_DIR/big.json" 2>"$WORK_DIR/big.err" ||
    { cat "$WORK_DIR/big.json" "$WORK_DIR/big.err" >&2; harness_die "check-binlog failed on $big"; }
  events="$(jq -r '.events' "$WORK_DIR/big.json")"
  cat "$big" >/dev/null

  say "timing $BENCH_RUNS runs each of cat and check-binlog on $bytes bytes"
  for ((run = 0; run < BENCH_RUNS; run++)); do
    measure s kb cat "$big"
    cat_t+=("$s") cat_m+=("$kb")
    measure s kb "$SIDECAR_BIN" check-binlog "$big"
    chk_t+=("$s") chk_m+=("$kb")
  done
  measure s small_kb "$SIDECAR_BIN" check-binlog "$small"

  cat_s="$(median "${cat_t[@]}")" chk_s="$(median "${chk_t[@]}")"
  cat_kb="$(median "${cat_m[@]}")" chk_kb="$(median "${chk_m[@]}")"
  cat_gbs="$(calc "$bytes / $cat_s / 1e9")" chk_gbs="$(calc "$bytes / $chk_s / 1e9")"

  echo
  echo "## check-binlog throughput"
  printf 'file: %s, %.2f GB, %s events (%.0f bytes/event), %s runs, warm page cache, median\n' \
    "$big" "$(calc "$bytes / 1e9")" "$events" "$(calc "$bytes / ($events > 0 ? $events : 1)")" "$BENCH_RUNS"
  printf '%-14s %10s %8s %14s\n' command seconds GB/s "peak RSS MB"
  printf '%-14s %10.3f %8.2f %14.1f\n' "cat" "$cat_s" "$cat_gbs" "$(calc "$cat_kb / 1024")"
  printf '%-14s %10.3f %8.2f %14.1f\n' "check-binlog" "$chk_s" "$chk_gbs" "$(calc "$chk_kb / 1024")"
  printf 'ratio check-binlog/cat (throughput): %.2f\n' "$(calc "$chk_gbs / $cat_gbs")"
  printf 'peak RSS of check-binlog: %.1f MB on %s bytes, %.1f MB on a %s-byte file\n' \
    "$(calc "$chk_kb / 1024")" "$bytes" "$(calc "$small_kb / 1024")" "$(stat -c %s "$small")"

  local fast flat
  fast="$(calc "($chk_gbs >= 1.0) ? 1 : 0")"
  flat="$(calc "(($chk_kb - $small_kb) / 1024 <= $BENCH_FLAT_RSS_SLACK_MB) ? 1 : 0")"
  printf 'goal ">= 1 GB/s with flat memory": %s (throughput: %s; memory: %s)\n' \
    "$( ((fast && flat)) && echo MET || echo 'NOT MET')" \
    "$( ((fast)) && echo '>= 1 GB/s' || echo 'below 1 GB/s')" \
    "$( ((flat)) && echo flat || echo 'NOT flat') (criterion: peak RSS grows by <= $BENCH_FLAT_RSS_SLACK_MB MB from the tiny file to the big one)"
}

# bench_section_store_append: the store's append throughput against dd conv=fdatasync, both
# writing the same number of bytes into BENCH_DIR's disk, alternating, BENCH_RUNS times each.
bench_section_store_append() {
  local big="$BENCH_DIR/binlog/big.binlog" tool bytes run out dd_s kb line
  local -a dd_t=() st_t=() lines=()
  bench_generate_binlog
  tool="$(dirname "$SIDECAR_BIN")/../bench/store_append_bench"
  [[ -x "$tool" ]] || cmake --build "$BUILD_DIR" --target store_append_bench >&2
  bytes="$(stat -c %s "$big")"
  cat "$big" >/dev/null

  say "timing $BENCH_RUNS runs each of dd conv=fdatasync and the store append path"
  for ((run = 0; run < BENCH_RUNS; run++)); do
    rm -f "$WORK_DIR/dd.out"
    measure dd_s kb dd if=/dev/zero of="$WORK_DIR/dd.out" bs=1M \
      count="$(((bytes + 1048575) / 1048576))" conv=fdatasync
    dd_t+=("$dd_s")
    rm -f "$WORK_DIR/dd.out"
    out="$WORK_DIR/store.$run"
    rm -rf "$out" && mkdir -p "$out"
    line="$("$tool" "$big" "$out" "$BENCH_SYNC_INTERVAL_MS")" || harness_die "store_append_bench failed"
    lines+=("$line")
    st_t+=("$(sed -E 's/.*seconds=([0-9.]+).*/\1/' <<<"$line")")
    rm -rf "$out"
  done

  local dd_med st_med dd_mbs st_mbs ratio median_line
  dd_med="$(median "${dd_t[@]}")" st_med="$(median "${st_t[@]}")"
  dd_mbs="$(calc "$bytes / $dd_med / 1e6")" st_mbs="$(calc "$bytes / $st_med / 1e6")"
  ratio="$(calc "$st_mbs / $dd_mbs")"
  for line in "${lines[@]}"; do
    [[ "$line" == *"seconds=$st_med "* ]] && median_line="$line"
  done

  echo
  echo "## store append (storage.sync = group, sync_interval = ${BENCH_SYNC_INTERVAL_MS}ms)"
  printf '%.2f GB replayed from %s, %s runs, median\n' "$(calc "$bytes / 1e9")" "$big" "$BENCH_RUNS"
  printf '%-28s %10s %8s\n' command seconds MB/s
  printf '%-28s %10.3f %8.1f\n' "dd bs=1M conv=fdatasync" "$dd_med" "$dd_mbs"
  printf '%-28s %10.3f %8.1f\n' "store append (fsync'd)" "$st_med" "$st_mbs"
  printf 'ratio store/dd: %.2f (goal >= 0.90: %s)\n' "$ratio" \
    "$( (($(calc "($ratio >= 0.9) ? 1 : 0"))) && echo MET || echo 'NOT MET')"
  printf 'median run: %s\n' "${median_line:-${lines[0]}}"
}

# --- pull: the puller against mariadb-binlog and a replica I/O thread -----------------------

# proc_cpu_s PID: user + system CPU seconds PID has used so far.
proc_cpu_s() {
  awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"
}

# proc_hwm_kb PID: peak RSS (VmHWM) of PID in KiB.
proc_hwm_kb() {
  awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"
}

# wait_until TIMEOUT_S CMD...: poll CMD (every 50 ms) until it succeeds; fails after TIMEOUT_S.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.05
  done
}

# bench_pull_primary: start the primary "pullsrc" and give it a closed backlog of at least
# BENCH_PULL_BYTES (rows of BENCH_ROW_BYTES inserted and deleted, no fsync while generating).
bench_pull_primary() {
  local size=0 i batch
  PULL_PORT="$(free_port)"
  mariadb_start pullsrc "$PULL_PORT" 1 --binlog-checksum=CRC32 --max-binlog-size=128M \
    --innodb-flush-log-at-trx-commit=0 --sync-binlog=0 --max-allowed-packet=256M \
    --innodb-buffer-pool-size=256M
  mariadb_sql pullsrc "CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'replpw';
    GRANT REPLICATION SLAVE, REPLICATION CLIENT, BINLOG MONITOR ON *.* TO 'repl'@'127.0.0.1';
    CREATE USER 'bench'@'127.0.0.1' IDENTIFIED BY 'benchpw';
    GRANT ALL ON *.* TO 'bench'@'127.0.0.1';
    CREATE DATABASE bench; CREATE TABLE bench.t (id INT AUTO_INCREMENT PRIMARY KEY,
    b LONGBLOB NOT NULL) ENGINE=InnoDB"
  batch="$(for _ in 1 2 3 4 5; do
    echo "INSERT INTO bench.t (b) SELECT REPEAT(CHAR(65 + seq % 26), $BENCH_ROW_BYTES) FROM bench.seq_1_to_100;"
    echo "DELETE FROM bench.t;"
  done)"
  say "generating a backlog of $BENCH_PULL_BYTES bytes on the primary"
  for ((i = 0; i < 10000 && size < BENCH_PULL_BYTES; i++)); do
    mariadb_sql pullsrc <<<"$batch" >/dev/null
    size="$(mariadb_sql pullsrc "SHOW BINARY LOGS" | awk '{ s += $2 } END { print s }')"
  done
  mariadb_sql pullsrc "FLUSH BINARY LOGS"
  PULL_TOTAL="$(mariadb_sql pullsrc "SHOW BINARY LOGS" | awk '{ s += $2 } END { print s }')"
  PULL_FIRST="$(mariadb_sql pullsrc "SHOW BINARY LOGS" | awk 'NR == 1 { print $1 }')"
  PULL_TARGET="$(mariadb_sql pullsrc "SHOW MASTER STATUS" | awk '{ print $1" "$2 }')"
  say "backlog: $PULL_TOTAL bytes in $(mariadb_sql pullsrc "SHOW BINARY LOGS" | wc -l) files, up to $PULL_TARGET"
}

# pull_row NAME SECONDS CPU_S RSS_KB: one result row (RSS "-" when not comparable).
pull_row() {
  local rss="$4"
  [[ "$rss" == - ]] || rss="$(calc "$4 / 1024")"
  printf '%-34s %9.2f %8.1f %11.2f %12s\n' "$1" "$2" "$(calc "$PULL_TOTAL / $2 / 1e6")" \
    "$(calc "$3 / ($PULL_TOTAL / 1e9)")" "$rss"
}

# bench_pull_sidecar: the sidecar pulls the backlog from scratch (start = earliest, group
# commit: every byte fdatasync'd and checkpointed). Sets SC_S, SC_CPU, SC_KB.
bench_pull_sidecar() {
  local dir="$WORK_DIR/pull-sidecar" pid t0
  rm -rf "$dir"
  sidecar_write_config "$dir" "$PULL_PORT" replpw
  t0="$EPOCHREALTIME"
  "$SIDECAR_BIN" --config "$dir/sidecar.conf" --set upstream.start=earliest \
    </dev/null >"$dir/sidecar.log" 2>&1 &
  pid=$!
  harness_add_cleanup "kill -KILL $pid 2>/dev/null || true"
  pull_sidecar_done() { [[ "$(sidecar_checkpoint_of "$dir/data")" == "$PULL_TARGET" ]]; }
  wait_until 1800 pull_sidecar_done || harness_die "the sidecar did not catch up (see $dir/sidecar.log)"
  SC_S="$(calc "$EPOCHREALTIME - $t0")"
  SC_CPU="$(proc_cpu_s "$pid")" SC_KB="$(proc_hwm_kb "$pid")"
  kill -TERM "$pid"
  wait "$pid" || true
  rm -rf "$dir/data"
}

# bench_pull_mariadb_binlog: mariadb-binlog --raw --stop-never from the first file until its
# files add up to the backlog. Sets MB_S, MB_CPU, MB_KB.
bench_pull_mariadb_binlog() {
  local dir="$WORK_DIR/pull-raw" pid t0
  rm -rf "$dir" && mkdir -p "$dir"
  t0="$EPOCHREALTIME"
  mariadb-binlog --no-defaults --read-from-remote-server --host=127.0.0.1 --port="$PULL_PORT" \
    --user=repl --password=replpw --raw --stop-never --result-file="$dir/" "$PULL_FIRST" \
    </dev/null >"$WORK_DIR/pull-raw.log" 2>&1 &
  pid=$!
  harness_add_cleanup "kill -KILL $pid 2>/dev/null || true"
  pull_raw_size() { (($(du -sb "$dir" | awk '{ print $1 }') >= PULL_TOTAL)); }
  wait_until 1800 pull_raw_size || harness_die "mariadb-binlog did not catch up"
  MB_S="$(calc "$EPOCHREALTIME - $t0")"
  MB_CPU="$(proc_cpu_s "$pid")" MB_KB="$(proc_hwm_kb "$pid")"
  kill -TERM "$pid"
  wait "$pid" || true
  rm -rf "$dir"
}

# bench_pull_replica: a MariaDB replica's I/O thread (SQL thread never started) pulls the
# backlog into its relay log (sync_relay_log at its default). CPU is the whole replica
# server's during the pull. Sets RP_S, RP_CPU; leaves the replica running as "pullrep".
bench_pull_replica() {
  local pid t0 cpu0
  REPLICA_PORT="$(free_port)"
  mariadb_start pullrep "$REPLICA_PORT" 2 --skip-slave-start --relay-log=relay-bin \
    --max-allowed-packet=256M
  mariadb_sql pullrep "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$PULL_PORT,
    MASTER_USER='repl', MASTER_PASSWORD='replpw', MASTER_LOG_FILE='$PULL_FIRST',
    MASTER_LOG_POS=4, MASTER_USE_GTID=no"
  pid="$(mariadb_pid pullrep)"
  cpu0="$(proc_cpu_s "$pid")"
  t0="$EPOCHREALTIME"
  mariadb_sql pullrep "START SLAVE IO_THREAD"
  pull_replica_done() {
    [[ "$(mariadb_sql pullrep "SHOW SLAVE STATUS\G" |
      awk '$1 == "Master_Log_File:" { f = $2 } $1 == "Read_Master_Log_Pos:" { p = $2 } END { print f" "p }')" == "$PULL_TARGET" ]]
  }
  wait_until 1800 pull_replica_done || harness_die "the replica's I/O thread did not catch up"
  RP_S="$(calc "$EPOCHREALTIME - $t0")"
  RP_CPU="$(calc "$(proc_cpu_s "$pid") - $cpu0")"
}

# sysbench_tps: run oltp_insert against the primary for BENCH_SEMISYNC_SECONDS; print the
# transactions per second.
sysbench_tps() {
  sysbench oltp_insert --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$PULL_PORT" \
    --mysql-user=bench --mysql-password=benchpw --mysql-db=bench --tables=1 --table-size=10000 \
    --threads=4 --time="$BENCH_SEMISYNC_SECONDS" --report-interval=0 run 2>&1 |
    awk '/transactions:/ { gsub(/\(/, "", $3); print $3 }'
}

semisync_status() {
  mariadb_sql pullsrc "SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_master_$1'" | awk '{ print $2 }'
}

# bench_pull_semisync: commit rate of the primary with no semi-sync replica, the sidecar as
# its only semi-sync replica, a MariaDB replica (I/O thread only) as its only one. Prints rows.
bench_pull_semisync() {
  local dir="$WORK_DIR/semisync-sidecar" pid none sc rp no0 yes0 sc_no sc_yes rp_no rp_yes
  sysbench oltp_insert --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$PULL_PORT" \
    --mysql-user=bench --mysql-password=benchpw --mysql-db=bench --tables=1 --table-size=10000 \
    prepare >/dev/null
  mariadb_sql pullrep "STOP SLAVE IO_THREAD"
  mariadb_sql pullsrc "SET GLOBAL rpl_semi_sync_master_enabled = OFF"
  say "sysbench oltp_insert, 4 threads, ${BENCH_SEMISYNC_SECONDS}s: no semi-sync replica"
  none="$(sysbench_tps)"

  mariadb_sql pullsrc "SET GLOBAL rpl_semi_sync_master_wait_point = AFTER_SYNC;
    SET GLOBAL rpl_semi_sync_master_timeout = 60000; SET GLOBAL rpl_semi_sync_master_enabled = ON"
  rm -rf "$dir"
  sidecar_write_config "$dir" "$PULL_PORT" replpw
  "$SIDECAR_BIN" --config "$dir/sidecar.conf" --set upstream.start=current \
    --set upstream.semi_sync=on </dev/null >"$dir/sidecar.log" 2>&1 &
  pid=$!
  harness_add_cleanup "kill -KILL $pid 2>/dev/null || true"
  semisync_one_client() { [[ "$(semisync_status clients)" == 1 ]]; }
  wait_until 120 semisync_one_client || harness_die "the sidecar did not register as semi-sync replica"
  no0="$(semisync_status no_tx)" yes0="$(semisync_status yes_tx)"
  say "... the sidecar as the only semi-sync replica"
  sc="$(sysbench_tps)"
  sc_no=$(($(semisync_status no_tx) - no0)) sc_yes=$(($(semisync_status yes_tx) - yes0))
  kill -TERM "$pid"
  wait "$pid" || true
  semisync_no_client() { [[ "$(semisync_status clients)" == 0 ]]; }
  wait_until 60 semisync_no_client || true

  mariadb_sql pullrep "SET GLOBAL rpl_semi_sync_slave_enabled = ON; START SLAVE IO_THREAD"
  wait_until 120 semisync_one_client || harness_die "the replica did not register as semi-sync replica"
  no0="$(semisync_status no_tx)" yes0="$(semisync_status yes_tx)"
  say "... a MariaDB replica (I/O thread) as the only semi-sync replica"
  rp="$(sysbench_tps)"
  rp_no=$(($(semisync_status no_tx) - no0)) rp_yes=$(($(semisync_status yes_tx) - yes0))
  mariadb_sql pullrep "STOP SLAVE IO_THREAD"

  echo
  echo "## semi-sync commit rate (sysbench oltp_insert, 4 threads, ${BENCH_SEMISYNC_SECONDS}s, AFTER_SYNC)"
  printf '%-40s %10s %10s %10s\n' "semi-sync replica" "commits/s" yes_tx no_tx
  printf '%-40s %10.1f %10s %10s\n' "none" "$none" - -
  printf '%-40s %10.1f %10s %10s\n' "binlog-sidecar (ACK after fdatasync)" "$sc" "$sc_yes" "$sc_no"
  printf '%-40s %10.1f %10s %10s\n' "MariaDB replica I/O thread" "$rp" "$rp_yes" "$rp_no"
  printf 'ratio sidecar/MariaDB replica: %.2f; sidecar/none: %.2f\n' \
    "$(calc "$sc / $rp")" "$(calc "$sc / $none")"
  echo "(the MariaDB replica ACKs once the event is in its relay log, without an fsync:" \
    "sync_relay_log=10000 by default; the sidecar ACKs only what it fdatasync'd)"
}

# bench_section_pull: pull throughput, then semi-sync commit rates.
bench_section_pull() {
  local dd_s kb
  harness_require_cmd mariadb-binlog sysbench
  bench_pull_primary
  say "pulling the backlog: the sidecar"
  bench_pull_sidecar
  say "pulling the backlog: mariadb-binlog --raw"
  bench_pull_mariadb_binlog
  say "pulling the backlog: a MariaDB replica's I/O thread"
  bench_pull_replica
  say "dd conv=fdatasync of the same size"
  rm -f "$WORK_DIR/dd.out"
  measure dd_s kb dd if=/dev/zero of="$WORK_DIR/dd.out" bs=1M \
    count="$(((PULL_TOTAL + 1048575) / 1048576))" conv=fdatasync
  rm -f "$WORK_DIR/dd.out"

  echo
  echo "## pull a backlog from a real MariaDB primary (loopback, one run each, same run)"
  printf '%.2f GB backlog in files of <= 128 MiB, rows of %s bytes\n' \
    "$(calc "$PULL_TOTAL / 1e9")" "$BENCH_ROW_BYTES"
  printf '%-34s %9s %8s %11s %12s\n' puller seconds MB/s "CPU s/GB" "peak RSS MB"
  pull_row "binlog-sidecar (fsync'd, checkpointed)" "$SC_S" "$SC_CPU" "$SC_KB"
  pull_row "mariadb-binlog --raw --stop-never" "$MB_S" "$MB_CPU" "$MB_KB"
  pull_row "MariaDB replica I/O thread" "$RP_S" "$RP_CPU" -
  printf '%-34s %9.2f %8.1f\n' "dd bs=1M conv=fdatasync" "$dd_s" "$(calc "$PULL_TOTAL / $dd_s / 1e6")"
  local bound
  bound="$(calc "($dd_s > $MB_S) ? $dd_s : $MB_S")"
  printf 'ratio sidecar/replica I/O thread (throughput): %.2f (goal >= 1.0)\n' "$(calc "$RP_S / $SC_S")"
  printf 'ratio sidecar/slower physical bound (dd, mariadb-binlog --raw): %.2f (goal >= 0.90)\n' \
    "$(calc "$bound / $SC_S")"
  echo "(replica CPU is the whole mariadbd's during the pull; its RSS is the server's, not comparable)"
  bench_pull_semisync
}

# main [SECTION...]: run the named sections (default: all) in order.
main() {
  local section fn
  local -a sections=("$@")
  ((${#sections[@]})) || sections=("${BENCH_SECTIONS[@]}")
  for section in "${sections[@]}"; do
    fn="bench_section_${section//-/_}"
    if [[ "$section" == -h || "$section" == --help ]]; then
      sed -n '2,28s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
      return 0
    fi
    declare -F "$fn" >/dev/null || {
      echo "bench.sh: unknown section '$section' (have: ${BENCH_SECTIONS[*]})" >&2
      exit 2
    }
  done
  bench_setup
  for section in "${sections[@]}"; do
    "bench_section_${section//-/_}"
  done
}

main "$@"
