# shellcheck shell=bash
# Section "latency" (issue #10 §7): primary commit -> event durable in the sidecar -> row applied
# at a MariaDB replica that replicates through the sidecar. BENCH_LATENCY_SAMPLES single-row
# autocommit INSERTs, 20 ms apart, on a durable primary; each row carries the primary's clock
# (SYSDATE(6), in microseconds) taken while the statement runs, just before its commit. The
# sidecar's durable checkpoint is polled every millisecond (latency_poll.py); the event's
# position comes from decoding the sidecar's stored binlog; the replica stamps each row with
# its own SYSDATE(6) in a trigger (slave_run_triggers_for_rbr) as it applies it. One clock.

LAT_TABLE="CREATE TABLE bench.lat (id INT PRIMARY KEY, c BIGINT NOT NULL) ENGINE=InnoDB"

# latency_positions BINLOG...: "ID END_POS FILE" per row, from the sidecar's stored files.
latency_positions() {
  local f
  for f in "$@"; do
    mariadb-binlog --no-defaults -v --base64-output=decode-rows "$f" 2>/dev/null |
      awk -v file="$(basename "$f")" '/^### INSERT INTO `bench`.`lat`/ { want = 1; next }
        want && /^###   @1=/ { sub(/^###   @1=/, ""); ids[n++] = $0; want = 0 }
        /\tXid = / { for (i = 0; i < n; i++) { match($0, /end_log_pos [0-9]+/); print ids[i], substr($0, RSTART + 12, RLENGTH - 12), file } n = 0 }'
  done
}

bench_section_latency() {
  local port dir="$WORK_DIR/lat-sc" pos i poll_pid
  port="$(free_port)"
  mariadb_start lat "$port" 1 "${SEMI_PRIMARY_OPTS[@]}" || harness_die "cannot start the latency primary"
  primary_users lat
  mariadb_sql lat "$LAT_TABLE"
  pos="$(master_pos lat)"
  sidecar_start "$dir" "$port" --set "upstream.start=${pos% *}:4"
  local lr_port
  lr_port="$(free_port)"
  mariadb_start latrep "$lr_port" 5 --skip-slave-start --relay-log=relay-bin --slave-run-triggers-for-rbr=YES ||
    harness_die "cannot start the latency replica"
  replica_point latrep "$SC_SERVE_PORT" "${pos% *}" 4
  mariadb_sql latrep "START SLAVE"
  latrep_has_table() { mariadb_sql latrep "SELECT 1 FROM bench.lat LIMIT 0" >/dev/null 2>&1; }
  wait_until 60 latrep_has_table || harness_die "the latency table did not reach the replica ($(slave_field latrep Last_Error))"
  mariadb_sql latrep "SET GLOBAL read_only = OFF; ALTER TABLE bench.lat ADD COLUMN arrived BIGINT NULL;
    CREATE TRIGGER bench.lat_arrived BEFORE INSERT ON bench.lat FOR EACH ROW
    SET NEW.arrived = CAST(UNIX_TIMESTAMP(SYSDATE(6)) * 1000000 AS SIGNED)"

  local seconds=$((BENCH_LATENCY_SAMPLES / 25 + 30))
  python3 "$REPO/scripts/bench/latency_poll.py" "$dir/data/state.db" "$seconds" "$WORK_DIR/lat-durable.txt" &
  poll_pid=$!
  harness_add_cleanup "kill -KILL $poll_pid 2>/dev/null || true"
  lat_poller_ready() { [[ -s "$WORK_DIR/lat-durable.txt" ]]; }
  wait_until 60 lat_poller_ready || harness_die "the checkpoint poller did not start"
  say "latency: $BENCH_LATENCY_SAMPLES single-row commits, 20 ms apart"
  note_cmd "INSERT INTO bench.lat VALUES (i, CAST(UNIX_TIMESTAMP(SYSDATE(6)) * 1000000 AS SIGNED))   # every 20 ms, autocommit"
  for ((i = 1; i <= BENCH_LATENCY_SAMPLES; i++)); do
    echo "INSERT INTO bench.lat (id, c) VALUES ($i, CAST(UNIX_TIMESTAMP(SYSDATE(6)) * 1000000 AS SIGNED));"
    sleep 0.02
  done | mariadb_sql lat
  latrep_done() { [[ "$(mariadb_sql latrep "SELECT COUNT(*) FROM bench.lat")" == "$BENCH_LATENCY_SAMPLES" ]]; }
  wait_until 120 latrep_done || harness_die "the replica did not apply every latency row"
  sleep 0.2
  kill -TERM "$poll_pid" 2>/dev/null || true
  wait "$poll_pid" 2>/dev/null || true

  # Join: id -> commit us (primary), end position (sidecar file), durable us, applied us (replica).
  mariadb_sql lat "SELECT id, c FROM bench.lat ORDER BY id" >"$WORK_DIR/lat-commit.txt"
  mariadb_sql latrep "SELECT id, arrived FROM bench.lat ORDER BY id" >"$WORK_DIR/lat-applied.txt"
  latency_positions "$dir"/data/binlog/mysql-bin.[0-9]* >"$WORK_DIR/lat-pos.txt"
  awk -v out="$WORK_DIR/lat" '
    FILENAME ~ /lat-commit/ { commit[$1] = $2; next }
    FILENAME ~ /lat-applied/ { applied[$1] = $2; next }
    FILENAME ~ /lat-pos/ { pos[$1] = $2; file[$1] = $3; next }
    FILENAME ~ /lat-durable/ { n++; dt[n] = $1; df[n] = $2; dp[n] = $3; next }
    END {
      for (id in commit) {
        if (!(id in pos) || !(id in applied)) continue
        for (k = 1; k <= n; k++) if (df[k] > file[id] || (df[k] == file[id] && dp[k] + 0 >= pos[id] + 0)) break
        if (k > n) continue
        print (dt[k] - commit[id]) / 1000 > (out "-durable.ms")
        print (applied[id] - commit[id]) / 1000 > (out "-applied.ms")
        print (applied[id] - dt[k]) / 1000 > (out "-hop.ms")
      }
    }' "$WORK_DIR/lat-commit.txt" "$WORK_DIR/lat-applied.txt" "$WORK_DIR/lat-pos.txt" "$WORK_DIR/lat-durable.txt"
  local samples
  samples="$(wc -l <"$WORK_DIR/lat-durable.ms" 2>/dev/null || echo 0)"
  ((samples > 0)) || harness_die "no latency sample could be matched (see $WORK_DIR/lat-*.txt)"
  emit
  emit "### 7. Latency: $samples single-row commits on a durable primary, replica through the sidecar"
  emit
  md_header "stage" "p50 ms" "p99 ms" "max ms"
  local f label
  for f in durable hop applied; do
    case "$f" in
      durable) label="primary commit -> durable in the sidecar (fdatasync'd, checkpointed)" ;;
      hop) label="durable in the sidecar -> applied at the replica" ;;
      applied) label="primary commit -> applied at the replica (end to end)" ;;
    esac
    md_row "$label" "$(fmt %.2f "$(percentile 50 "$WORK_DIR/lat-$f.ms")")" \
      "$(fmt %.2f "$(percentile 99 "$WORK_DIR/lat-$f.ms")")" "$(fmt %.2f "$(percentile 100 "$WORK_DIR/lat-$f.ms")")"
  done
  emit
  emit "The commit stamp is taken as the INSERT runs, before the primary's own commit fsyncs (sync_binlog=1); the checkpoint is polled every 1 ms."
  sidecar_stop "$SC_PID"
  mariadb_stop latrep
  mariadb_stop lat
}
