# shellcheck shell=bash
# The pullers scripts/bench.sh compares, each timed over a whole backlog of a running primary.
#
#   sidecar_pull DIR PORT TARGET [keep]   binlog-sidecar from 127.0.0.1:PORT, start = earliest,
#        storage.sync default (group: every byte fdatasync'd and checkpointed), into a fresh
#        DIR/data, until its durable checkpoint is TARGET. Sets SP_S, SP_CPU, SP_KB (VmHWM),
#        SP_EVENTS (events received). Stops it unless "keep" is given (then SP_PID,
#        SC_SERVE_PORT, SC_HTTP_PORT name the running sidecar).
#   raw_pull PORT FIRST TOTAL             mariadb-binlog --read-from-remote-server --raw
#        --stop-never from FIRST until its files add up to TOTAL bytes. Sets RAW_S, RAW_CPU, RAW_KB.
#   replica_fetch (backlog.sh)            a MariaDB replica's I/O thread.

# sidecar_pull DIR PORT TARGET [keep]
sidecar_pull() {
  local dir="$1" port="$2" target="$3" keep="${4:-}" t0
  rm -rf "$dir"
  note_cmd "binlog-sidecar --config sidecar.conf --set upstream.start=earliest   # storage.sync = group (default), heartbeat 1s"
  t0="$EPOCHREALTIME"
  sidecar_start "$dir" "$port" --set upstream.start=earliest
  wait_until "$BENCH_TIMEOUT" sidecar_at "$dir/data" "$target" ||
    { tail -n 20 "$dir/sidecar.log" >&2; harness_die "the sidecar did not reach $target (see $dir/sidecar.log)"; }
  SP_S="$(calc "$EPOCHREALTIME - $t0")"
  SP_CPU="$(proc_cpu_s "$SC_PID")" SP_KB="$(proc_hwm_kb "$SC_PID")"
  SP_EVENTS="$(sidecar_metric "$SC_HTTP_PORT" binlog_sidecar_upstream_received_events_total)"
  SP_PID="$SC_PID"
  if [[ "$keep" != keep ]]; then
    sidecar_stop "$SC_PID"
    rm -rf "$dir"
  fi
}

# raw_size_reached DIR TOTAL: true once the files in DIR add up to TOTAL bytes.
raw_size_reached() {
  (($(du -sb "$1" | awk '{ print $1 }') >= $2))
}

# raw_pull PORT FIRST TOTAL
raw_pull() {
  local dir="$WORK_DIR/raw" pid t0
  rm -rf "$dir" && mkdir -p "$dir"
  note_cmd "mariadb-binlog --no-defaults --read-from-remote-server --host=127.0.0.1 --port=PORT --user=repl --password=... --raw --stop-never --result-file=DIR/ FIRST_FILE"
  t0="$EPOCHREALTIME"
  mariadb-binlog --no-defaults --read-from-remote-server --host=127.0.0.1 --port="$1" \
    --user=repl --password=replpw --raw --stop-never --result-file="$dir/" "$2" \
    </dev/null >"$WORK_DIR/raw.log" 2>&1 &
  pid=$!
  harness_add_cleanup "kill -KILL $pid 2>/dev/null || true"
  wait_until "$BENCH_TIMEOUT" raw_size_reached "$dir" "$3" || harness_die "mariadb-binlog did not catch up"
  RAW_S="$(calc "$EPOCHREALTIME - $t0")"
  RAW_CPU="$(proc_cpu_s "$pid")" RAW_KB="$(proc_hwm_kb "$pid")"
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
}

# dd_rate BYTES: seconds dd takes to write BYTES with conv=fdatasync into WORK_DIR's disk.
dd_rate() {
  local t0 out="$WORK_DIR/dd.out"
  note_cmd "dd if=/dev/zero of=BENCH_DIR/dd.out bs=1M count=N conv=fdatasync"
  rm -f "$out"
  t0="$EPOCHREALTIME"
  dd if=/dev/zero of="$out" bs=1M count="$((($1 + 1048575) / 1048576))" conv=fdatasync 2>/dev/null ||
    harness_die "dd failed"
  calc "$EPOCHREALTIME - $t0"
  rm -f "$out"
}
