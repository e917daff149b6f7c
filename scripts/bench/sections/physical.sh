# shellcheck shell=bash
# Section "physical" (issue #10 §1): the machine's limits. dd conv=fdatasync of the big backlog's
# size into BENCH_DIR's disk, loopback TCP throughput (iperf3, 5 s per run), and on one core
# the binlog CRC32 (bench/crc32_bench: what verifying every event costs) against memcpy. Sets
# PHYS_DD_MBS and PHYS_NET_MBS (medians) for the other sections.

# physical_dd_mbs: median MB/s of BENCH_RUNS dd runs of BENCH_PULL_BYTES (measured once).
physical_dd_mbs() {
  local run
  local -a t=()
  if [[ -z "${PHYS_DD_MBS:-}" ]]; then
    for ((run = 0; run < BENCH_RUNS; run++)); do t+=("$(dd_rate "$BENCH_PULL_BYTES")"); done
    PHYS_DD_S="$(median "${t[@]}")"
    PHYS_DD_MBS="$(calc "$BENCH_PULL_BYTES / $PHYS_DD_S / 1e6")"
  fi
}

# physical_net_mbs: median MB/s of BENCH_RUNS iperf3 runs on loopback.
physical_net_mbs() {
  local run port pid bps
  local -a r=()
  note_cmd "iperf3 -s -1 -B 127.0.0.1 -p PORT & iperf3 -c 127.0.0.1 -p PORT -t 5 -J"
  for ((run = 0; run < BENCH_RUNS; run++)); do
    port="$(free_port)"
    iperf3 -s -1 -B 127.0.0.1 -p "$port" >/dev/null 2>&1 </dev/null &
    pid=$!
    harness_add_cleanup "kill -KILL $pid 2>/dev/null || true"
    sleep 0.5
    bps="$(timeout 30 iperf3 -c 127.0.0.1 -p "$port" -t 5 -J 2>/dev/null | jq -r '.end.sum_received.bits_per_second')" ||
      harness_die "iperf3 failed"
    r+=("$(calc "$bps / 8 / 1e6")")
    proc_stop "$pid" 5 || true
  done
  PHYS_NET_MBS="$(median "${r[@]}")"
}

# physical_crc: median "crc_gb_per_s memcpy_gb_per_s" of BENCH_RUNS crc32_bench runs.
physical_crc() {
  local tool="$BUILD_DIR/bench/crc32_bench" run line
  local -a c=() m=()
  [[ -x "$tool" ]] || cmake --build "$BUILD_DIR" --target crc32_bench >&2
  note_cmd "bench/crc32_bench 64 8   # binlog CRC32 (PCLMULQDQ folding where the CPU has it) vs memcpy over 64 MiB, 8 rounds"
  for ((run = 0; run < BENCH_RUNS; run++)); do
    line="$("$tool" 64 8)" || harness_die "crc32_bench failed"
    c+=("$(sed -E 's/.*crc_gb_per_s=([0-9.]+).*/\1/' <<<"$line")")
    m+=("$(sed -E 's/.*memcpy_gb_per_s=([0-9.]+).*/\1/' <<<"$line")")
  done
  echo "$(median "${c[@]}") $(median "${m[@]}")"
}

bench_section_physical() {
  say "physical limits: dd conv=fdatasync ($BENCH_PULL_BYTES bytes) and iperf3 on loopback"
  physical_dd_mbs
  physical_net_mbs
  emit
  emit "### 1. Physical limits (median of $BENCH_RUNS)"
  emit
  md_header limit "MB/s" detail
  md_row "disk: dd bs=1M conv=fdatasync" "$(fmt %.0f "$PHYS_DD_MBS")" \
    "$(fmt %.2f "$BENCH_PULL_BYTES / 1e9") GB into $(df -P "$BENCH_DIR" | awk 'NR == 2 { print $1 }') ($(findmnt -no FSTYPE -T "$BENCH_DIR"))"
  md_row "loopback TCP: iperf3, 1 stream, 5 s" "$(fmt %.0f "$PHYS_NET_MBS")" "127.0.0.1"
  local -a crc
  read -r -a crc <<<"$(physical_crc)"
  md_row "one core: binlog CRC32 (PCLMULQDQ folding; zlib on CPUs without it)" "$(fmt %.0f "${crc[0]} * 1000")" "bench/crc32_bench; every event is checked once when pulled and once when served"
  md_row "one core: memcpy" "$(fmt %.0f "${crc[1]} * 1000")" "same buffer (64 MiB)"
}
