# shellcheck shell=bash
# Section "serve" (issue #10 §3, issue #5): a real MariaDB replica's I/O thread fetching the big
# backlog from the sidecar's serve port vs from the primary itself, runs interleaved; the
# sidecar's CPU while serving and its peak RSS over pulling and serving one replica.
# Leaves the serving sidecar running (SERVE_SC_PID, SERVE_SC_PORT) for the cascade section.

# serve_sidecar_up: a sidecar that has pulled the whole big backlog and serves it (once).
serve_sidecar_up() {
  backlog_up big
  if [[ -n "${SERVE_SC_PID:-}" ]] && proc_alive "$SERVE_SC_PID"; then return 0; fi
  say "serve: the sidecar pulls the big backlog first"
  sidecar_pull "$WORK_DIR/serve-sc" "$SRC_PORT" "$SRC_TARGET" keep
  SERVE_SC_PID="$SP_PID" SERVE_SC_PORT="$SC_SERVE_PORT" SERVE_SC_HTTP="$SC_HTTP_PORT"
}

bench_section_serve() {
  local run cpu0 kb
  local -a sc_s=() sc_cpu=() pr_s=()
  serve_sidecar_up
  note_cmd "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=<sidecar serve.port | primary>, MASTER_LOG_FILE='FIRST', MASTER_LOG_POS=4, MASTER_USE_GTID=no; START SLAVE IO_THREAD"
  # Alternating which source goes first, so that neither always follows the other's run.
  serve_from_sidecar() {
    say "serve, run $run/$BENCH_RUNS: replica I/O thread from the sidecar"
    cpu0="$(proc_cpu_s "$SERVE_SC_PID")"
    replica_fetch "$SERVE_SC_PORT" "$SRC_FIRST" "$SRC_TARGET"
    sc_s+=("$RF_S") sc_cpu+=("$(calc "$(proc_cpu_s "$SERVE_SC_PID") - $cpu0")")
  }
  serve_from_primary() {
    say "serve, run $run/$BENCH_RUNS: replica I/O thread from the primary"
    replica_fetch "$SRC_PORT" "$SRC_FIRST" "$SRC_TARGET"
    pr_s+=("$RF_S")
  }
  for ((run = 1; run <= BENCH_RUNS; run++)); do
    if ((run % 2 == 1)); then
      serve_from_sidecar
      serve_from_primary
    else
      serve_from_primary
      serve_from_sidecar
    fi
  done
  kb="$(proc_hwm_kb "$SERVE_SC_PID")"
  local s p gb ratio
  s="$(median "${sc_s[@]}")" p="$(median "${pr_s[@]}")" gb="$(calc "$SRC_TOTAL / 1e9")"
  ratio="$(calc "$p / $s")"
  emit
  emit "### 3. Serve: a MariaDB replica's I/O thread fetching $(fmt %.2f "$gb") GB (median of $BENCH_RUNS)"
  emit
  md_header "replica fetches from" seconds "MB/s" "server CPU s/GB" "runs (s)"
  md_row "binlog-sidecar serve port" "$(fmt %.2f "$s")" "$(fmt %.0f "$SRC_TOTAL / $s / 1e6")" \
    "$(fmt %.2f "$(median "${sc_cpu[@]}") / $gb")" "${sc_s[*]}"
  md_row "the primary (mariadbd)" "$(fmt %.2f "$p")" "$(fmt %.0f "$SRC_TOTAL / $p / 1e6")" "n/a" "${pr_s[*]}"
  emit
  emit "Ratio sidecar/primary (throughput): $(fmt %.2f "$ratio"). Sidecar peak RSS after pulling and serving one replica: $(fmt %.1f "$kb / 1024") MB."
  goal "serve vs the primary's own dump" "$(fmt %.2f "$ratio")x" ">= 1.0x" "$(is_true "$ratio >= 1.0" && echo 1)" \
    "$(is_true "$ratio >= 1.0" || fmt %.0f%% "(1 - $ratio) * 100")" ""
  goal "peak RSS pulling and serving one replica" "$(fmt %.1f "$kb / 1024") MB" "<= 64 MB" \
    "$(is_true "$kb <= 65536" && echo 1)" "$(is_true "$kb <= 65536" || fmt '%.1f MB over' "$kb / 1024 - 64")" ""
}
