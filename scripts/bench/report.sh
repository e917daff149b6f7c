# shellcheck shell=bash
# BENCHMARKS.md: the machine, the exact commands, the goals (met / not met, by how much, why)
# and the section tables of this run, from the files lib.sh's emit/goal/note_cmd wrote into
# WORK_DIR. Written by bench_write_report FILE at the end of scripts/bench.sh.

# goal_why NAME: why a goal is missed, as measured on the development machine (see the section
# tables for this run's numbers); printed only for goals that are not met.
goal_why() {
  case "$1" in
    "pull (big rows"*|"pull (small"*"replica"*)
      echo "the peers neither fsync (the replica: sync_relay_log=10000) nor, mariadb-binlog, check CRCs: compare the CPU s/GB column; the CRC32 check of every event is a PCLMULQDQ fold (~13 GB/s per core: ~0.08 CPU s/GB, zlib took ~0.2); perf: ~70% kernel (page-cache copy of write(2), TCP receive, paravirtual IRQ overhead, ext4 writeback submitted by its own fdatasync)" ;;
    "pull throughput while /metrics"*)
      echo "on two vCPUs the scraping clients take CPU from a pull that is itself CPU-bound; compare the spread of the unloaded runs with the gap" ;;
    *"events/s"*)
      echo "events-bound: per-event CPU (decode, CRC32, copy) on a core shared with the primary's dump thread and other load" ;;
    *"peak RSS"*)
      echo "buffers sized for max_allowed_packet-sized events and the serve readers' read-ahead" ;;
    *"semi-sync"*)
      echo "one fdatasync of the binlog before each ACK (plus the wait for the one in flight), on the primary's commit path, while the MariaDB replica ACKs from memory without any fsync; at low sysbench concurrency the primary's commit rate is bound by commit latency (compare the table at more threads); ACKs are batched when flagged events arrive together (compare the ACK count with yes_tx)" ;;
    "serve vs"*)
      echo "the replica's I/O thread is the limit from either source (perf: the sidecar's serving thread waits for the replica to drain the socket most of the time); the spread between runs is larger than the gap" ;;
    *) echo "see the section table" ;;
  esac
}

# machine_description: Markdown bullet list of the machine this run used.
machine_description() {
  local disk fs dev
  dev="$(df -P "$BENCH_DIR" | awk 'NR == 2 { print $1 }')"
  fs="$(findmnt -no FSTYPE,OPTIONS -T "$BENCH_DIR")"
  disk="$(lsblk -dno SIZE,MODEL "$dev" 2>/dev/null | awk '{ $1 = $1; print }')"
  echo "- CPU: $(lscpu | awk -F: '/^Model name/ { sub(/^ +/, "", $2); print $2; exit }'), $(nproc) cores available"
  echo "- RAM: $(free -g | awk '/^Mem:/ { print $2 }') GiB"
  echo "- Disk: BENCH_DIR=$BENCH_DIR on $dev (${disk:-size unknown}, rotational=$(lsblk -dno ROTA "$dev" 2>/dev/null | tr -d ' ' || echo '?') as the kernel reports it), filesystem $fs"
  echo "- Kernel: $(uname -sr)"
  echo "- MariaDB: $(mariadbd --version | sed 's/^.*Ver //')"
  local src
  src="$(awk -F= '/^CMAKE_HOME_DIRECTORY:/ { print $2 }' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null || true)"
  echo "- binlog-sidecar: $("$SIDECAR_BIN" --version 2>/dev/null | head -n 1), Release build $SIDECAR_BIN from ${src:-$REPO} (repository at git $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null))"
  echo "- Load average (1/5/15 min): $LOAD_START at start, $(cut -d' ' -f1-3 /proc/loadavg) at end; the machine was shared with other builds and tests, which is why every ratio is measured within this run"
}

# bench_write_report FILE SECTION...: write BENCHMARKS.md.
bench_write_report() {
  local file="$1" name measured target met short why
  shift
  {
    echo "# Benchmarks"
    echo
    echo "Written by \`scripts/bench.sh\` on $(date -u '+%F %H:%M UTC') (run time $((SECONDS / 60)) min). Reproduce with:"
    echo
    echo '```sh'
    echo "$BENCH_CMDLINE"
    echo '```'
    echo
    echo "Sections: $*. Every measurement ran $BENCH_RUNS time(s), interleaved with the ones it is compared to; tables show medians, ratios are of medians of this run. Loopback only, real mariadbd servers started by the script (\`scripts/lib/mariadb.sh\`)."
    echo
    echo "## Machine"
    echo
    machine_description
    echo
    echo "## Goals (issue #10)"
    echo
    echo "| goal | measured | target | result | short by | why |"
    echo "|---|---|---|---|---|---|"
    while IFS=$'\t' read -r name measured target met short why; do
      [[ "$met" == met ]] && why="" || why="${why:-$(goal_why "$name")}"
      echo "| $name | $measured | $target | $met | ${short:--} | ${why:--} |"
    done <"$WORK_DIR/goals.tsv"
    echo
    echo "## Results"
    cat "$WORK_DIR/report.md"
    echo
    echo "## Commands measured"
    echo
    echo "Settings: BENCH_RUNS=$BENCH_RUNS BENCH_PULL_BYTES=$BENCH_PULL_BYTES BENCH_SMALL_BYTES=$BENCH_SMALL_BYTES BENCH_RESTART_BYTES=$BENCH_RESTART_BYTES BENCH_ROW_BYTES=$BENCH_ROW_BYTES BENCH_SEMISYNC_SECONDS=$BENCH_SEMISYNC_SECONDS BENCH_SEMISYNC_THREADS=\"$BENCH_SEMISYNC_THREADS\" BENCH_LATENCY_SAMPLES=$BENCH_LATENCY_SAMPLES."
    echo "Primaries: \`mariadbd --no-defaults --log-bin --binlog-format=ROW ${BENCH_PRIMARY_OPTS[*]}\` (backlogs; semi-sync and latency: \`${SEMI_PRIMARY_OPTS[*]}\`). Replicas: \`--skip-slave-start --relay-log=relay-bin\` (SQL thread stopped unless stated)."
    echo
    echo '```sh'
    cat "$WORK_DIR/commands.txt"
    echo '```'
  } >"$file"
  say "wrote $file"
}
