# shellcheck shell=bash
# Section "semisync" (issue #10 §5, issue #4): sysbench oltp_write_only commit rate and p99
# latency on a durable primary (sync_binlog=1, innodb_flush_log_at_trx_commit=1) with
#   (a) a MariaDB replica's I/O thread as its only semi-sync replica,
#   (b) binlog-sidecar as its only semi-sync replica (upstream.semi_sync = on: ACK after fdatasync),
#   (c) no semi-sync (the ceiling),
# AFTER_SYNC, rpl_semi_sync_master_wait_no_slave = OFF; cases interleaved per run; once per
# sysbench thread count of BENCH_SEMISYNC_THREADS (the goal is judged at the first: at low
# concurrency the primary's commit rate is bound by commit latency, at high by its group
# commit). Reports the primary's Rpl_semi_sync_master_yes_tx/no_tx over each run (no_tx > 0:
# commits that did not wait for an ACK, the run does not count as semi-sync).

SEMI_PRIMARY_OPTS=(--binlog-checksum=CRC32 --max-binlog-size=128M --innodb-buffer-pool-size=256M
  --sync-binlog=1 --innodb-flush-log-at-trx-commit=1 --innodb-log-file-size=256M)

semi_clients_are() {
  [[ "$(global_status semi Rpl_semi_sync_master_clients)" == "$1" ]]
}

# semi_sysbench THREADS: one sysbench run; sets SB_TPS and SB_P99 (ms) and SB_YES/SB_NO (tx
# deltas).
semi_sysbench() {
  local -a args
  local out yes0 no0
  read -r -a args <<<"$(sysbench_args "$SEMI_PORT")"
  yes0="$(global_status semi Rpl_semi_sync_master_yes_tx)" no0="$(global_status semi Rpl_semi_sync_master_no_tx)"
  out="$(sysbench oltp_write_only "${args[@]}" --tables=4 --table-size=10000 --threads="$1" \
    --time="$BENCH_SEMISYNC_SECONDS" --percentile=99 --report-interval=0 run 2>&1)" ||
    { echo "$out" >&2; harness_die "sysbench failed"; }
  SB_TPS="$(awk '/transactions:/ { gsub(/\(/, "", $3); print $3 }' <<<"$out")"
  SB_P99="$(awk '/99th percentile:/ { print $3 }' <<<"$out")"
  SB_YES=$(($(global_status semi Rpl_semi_sync_master_yes_tx) - yes0))
  SB_NO=$(($(global_status semi Rpl_semi_sync_master_no_tx) - no0))
}

# semi_sidecar_histograms [BEFORE]: "ack_sum ack_count fsync_sum fsync_count acks_total" of the
# running sidecar (SC_HTTP_PORT), minus BEFORE (the same five numbers) when given.
semi_sidecar_histograms() {
  local -a b=(0 0 0 0 0)
  [[ -n "${1:-}" ]] && read -r -a b <<<"$1"
  curl -fsS "http://127.0.0.1:$SC_HTTP_PORT/metrics" | awk -v b0="${b[0]}" -v b1="${b[1]}" -v b2="${b[2]}" -v b3="${b[3]}" -v b4="${b[4]}" '
    $1 == "binlog_sidecar_semi_sync_ack_latency_seconds_sum" { a = $2 }
    $1 == "binlog_sidecar_semi_sync_ack_latency_seconds_count" { ac = $2 }
    $1 == "binlog_sidecar_store_fsync_duration_seconds_sum" { f = $2 }
    $1 == "binlog_sidecar_store_fsync_duration_seconds_count" { fc = $2 }
    $1 == "binlog_sidecar_semi_sync_acks_total" { n = $2 }
    END { printf "%.6f %d %.6f %d %d\n", a - b0, ac - b1, f - b2, fc - b3, n - b4 }'
}

# semi_enable ON|OFF
semi_enable() {
  mariadb_sql semi "SET GLOBAL rpl_semi_sync_master_wait_point = AFTER_SYNC;
    SET GLOBAL rpl_semi_sync_master_wait_no_slave = OFF; SET GLOBAL rpl_semi_sync_master_timeout = 10000;
    SET GLOBAL rpl_semi_sync_master_enabled = $1"
}

bench_section_semisync() {
  SEMI_PORT="$(free_port)"
  mariadb_start semi "$SEMI_PORT" 1 "${SEMI_PRIMARY_OPTS[@]}" || harness_die "cannot start the semi-sync primary"
  primary_users semi
  local -a args
  read -r -a args <<<"$(sysbench_args "$SEMI_PORT")"
  sysbench oltp_write_only "${args[@]}" --tables=4 --table-size=10000 prepare >/dev/null
  note_cmd "sysbench oltp_write_only --tables=4 --table-size=10000 --threads=<each of $BENCH_SEMISYNC_THREADS> --time=$BENCH_SEMISYNC_SECONDS --percentile=99 run"
  note_cmd "SET GLOBAL rpl_semi_sync_master_wait_point = AFTER_SYNC; SET GLOBAL rpl_semi_sync_master_wait_no_slave = OFF; SET GLOBAL rpl_semi_sync_master_timeout = 10000; SET GLOBAL rpl_semi_sync_master_enabled = ON"
  note_cmd "binlog-sidecar --config sidecar.conf --set upstream.start=current --set upstream.semi_sync=on"
  replica_up
  local threads ratio="" measured="" others=()
  for threads in $BENCH_SEMISYNC_THREADS; do
    semi_compare "$threads"
    if [[ -z "$ratio" ]]; then
      ratio="$SEMI_RATIO" measured="$(fmt %.2f "$SEMI_RATIO")x at $threads sysbench threads"
    else
      others+=("$(fmt %.2f "$SEMI_RATIO")x at $threads")
    fi
  done
  if ((${#others[@]} > 0)); then
    local joined
    joined="$(printf '%s, ' "${others[@]}")"
    measured+=" (${joined%, })"
  fi
  goal "semi-sync commit rate: sidecar (fsync before ACK) vs MariaDB replica" "$measured" ">= 1.0x" \
    "$(is_true "$ratio >= 1.0" && echo 1)" "$(is_true "$ratio >= 1.0" || fmt %.0f%% "(1 - $ratio) * 100")" ""
  mariadb_stop semi
}

# semi_compare THREADS: the three cases at THREADS sysbench threads, BENCH_RUNS runs each,
# interleaved; emits their table and sets SEMI_RATIO (sidecar / MariaDB replica commit rate).
semi_compare() {
  local threads="$1" run dir="$WORK_DIR/semi-sc" pos
  local -a none_t=() none_p=() rp_t=() rp_p=() sc_t=() sc_p=() rp_yn=() sc_yn=()
  for ((run = 1; run <= BENCH_RUNS; run++)); do
    say "semisync, $threads threads, run $run/$BENCH_RUNS: no semi-sync"
    semi_enable OFF
    semi_sysbench "$threads"
    none_t+=("$SB_TPS") none_p+=("$SB_P99")

    say "semisync, $threads threads, run $run/$BENCH_RUNS: a MariaDB replica (I/O thread) as semi-sync replica"
    semi_enable ON
    pos="$(master_pos semi)"
    replica_point rep "$SEMI_PORT" "${pos% *}" "${pos#* }"
    mariadb_sql rep "START SLAVE IO_THREAD"
    wait_until 60 semi_clients_are 1 || harness_die "the replica did not register as semi-sync replica"
    semi_sysbench "$threads"
    rp_t+=("$SB_TPS") rp_p+=("$SB_P99") rp_yn+=("$SB_YES/$SB_NO")
    mariadb_sql rep "STOP SLAVE IO_THREAD"
    wait_until 60 semi_clients_are 0 || harness_die "the replica did not leave"

    say "semisync, $threads threads, run $run/$BENCH_RUNS: binlog-sidecar as semi-sync replica"
    sidecar_start "$dir" "$SEMI_PORT" --set upstream.start=current --set upstream.semi_sync=on
    wait_until 60 semi_clients_are 1 || harness_die "the sidecar did not register as semi-sync replica"
    wait_until 300 sidecar_at "$dir/data" "$(master_pos_settled semi)" || harness_die "the semi-sync sidecar did not catch up"
    local h0
    h0="$(semi_sidecar_histograms)"
    semi_sysbench "$threads"
    SEMI_SC_HIST="$(semi_sidecar_histograms "$h0")"
    sc_t+=("$SB_TPS") sc_p+=("$SB_P99") sc_yn+=("$SB_YES/$SB_NO")
    sidecar_stop "$SC_PID"
    wait_until 60 semi_clients_are 0 || harness_die "the sidecar did not leave"
  done
  semi_enable OFF
  local n r s
  n="$(median "${none_t[@]}")" r="$(median "${rp_t[@]}")" s="$(median "${sc_t[@]}")"
  emit
  emit "### 5. Semi-sync: sysbench oltp_write_only, $threads threads, ${BENCH_SEMISYNC_SECONDS}s, durable primary, AFTER_SYNC (median of $BENCH_RUNS)"
  emit
  md_header "semi-sync replica" "commits/s" "p99 latency ms" "runs (commits/s)" "yes_tx/no_tx per run"
  md_row "none (ceiling)" "$(fmt %.1f "$n")" "$(median "${none_p[@]}")" "${none_t[*]}" "-"
  md_row "MariaDB replica I/O thread (ACK before any fsync)" "$(fmt %.1f "$r")" "$(median "${rp_p[@]}")" "${rp_t[*]}" "${rp_yn[*]}"
  md_row "binlog-sidecar (ACK after fdatasync)" "$(fmt %.1f "$s")" "$(median "${sc_p[@]}")" "${sc_t[*]}" "${sc_yn[*]}"
  emit
  local -a h
  read -r -a h <<<"$SEMI_SC_HIST"
  emit "Sidecar in its last run: ${h[4]} ACKs counted by binlog_sidecar_semi_sync_acks_total, ${h[1]} ACK latencies observed, mean $(fmt %.2f "${h[0]} * 1000 / (${h[1]} > 0 ? ${h[1]} : 1)") ms (event received -> ACK sent); ${h[3]} fdatasyncs, mean $(fmt %.2f "${h[2]} * 1000 / (${h[3]} > 0 ? ${h[3]} : 1)") ms."
  emit "Ratios (commit rate): sidecar/MariaDB replica $(fmt %.2f "$s / $r"), sidecar/none $(fmt %.2f "$s / $n"), MariaDB replica/none $(fmt %.2f "$r / $n")."
  SEMI_RATIO="$(calc "$s / $r")"
}
