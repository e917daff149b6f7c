# shellcheck shell=bash
# Section "metrics-load" (issue #7): the sidecar pulling the big backlog alone vs while `ab`
# hammers its /metrics (4 connections, bounded in count and time), runs interleaved.

# metrics_hammer PORT: start ab against /metrics on PORT in the background; sets AB_PID.
metrics_hammer() {
  note_cmd "ab -q -k -c 4 -t 600 -n 2000000 http://127.0.0.1:HTTP_PORT/metrics   # during the pull"
  ab -q -k -c 4 -t 600 -n 2000000 "http://127.0.0.1:$1/metrics" >"$WORK_DIR/ab.out" 2>&1 </dev/null &
  AB_PID=$!
  harness_add_cleanup "kill -KILL $AB_PID 2>/dev/null || true"
}

bench_section_metrics_load() {
  local run dir="$WORK_DIR/metrics-sc" t0 reqs
  local -a alone=() loaded=() rps=()
  backlog_up big
  for ((run = 1; run <= BENCH_RUNS; run++)); do
    say "metrics-load, run $run/$BENCH_RUNS: pull alone"
    sidecar_pull "$dir" "$SRC_PORT" "$SRC_TARGET"
    alone+=("$SP_S")
    say "metrics-load, run $run/$BENCH_RUNS: pull while ab hammers /metrics"
    rm -rf "$dir"
    t0="$EPOCHREALTIME"
    sidecar_start "$dir" "$SRC_PORT" --set upstream.start=earliest
    metrics_hammer "$SC_HTTP_PORT"
    wait_until "$BENCH_TIMEOUT" sidecar_at "$dir/data" "$SRC_TARGET" || harness_die "loaded pull did not finish"
    loaded+=("$(calc "$EPOCHREALTIME - $t0")")
    kill -INT "$AB_PID" 2>/dev/null || true # ab prints its results on SIGINT
    wait "$AB_PID" 2>/dev/null || true
    reqs="$(awk '/^Complete requests:/ { print $3 }' "$WORK_DIR/ab.out")"
    rps+=("$(calc "$reqs / ${loaded[-1]}")")
    sidecar_stop "$SC_PID"
    rm -rf "$dir"
  done
  local a l ratio
  a="$(median "${alone[@]}")" l="$(median "${loaded[@]}")"
  ratio="$(calc "$a / $l")"
  emit
  emit "### 8. /metrics under load during a pull of $(fmt %.2f "$SRC_TOTAL / 1e9") GB (median of $BENCH_RUNS)"
  emit
  md_header "pull" seconds "MB/s" "/metrics requests/s served" "runs (s)"
  md_row "alone" "$(fmt %.2f "$a")" "$(fmt %.0f "$SRC_TOTAL / $a / 1e6")" "-" "${alone[*]}"
  md_row "with ab -c 4 on /metrics" "$(fmt %.2f "$l")" "$(fmt %.0f "$SRC_TOTAL / $l / 1e6")" "$(fmt %.0f "$(median "${rps[@]}")")" "${loaded[*]}"
  emit
  emit "Ratio loaded/alone (throughput): $(fmt %.2f "$ratio")."
  goal "pull throughput while /metrics is hammered" "$(fmt %.2f "$ratio")x of alone" ">= 0.95x (not measurably lower)" \
    "$(is_true "$ratio >= 0.95" && echo 1)" "$(is_true "$ratio >= 0.95" || fmt %.0f%% "(1 - $ratio) * 100")" ""
}

