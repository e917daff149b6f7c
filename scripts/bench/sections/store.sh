# shellcheck shell=bash
# Sections "check-binlog" and "store-append": the store's own paths on a >= BENCH_MIN_BYTES
# binlog file from a real MariaDB (generated once into BENCH_DIR/binlog, then reused).
#   check-binlog   read throughput and peak RSS of `binlog-sidecar check-binlog` against
#                  `cat FILE > /dev/null` (the read ceiling); memory must stay flat.
#   store-append   the store's append path (storage.sync = group, every byte fdatasync'd and
#                  checkpointed) replaying that file (bench/store_append_bench), against
#                  `dd conv=fdatasync` of the same size on the same disk.

# Peak RSS may grow by at most this much from a tiny file to the big one to count as flat.
BENCH_FLAT_RSS_SLACK_MB="${BENCH_FLAT_RSS_SLACK_MB:-32}"
# storage.sync_interval for the store-append section, in milliseconds (the product default).
BENCH_SYNC_INTERVAL_MS="${BENCH_SYNC_INTERVAL_MS:-5}"

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

  local fast flat
  fast="$(calc "($chk_gbs >= 1.0) ? 1 : 0")"
  flat="$(calc "(($chk_kb - $small_kb) / 1024 <= $BENCH_FLAT_RSS_SLACK_MB) ? 1 : 0")"
  emit
  emit "### check-binlog throughput: $(fmt %.2f "$bytes / 1e9") GB, $events events, warm page cache (median of $BENCH_RUNS)"
  emit
  md_header command seconds "GB/s" "peak RSS MB"
  md_row cat "$(fmt %.3f "$cat_s")" "$(fmt %.2f "$cat_gbs")" "$(fmt %.1f "$cat_kb / 1024")"
  md_row check-binlog "$(fmt %.3f "$chk_s")" "$(fmt %.2f "$chk_gbs")" "$(fmt %.1f "$chk_kb / 1024")"
  emit
  emit "Ratio check-binlog/cat: $(fmt %.2f "$chk_gbs / $cat_gbs"). Peak RSS $(fmt %.1f "$small_kb / 1024") MB on a $(stat -c %s "$small")-byte file."
  goal "check-binlog >= 1 GB/s with flat memory" "$(fmt %.2f "$chk_gbs") GB/s, RSS +$(fmt %.1f "($chk_kb - $small_kb) / 1024") MB" \
    ">= 1 GB/s, RSS +<= $BENCH_FLAT_RSS_SLACK_MB MB" "$( ((fast && flat)) && echo 1)" \
    "$( ((fast)) || fmt '%.0f%% slower' "(1 - $chk_gbs) * 100")" ""
}

# bench_section_store_append: the store's append throughput against dd conv=fdatasync, both
# writing the same number of bytes into BENCH_DIR's disk, alternating, BENCH_RUNS times each.
bench_section_store_append() {
  local big="$BENCH_DIR/binlog/big.binlog" tool bytes run out dd_s kb line
  local -a dd_t=() st_t=() lines=()
  bench_generate_binlog
  tool="$BUILD_DIR/bench/store_append_bench"
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

  emit
  emit "### store append (bench/store_append_bench, storage.sync = group, sync_interval = ${BENCH_SYNC_INTERVAL_MS}ms): $(fmt %.2f "$bytes / 1e9") GB (median of $BENCH_RUNS)"
  emit
  md_header command seconds "MB/s"
  md_row "dd bs=1M conv=fdatasync" "$(fmt %.3f "$dd_med")" "$(fmt %.1f "$dd_mbs")"
  md_row "store append (fdatasync'd, checkpointed)" "$(fmt %.3f "$st_med")" "$(fmt %.1f "$st_mbs")"
  emit
  emit "Ratio store/dd: $(fmt %.2f "$ratio"). Median run: \`${median_line:-${lines[0]}}\`"
  goal "store append vs dd conv=fdatasync" "$(fmt %.2f "$ratio")x" ">= 0.90x" "$(is_true "$ratio >= 0.9" && echo 1)" \
    "$(is_true "$ratio >= 0.9" || fmt %.0f%% "(0.9 - $ratio) / 0.9 * 100")" ""
}

