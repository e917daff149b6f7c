#!/usr/bin/env bash
# binlog-sidecar demo: from a fresh machine to a checked binlog in one command.
#
# Usage:
#   scripts/demo.sh [start]   install deps, build, start a MariaDB primary, the sidecar pulling
#                             from it and a MariaDB replica replicating through the sidecar,
#                             load the primary, check the sidecar's stored binlogs, and print
#                             /status and /health (ends with {"status":"ok",...})
#   scripts/demo.sh stop      stop the servers the demo started (by their PID files; data is kept)
#   scripts/demo.sh status    show what the demo has running
#
# Environment: DEMO_DIR (default /tmp/binlog-sidecar-demo), BUILD_DIR (default build/),
# SIDECAR_BIN (use this binary instead of building one), DEMO_LOAD_SECONDS (default 3),
# HARNESS_VERBOSE=1 for step-by-step logs.
# The servers keep running after `start` (that is the point of a demo); `start` again reuses
# them and adds load. Everything lives under DEMO_DIR; stop removes nothing but PID files.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source-path=SCRIPTDIR
# shellcheck source=lib/mariadb.sh
source "$REPO/scripts/lib/mariadb.sh"
# shellcheck source=lib/sidecar.sh
source "$REPO/scripts/lib/sidecar.sh"

DEMO_DIR="${DEMO_DIR:-/tmp/binlog-sidecar-demo}"
BUILD_DIR="${BUILD_DIR:-$REPO/build}"
SIDECAR_BIN="${SIDECAR_BIN:-}"  # set by demo_build unless given
DEMO_LOAD_SECONDS="${DEMO_LOAD_SECONDS:-3}"
# The harness keeps each server under $WORK_DIR/NAME; the demo's servers outlive this script,
# so there is no harness_init (whose EXIT trap would stop them).
WORK_DIR="$DEMO_DIR"
export WORK_DIR

# say MESSAGE...: one line of demo narration on stdout.
say() {
  printf '==> %s\n' "$*"
}

# demo_build: build the Release binary into BUILD_DIR (reusing it if present) and set
# SIDECAR_BIN to it, unless SIDECAR_BIN was given.
demo_build() {
  if [[ -n "$SIDECAR_BIN" ]]; then
    say "using SIDECAR_BIN=$SIDECAR_BIN"
    return 0
  fi
  say "building binlog-sidecar in ${BUILD_DIR#"$REPO"/}/"
  SIDECAR_BIN="$(sidecar_build "$BUILD_DIR" "$DEMO_DIR/build.log")"
  "$SIDECAR_BIN" --version
}

# demo_start_server NAME SERVER_ID [MARIADBD_ARGS...]: start server NAME unless it already
# runs; reuses the port it had before when that port is still free.
demo_start_server() {
  local name="$1" server_id="$2" port="" pid
  shift 2
  if pid="$(mariadb_pid "$name")"; then
    say "$name already running (PID $pid, port $(mariadb_port "$name")): reusing it"
    return 0
  fi
  if [[ -f "$(mariadb_dir "$name")/port" ]]; then
    port="$(mariadb_port "$name")"
    _port_in_use "$port" && port=""
  fi
  [[ -n "$port" ]] || port="$(free_port)"
  say "starting MariaDB $name on 127.0.0.1:$port (server_id $server_id)"
  mariadb_start "$name" "$port" "$server_id" "$@" || harness_die "could not start $name"
}

# demo_start_primary: the primary: ROW binlogs with CRC32, rotating every 4 MiB so there are
# several files to look at.
demo_start_primary() {
  demo_start_server primary 1 --binlog-checksum=CRC32 --max-binlog-size=4M
  mariadb_sql primary "CREATE USER IF NOT EXISTS 'repl'@'127.0.0.1' IDENTIFIED BY 'demo-repl';
    GRANT REPLICATION SLAVE, REPLICATION CLIENT, BINLOG MONITOR ON *.* TO 'repl'@'127.0.0.1'"
}

# demo_sidecar_pid: print the PID of the demo's running sidecar; fails when none runs.
demo_sidecar_pid() {
  local pid
  pid="$(cat "$DEMO_DIR/sidecar/sidecar.pid" 2>/dev/null)" || return 1
  proc_alive "$pid" && grep -q binlog-sidecar "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

# demo_start_sidecar: configure (once) and start the sidecar pulling from the primary, detached
# in the background, unless it already runs. Its log is DEMO_DIR/sidecar/sidecar.log.
demo_start_sidecar() {
  local dir="$DEMO_DIR/sidecar" pid
  if pid="$(demo_sidecar_pid)"; then
    say "sidecar already running (PID $pid): reusing it"
    return 0
  fi
  sidecar_write_config "$dir" "$(mariadb_port primary)" demo-repl
  say "starting binlog-sidecar --config $dir/sidecar.conf (pulling from the primary)"
  setsid "$SIDECAR_BIN" --config "$dir/sidecar.conf" </dev/null >>"$dir/sidecar.log" 2>&1 &
  echo $! >"$dir/sidecar.pid"
}

# demo_wait_sidecar: wait (at most 60 s) until the sidecar's durable checkpoint reaches the
# primary's SHOW MASTER STATUS.
demo_wait_sidecar() {
  local want got="" deadline=$((SECONDS + 60))
  want="$(mariadb_sql primary "SHOW MASTER STATUS" | awk '{print $1" "$2}')"
  while ((SECONDS < deadline)); do
    got="$(sidecar_checkpoint_of "$DEMO_DIR/sidecar/data")"
    if [[ "$got" == "$want" ]]; then
      say "sidecar caught up: its durable checkpoint is the primary's position, $got"
      return 0
    fi
    if ! demo_sidecar_pid >/dev/null; then
      tail -n 20 "$DEMO_DIR/sidecar/sidecar.log" >&2
      harness_die "the sidecar stopped"
    fi
    sleep 0.2
  done
  tail -n 20 "$DEMO_DIR/sidecar/sidecar.log" >&2
  harness_die "the sidecar's checkpoint is '$got', the primary is at '$want' after 60 s"
}


# demo_conf_port SECTION: the port of [SECTION] in the sidecar's config.
demo_conf_port() {
  awk -v want="[$1]" '$0 == want {s=1; next} /^\[/ {s=0} s && $1 == "port" {print $3}' \
    "$DEMO_DIR/sidecar/sidecar.conf"
}

# demo_start_replica: the co-located replica: a second MariaDB that replicates from the
# sidecar's serve port (CHANGE MASTER TO, from the first stored file), and that the sidecar
# polls over its socket (the `monitor` account; DEMO_DIR/sidecar/replica.sock links to it).
demo_start_replica() {
  local serve_port first
  demo_start_server replica 2
  mariadb_sql replica "CREATE USER IF NOT EXISTS 'monitor'@'localhost' IDENTIFIED BY 'demo-repl';
    GRANT REPLICA MONITOR ON *.* TO 'monitor'@'localhost'"
  ln -sfn "$(mariadb_socket replica)" "$DEMO_DIR/sidecar/replica.sock"
  if [[ -n "$(mariadb_sql replica "SHOW SLAVE STATUS")" ]]; then
    say "the replica already replicates: START SLAVE"
    mariadb_sql replica "START SLAVE"
    return 0
  fi
  serve_port="$(demo_conf_port serve)"
  first="$(demo_first_stored_file)"
  say "replica: CHANGE MASTER TO the sidecar (127.0.0.1:$serve_port, $first:4); START SLAVE"
  mariadb_sql replica "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$serve_port,
    MASTER_USER='repl', MASTER_PASSWORD='demo-repl', MASTER_LOG_FILE='$first', MASTER_LOG_POS=4,
    MASTER_USE_GTID=no; START SLAVE"
}

# demo_first_stored_file: the oldest binlog file the sidecar stored (waits at most 60 s for
# the first one).
demo_first_stored_file() {
  local first="" file deadline=$((SECONDS + 60))
  while ((SECONDS < deadline)); do
    for file in "$DEMO_DIR"/sidecar/data/binlog/mysql-bin.[0-9]*; do
      [[ -f "$file" ]] && first="$(basename "$file")" && break
    done
    [[ -n "$first" ]] && break
    sleep 0.2
  done
  [[ -n "$first" ]] || harness_die "the sidecar stored no binlog file within 60 s"
  echo "$first"
}

# demo_slave_field FIELD: one column of the replica's SHOW SLAVE STATUS.
demo_slave_field() {
  mariadb --no-defaults -uroot -S "$(mariadb_socket replica)" -e "SHOW SLAVE STATUS\G" </dev/null |
    awk -v f="$1:" '$1 == f {print $2}'
}

# demo_wait_replica: wait (at most 90 s) until the replica's threads run and it executed up to
# the primary's SHOW MASTER STATUS, through the sidecar.
demo_wait_replica() {
  local want got="" deadline=$((SECONDS + 90))
  want="$(mariadb_sql primary "SHOW MASTER STATUS" | awk '{print $1" "$2}')"
  while ((SECONDS < deadline)); do
    got="$(demo_slave_field Relay_Master_Log_File) $(demo_slave_field Exec_Master_Log_Pos)"
    if [[ "$(demo_slave_field Slave_IO_Running)" == Yes &&
      "$(demo_slave_field Slave_SQL_Running)" == Yes && "$got" == "$want" ]]; then
      say "replica caught up through the sidecar: executed up to $got (Master_Port $(demo_slave_field Master_Port))"
      return 0
    fi
    sleep 0.3
  done
  mariadb --no-defaults -uroot -S "$(mariadb_socket replica)" -e "SHOW SLAVE STATUS\G" </dev/null |
    grep -E 'Running|Error|Master_Log|Master_Port' >&2
  harness_die "the replica did not catch up through the sidecar in 90 s (at '$got', want '$want')"
}

# demo_http PATH: GET http://127.0.0.1:<http.port>PATH from the sidecar (the body, any status).
demo_http() {
  curl -sS --max-time 10 "http://127.0.0.1:$(demo_conf_port http)$1"
}

# demo_wait_healthy: wait (at most 30 s) until /health answers 200.
demo_wait_healthy() {
  local deadline=$((SECONDS + 30)) code=""
  while ((SECONDS < deadline)); do
    code="$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' \
      "http://127.0.0.1:$(demo_conf_port http)/health" 2>/dev/null || true)"
    [[ "$code" == 200 ]] && return 0
    sleep 0.3
  done
  demo_http /health >&2 || true
  harness_die "the sidecar's /health is $code, not 200, after 30 s"
}

# demo_print_status: a short /status: upstream, storage, budget, replica, readers.
demo_print_status() {
  say "GET /status (short; the whole JSON: curl http://127.0.0.1:$(demo_conf_port http)/status)"
  demo_http /status | jq -c '{
      upstream: (.upstream | {state, primary, file, position, seconds_behind_primary,
                              events_received, reconnects}),
      storage: (.storage | {files, bytes, durable, fsyncs}),
      budget: (.budget | if . then {state, used_bytes, disk_bytes, purged_files} else . end),
      replica: (.replica | if . then {reachable, io_running, sql_running, executed} else . end),
      readers: (.readers | if . then map({peer, command, reading}) else . end)}'
}

# demo_load: DEMO_LOAD_SECONDS of sysbench oltp_write_only on the primary (tables created on
# the first run).
demo_load() {
  local sock log="$DEMO_DIR/sysbench.log"
  local -a sb
  sock="$(mariadb_socket primary)"
  sb=(sysbench oltp_write_only --db-driver=mysql --mysql-socket="$sock" --mysql-user=root
    --mysql-db=sbtest --tables=2 --table-size=2000)
  if [[ -z "$(mariadb_sql primary "SHOW TABLES IN sbtest LIKE 'sbtest2'" 2>/dev/null)" ]]; then
    mariadb_sql primary "CREATE DATABASE IF NOT EXISTS sbtest"
    "${sb[@]}" prepare >"$log" 2>&1 </dev/null || {
      tail -n 20 "$log" >&2
      harness_die "sysbench prepare failed"
    }
  fi
  say "running ${DEMO_LOAD_SECONDS}s of sysbench oltp_write_only on the primary"
  "${sb[@]}" --threads=2 --time="$DEMO_LOAD_SECONDS" --report-interval=0 run >>"$log" 2>&1 </dev/null || {
    tail -n 20 "$log" >&2
    harness_die "sysbench run failed"
  }
  say "primary at GTID $(mariadb_sql primary 'SELECT @@gtid_binlog_pos'), $(grep -oE 'transactions: +[0-9]+' "$log" | tail -n 1 | tr -s ' ') in the last run"
}

# demo_check_binlog: run `binlog-sidecar check-binlog` on every binlog file the sidecar stored
# and print its JSON Lines, then a one-line summary. Fails if a file is damaged or the command
# fails.
demo_check_binlog() {
  local out="$DEMO_DIR/check-binlog.jsonl" rc=0 stored="$DEMO_DIR/sidecar/data/binlog"
  local -a files
  mapfile -t files < <(ls "$stored"/mysql-bin.[0-9]*)
  say "binlog-sidecar check-binlog $stored/mysql-bin.0* (${#files[@]} files the sidecar stored)"
  "$SIDECAR_BIN" check-binlog "${files[@]}" >"$out" 2>"$out.err" </dev/null || rc=$?
  if [[ "$rc" != 0 && "$rc" != 1 ]]; then
    cat "$out.err" >&2
    harness_die "check-binlog failed with exit status $rc"
  fi
  jq -c '{file: (.file | split("/") | last), ok, size, events, transactions, first_gtid,
          last_gtid, closed_cleanly} + (if .ok then {} else {problem} end)' "$out"
  jq -s -r '"summary: \(length) files, \(map(select(.ok)) | length) ok, "
      + "\(map(.size) | add) bytes, \(map(.events) | add) events, "
      + "\(map(.transactions) | add) transactions, last GTID \(map(.last_gtid // empty) | last // "none")"' "$out"
  echo "(full JSON per file: $out)"
  [[ "$rc" == 0 ]] || harness_die "check-binlog found damaged files"
}

# demo_print_next: how to look around and how to stop.
demo_print_next() {
  local http
  http="http://127.0.0.1:$(demo_conf_port http)"
  cat <<EOF
The primary, the sidecar and the replica keep running:
  mariadb --no-defaults -uroot -S $(mariadb_socket primary)          # a SQL shell on the primary
  mariadb --no-defaults -uroot -S $(mariadb_socket replica)          # the replica (SHOW SLAVE STATUS\G)
  mariadb --no-defaults -h127.0.0.1 -P$(demo_conf_port serve) -urepl -pdemo-repl   # the sidecar's serve port
  curl $http/health  |  curl $http/status  |  curl $http/metrics
  ls $DEMO_DIR/sidecar/data/binlog/                                   # the sidecar's copy
  tail -f $DEMO_DIR/sidecar/sidecar.log                               # its log
Stop everything with:  scripts/demo.sh stop     (data stays in $DEMO_DIR)
EOF
}

# demo_on_exit: EXIT trap of demo_start. Port reservations end with this script (the servers
# hold their ports from then on); after a failure, say what is still running.
demo_on_exit() {
  local status=$?
  harness_release_ports
  if [[ $status -ne 0 ]] && mariadb_pid primary >/dev/null; then
    echo "demo.sh: the primary is still running; stop it with: scripts/demo.sh stop" >&2
  fi
  exit "$status"
}

# demo_start: the whole demo, step by step; the last line is the sidecar's /health.
demo_start() {
  mkdir -p "$DEMO_DIR"
  trap demo_on_exit EXIT
  "$REPO/scripts/deps.sh"
  demo_build
  demo_start_primary
  demo_start_sidecar
  demo_start_replica
  demo_load
  demo_wait_sidecar
  demo_wait_replica
  demo_check_binlog
  demo_wait_healthy
  demo_print_status
  demo_print_next
  say "GET /health"
  demo_http /health
  echo
}

# demo_stop: stop the sidecar and every server the demo recorded under DEMO_DIR, by PID; keep
# all data.
demo_stop() {
  local pidfile name pid stopped=0
  if pid="$(demo_sidecar_pid)"; then
    say "stopping binlog-sidecar (PID $pid)"
    proc_stop "$pid" 30 || true
    stopped=$((stopped + 1))
  fi
  for pidfile in "$DEMO_DIR"/*/mariadbd.pid; do
    [[ -f "$pidfile" ]] || continue
    name="$(basename "$(dirname "$pidfile")")"
    if pid="$(mariadb_pid "$name")"; then
      say "stopping $name (PID $pid)"
      stopped=$((stopped + 1))
    fi
    mariadb_stop "$name"
  done
  ((stopped > 0)) || say "nothing running under $DEMO_DIR"
}

# demo_status: list the demo's servers and whether they run.
demo_status() {
  local dir name pid found=0
  if pid="$(demo_sidecar_pid)"; then
    say "sidecar: running, PID $pid, checkpoint $(sidecar_checkpoint_of "$DEMO_DIR/sidecar/data")"
  fi
  for dir in "$DEMO_DIR"/*/; do
    [[ -d "$dir/data" && "$(basename "$dir")" != sidecar ]] || continue
    name="$(basename "$dir")"
    found=1
    if pid="$(mariadb_pid "$name")"; then
      say "$name: running, PID $pid, port $(mariadb_port "$name"), socket $(mariadb_socket "$name")"
    else
      say "$name: stopped (data in ${dir%/})"
    fi
  done
  ((found)) || say "no demo servers under $DEMO_DIR"
}

# main [start|stop|status]: dispatch.
main() {
  case "${1:-start}" in
    start) demo_start ;;
    stop) demo_stop ;;
    status) demo_status ;;
    -h | --help) sed -n '2,14s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" ;;
    *)
      echo "usage: scripts/demo.sh [start|stop|status]" >&2
      exit 2
      ;;
  esac
}

main "$@"
