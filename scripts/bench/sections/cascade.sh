# shellcheck shell=bash
# Section "cascade" (issue #10 §4): a second sidecar pulls the big backlog from the first
# sidecar's serve port (the ceiling of our own code on both ends), vs a sidecar pulling it from
# the primary, runs interleaved.

bench_section_cascade() {
  local run
  local -a cs_s=() cs_cpu=() pr_s=() up_cpu=()
  local cpu0
  serve_sidecar_up
  for ((run = 1; run <= BENCH_RUNS; run++)); do
    say "cascade, run $run/$BENCH_RUNS: sidecar <- sidecar"
    cpu0="$(proc_cpu_s "$SERVE_SC_PID")"
    sidecar_pull "$WORK_DIR/cascade-sc" "$SERVE_SC_PORT" "$SRC_TARGET"
    cs_s+=("$SP_S") cs_cpu+=("$SP_CPU") up_cpu+=("$(calc "$(proc_cpu_s "$SERVE_SC_PID") - $cpu0")")
    say "cascade, run $run/$BENCH_RUNS: sidecar <- primary"
    sidecar_pull "$WORK_DIR/cascade-pr" "$SRC_PORT" "$SRC_TARGET"
    pr_s+=("$SP_S")
  done
  local c p gb
  c="$(median "${cs_s[@]}")" p="$(median "${pr_s[@]}")" gb="$(calc "$SRC_TOTAL / 1e9")"
  emit
  emit "### 4. Cascade: sidecar -> sidecar, $(fmt %.2f "$gb") GB (median of $BENCH_RUNS)"
  emit
  md_header "pulling sidecar's upstream" seconds "MB/s" "puller CPU s/GB" "upstream CPU s/GB" "runs (s)"
  md_row "another binlog-sidecar (serve port)" "$(fmt %.2f "$c")" "$(fmt %.0f "$SRC_TOTAL / $c / 1e6")" \
    "$(fmt %.2f "$(median "${cs_cpu[@]}") / $gb")" "$(fmt %.2f "$(median "${up_cpu[@]}") / $gb")" "${cs_s[*]}"
  md_row "the primary (mariadbd)" "$(fmt %.2f "$p")" "$(fmt %.0f "$SRC_TOTAL / $p / 1e6")" "" "n/a" "${pr_s[*]}"
  emit
  emit "Ratio cascade/primary (throughput): $(fmt %.2f "$p / $c")."
}
