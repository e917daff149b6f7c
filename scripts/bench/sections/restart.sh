# shellcheck shell=bash
# Section "restart" (issue #10 §6, issue #5's Booking case): a replica lagging by about
# BENCH_RESTART_BYTES (its I/O thread fetched them, its SQL thread never ran) is kill -9'd and
# restarted with relay_log_recovery=1, which throws its relay log away and fetches everything
# again from the SQL thread's position. Measured: bytes the primary sends meanwhile (its
# Bytes_sent; the sidecar's received bytes) and seconds until the I/O thread is back at the end,
# when the replica's master is the primary, and when it is a sidecar pulling from the primary.

# restart_start_file: the latest binlog of the big primary from which at least
# BENCH_RESTART_BYTES remain.
restart_start_file() {
  mariadb_sql big "SHOW BINARY LOGS" | tac |
    awk -v want="$BENCH_RESTART_BYTES" '{ s += $2; f = $1 } s >= want { print f; exit } END { if (s < want) print f }' | tail -n 1
}

# restart_case MASTER_PORT FILE: build the lag from MASTER_PORT, kill -9, restart, re-fetch.
# Sets RS_S (re-fetch seconds), RS_SENT (primary Bytes_sent delta), RS_LAG (bytes lagged).
restart_case() {
  local port="$1" file="$2" sent0 t0
  replica_point rr "$port" "$file" 4
  mariadb_sql rr "START SLAVE IO_THREAD"
  wait_until "$BENCH_TIMEOUT" replica_at rr "$SRC_TARGET" || harness_die "the lag was not built"
  RS_LAG="$(slave_field rr Relay_Log_Space)"
  mariadb_kill rr
  sent0="$(global_status big Bytes_sent)"
  if [[ -n "$SC_HTTP_PORT" ]]; then
    RS_RECV0="$(sidecar_metric "$SC_HTTP_PORT" binlog_sidecar_upstream_received_bytes_total)"
    RS_WRITTEN0="$(sidecar_metric "$SC_HTTP_PORT" binlog_sidecar_store_written_bytes_total)"
  fi
  mariadb_start rr "$RR_PORT" 3 "${RR_OPTS[@]}" || harness_die "the replica did not restart"
  t0="$EPOCHREALTIME"
  mariadb_sql rr "START SLAVE IO_THREAD"
  wait_until "$BENCH_TIMEOUT" replica_at rr "$SRC_TARGET" || harness_die "the replica did not catch up after the restart"
  RS_S="$(calc "$EPOCHREALTIME - $t0")"
  RS_SENT=$(($(global_status big Bytes_sent) - sent0))
  RS_FETCHED="$(slave_field rr Relay_Log_Space)"
  mariadb_sql rr "STOP SLAVE IO_THREAD"
}

bench_section_restart() {
  local run file dir="$WORK_DIR/restart-sc"
  local -a d_s=() d_sent=() s_s=() s_sent=() s_recv=() s_written=()
  backlog_up big
  file="$(restart_start_file)"
  RR_PORT="$(free_port)"
  RR_OPTS=(--skip-slave-start --relay-log=relay-bin --relay-log-recovery=1 --max-allowed-packet=256M)
  mariadb_start rr "$RR_PORT" 3 "${RR_OPTS[@]}" || harness_die "cannot start the restart replica"
  note_cmd "kill -9 <replica mariadbd>; mariadbd ... --relay-log-recovery=1 --skip-slave-start; START SLAVE IO_THREAD"
  say "restart: the sidecar pulls from $file"
  rm -rf "$dir"
  sidecar_start "$dir" "$SRC_PORT" --set "upstream.start=$file:4"
  wait_until "$BENCH_TIMEOUT" sidecar_at "$dir/data" "$SRC_TARGET" || harness_die "the restart sidecar did not catch up"
  local sc_pid="$SC_PID" sc_http="$SC_HTTP_PORT" sc_serve="$SC_SERVE_PORT"
  for ((run = 1; run <= BENCH_RUNS; run++)); do
    say "restart, run $run/$BENCH_RUNS: replica of the primary"
    SC_HTTP_PORT="" restart_case "$SRC_PORT" "$file"
    d_s+=("$RS_S") d_sent+=("$RS_SENT")
    say "restart, run $run/$BENCH_RUNS: replica of the sidecar"
    SC_HTTP_PORT="$sc_http" restart_case "$sc_serve" "$file"
    s_s+=("$RS_S") s_sent+=("$RS_SENT")
    s_recv+=($(($(sidecar_metric "$sc_http" binlog_sidecar_upstream_received_bytes_total) - RS_RECV0)))
    s_written+=($(($(sidecar_metric "$sc_http" binlog_sidecar_store_written_bytes_total) - RS_WRITTEN0)))
  done
  sidecar_stop "$sc_pid"
  local ds ss dsent ssent srecv swritten
  ds="$(median "${d_s[@]}")" ss="$(median "${s_s[@]}")"
  dsent="$(median "${d_sent[@]}")" ssent="$(median "${s_sent[@]}")" srecv="$(median "${s_recv[@]}")"
  swritten="$(median "${s_written[@]}")"
  emit
  emit "### 6. Restart re-fetch: replica lagging by $(fmt %.2f "$RS_LAG / 1e9") GB (relay log), kill -9, relay_log_recovery=1 (median of $BENCH_RUNS)"
  emit
  md_header "replica's master" "re-fetch seconds" "primary Bytes_sent during re-fetch" "sidecar: binlog bytes stored / bytes received from the primary" "runs (s)"
  md_row "the primary" "$(fmt %.2f "$ds")" "$dsent" "-" "${d_s[*]}"
  md_row "binlog-sidecar" "$(fmt %.2f "$ss")" "$ssent" "$swritten / $srecv" "${s_s[*]}"
  emit
  emit "Primary Bytes_sent counts every connection (the sidecar's 1 s heartbeats, these status queries); what the sidecar received meanwhile is heartbeats only when it stored 0 bytes."
  local ok=0
  ((swritten == 0 && ssent < 1048576)) && ok=1
  goal "restart re-fetch from the primary with the sidecar" "$swritten binlog bytes (primary Bytes_sent +$ssent, heartbeats and status queries; without the sidecar +$dsent)" \
    "0 bytes" "$ok" "$( ((ok)) || echo "$swritten bytes")" ""
  mariadb_stop rr
}
