# shellcheck shell=bash
# Section "pull" (issue #10 §2, issue #4): the same backlog pulled by binlog-sidecar (every byte
# fdatasync'd and checkpointed), by `mariadb-binlog --raw --stop-never` and by a MariaDB
# replica's I/O thread (SQL thread stopped), runs interleaved, for the big-row (bytes-bound)
# and the small-transaction (events-bound) backlog. MB/s, CPU s/GB, peak RSS, events/s.
# Sets PULL_SC_MBS (big backlog, median) for the cascade and metrics-load sections.

# pull_one_backlog KIND: the three pullers on backlog KIND, BENCH_RUNS interleaved runs.
pull_one_backlog() {
  local kind="$1" run
  local -a sc_s=() sc_cpu=() sc_kb=() raw_s=() raw_cpu=() raw_kb=() rp_s=() rp_cpu=()
  backlog_up "$kind"
  cat "$(mariadb_datadir "$kind")"/mysql-bin.[0-9]* >/dev/null # the same warm page cache for all
  for ((run = 1; run <= BENCH_RUNS; run++)); do
    say "pull $kind, run $run/$BENCH_RUNS: sidecar"
    sidecar_pull "$WORK_DIR/pull-sc" "$SRC_PORT" "$SRC_TARGET"
    sc_s+=("$SP_S") sc_cpu+=("$SP_CPU") sc_kb+=("$SP_KB")
    say "pull $kind, run $run/$BENCH_RUNS: mariadb-binlog --raw"
    raw_pull "$SRC_PORT" "$SRC_FIRST" "$SRC_TOTAL"
    raw_s+=("$RAW_S") raw_cpu+=("$RAW_CPU") raw_kb+=("$RAW_KB")
    say "pull $kind, run $run/$BENCH_RUNS: replica I/O thread"
    replica_fetch "$SRC_PORT" "$SRC_FIRST" "$SRC_TARGET"
    rp_s+=("$RF_S") rp_cpu+=("$RF_CPU")
  done
  local gb events
  gb="$(calc "$SRC_TOTAL / 1e9")"
  events="$SP_EVENTS"
  P_SC="$(median "${sc_s[@]}")" P_RAW="$(median "${raw_s[@]}")" P_RP="$(median "${rp_s[@]}")"
  P_SC_KB="$(median "${sc_kb[@]}")"
  emit
  emit "#### $kind backlog: $(fmt %.2f "$gb") GB, $events events ($(fmt %.0f "$SRC_TOTAL / ($events > 0 ? $events : 1)") bytes/event), median of $BENCH_RUNS"
  emit
  md_header puller seconds "MB/s" "events/s" "CPU s/GB" "peak RSS MB" "runs (s)"
  md_row "binlog-sidecar (fdatasync'd, checkpointed)" "$(fmt %.2f "$P_SC")" "$(fmt %.0f "$SRC_TOTAL / $P_SC / 1e6")" \
    "$(fmt %.0f "$events / $P_SC")" "$(fmt %.2f "$(median "${sc_cpu[@]}") / $gb")" "$(fmt %.1f "$P_SC_KB / 1024")" "${sc_s[*]}"
  md_row "mariadb-binlog --raw --stop-never" "$(fmt %.2f "$P_RAW")" "$(fmt %.0f "$SRC_TOTAL / $P_RAW / 1e6")" \
    "$(fmt %.0f "$events / $P_RAW")" "$(fmt %.2f "$(median "${raw_cpu[@]}") / $gb")" "$(fmt %.1f "$(median "${raw_kb[@]}") / 1024")" "${raw_s[*]}"
  md_row "MariaDB replica I/O thread (sync_relay_log=10000)" "$(fmt %.2f "$P_RP")" "$(fmt %.0f "$SRC_TOTAL / $P_RP / 1e6")" \
    "$(fmt %.0f "$events / $P_RP")" "$(fmt %.2f "$(median "${rp_cpu[@]}") / $gb") (whole mariadbd)" "n/a (server)" "${rp_s[*]}"
  emit
  emit "Ratios (throughput): sidecar/replica I/O thread $(fmt %.2f "$P_RP / $P_SC"), sidecar/mariadb-binlog $(fmt %.2f "$P_RAW / $P_SC")."
}

bench_section_pull() {
  harness_require_cmd mariadb-binlog sysbench
  emit
  emit "### 2. Pull a backlog from a real MariaDB primary (loopback)"
  pull_one_backlog big
  PULL_SC_MBS="$(calc "$SRC_TOTAL / $P_SC / 1e6")"
  local rp_ratio bound_mbs bound_name bound_ratio raw_mbs
  rp_ratio="$(calc "$P_RP / $P_SC")"
  goal "pull (big rows, fdatasync'd) vs MariaDB replica I/O thread" "$(fmt %.2f "$rp_ratio")x" ">= 1.0x" \
    "$(is_true "$rp_ratio >= 1.0" && echo 1)" "$(is_true "$rp_ratio >= 1.0" || fmt %.0f%% "(1 - $rp_ratio) * 100")" ""
  physical_dd_mbs
  raw_mbs="$(calc "$SRC_TOTAL / $P_RAW / 1e6")"
  if is_true "$PHYS_DD_MBS < $raw_mbs"; then bound_mbs="$PHYS_DD_MBS" bound_name="dd fdatasync"
  else bound_mbs="$raw_mbs" bound_name="mariadb-binlog --raw"; fi
  bound_ratio="$(calc "$PULL_SC_MBS / $bound_mbs")"
  emit "Slower physical bound: $bound_name at $(fmt %.0f "$bound_mbs") MB/s (dd $(fmt %.0f "$PHYS_DD_MBS"), raw $(fmt %.0f "$raw_mbs")); sidecar/bound $(fmt %.2f "$bound_ratio")."
  goal "pull (big rows, fdatasync'd) vs min(dd fdatasync, mariadb-binlog --raw)" \
    "$(fmt %.2f "$bound_ratio")x of $bound_name" ">= 0.90x" "$(is_true "$bound_ratio >= 0.9" && echo 1)" \
    "$(is_true "$bound_ratio >= 0.9" || fmt %.0f%% "(0.9 - $bound_ratio) / 0.9 * 100")" ""
  goal "peak RSS pulling (big rows)" "$(fmt %.1f "$P_SC_KB / 1024") MB" "<= 64 MB" \
    "$(is_true "$P_SC_KB <= 65536" && echo 1)" "$(is_true "$P_SC_KB <= 65536" || fmt '%.1f MB over' "$P_SC_KB / 1024 - 64")" ""

  pull_one_backlog small
  local eps
  eps="$(calc "$SP_EVENTS / $P_SC")"
  goal "pull (small transactions) events/s" "$(fmt %.0f "$eps")" ">= 100000" "$(is_true "$eps >= 100000" && echo 1)" \
    "$(is_true "$eps >= 100000" || fmt %.0f%% "(1 - $eps / 100000) * 100")" ""
  rp_ratio="$(calc "$P_RP / $P_SC")"
  goal "pull (small transactions) vs MariaDB replica I/O thread" "$(fmt %.2f "$rp_ratio")x" ">= 1.0x" \
    "$(is_true "$rp_ratio >= 1.0" && echo 1)" "$(is_true "$rp_ratio >= 1.0" || fmt %.0f%% "(1 - $rp_ratio) * 100")" ""
  mariadb_stop small
}
