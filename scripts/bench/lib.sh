# shellcheck shell=bash
# Common helpers of scripts/bench.sh: configuration, measurement, processes, report lines.
#
# Sourced by scripts/bench.sh after scripts/lib/mariadb.sh and scripts/lib/sidecar.sh. Every
# wait is bounded in time, every process is stopped by the PID recorded when it was started
# (harness_add_cleanup), everything listens on loopback and lives under WORK_DIR (inside
# BENCH_DIR). Results go to stdout as Markdown (emit) and, for BENCHMARKS.md, to files in
# WORK_DIR: report.md (the section tables), goals.tsv (one line per goal), commands.txt.

# --- configuration (environment) --------------------------------------------------------------
BENCH_QUICK="${BENCH_QUICK:-0}"
if [[ "$BENCH_QUICK" == 1 ]]; then
  : "${BENCH_RUNS:=1}" "${BENCH_PULL_BYTES:=268435456}" "${BENCH_SMALL_BYTES:=33554432}"
  : "${BENCH_RESTART_BYTES:=134217728}" "${BENCH_SEMISYNC_SECONDS:=5}" "${BENCH_LATENCY_SAMPLES:=50}"
  : "${BENCH_MIN_BYTES:=268435456}"
fi
BENCH_DIR="${BENCH_DIR:-/var/tmp/binlog-sidecar-bench}"
BENCH_RUNS="${BENCH_RUNS:-3}"
BENCH_PULL_BYTES="${BENCH_PULL_BYTES:-2147483648}"
BENCH_SMALL_BYTES="${BENCH_SMALL_BYTES:-67108864}"
BENCH_RESTART_BYTES="${BENCH_RESTART_BYTES:-1073741824}"
BENCH_ROW_BYTES="${BENCH_ROW_BYTES:-60000}"
BENCH_SEMISYNC_SECONDS="${BENCH_SEMISYNC_SECONDS:-20}"
BENCH_SEMISYNC_THREADS="${BENCH_SEMISYNC_THREADS:-8 32}"
BENCH_LATENCY_SAMPLES="${BENCH_LATENCY_SAMPLES:-400}"
BENCH_MIN_BYTES="${BENCH_MIN_BYTES:-1073741824}"
BENCH_TIMEOUT="${BENCH_TIMEOUT:-1800}" # seconds any single wait may take
BUILD_DIR="${BUILD_DIR:-$REPO/build-bench}"
SIDECAR_BIN="${SIDECAR_BIN:-}"

# --- output -------------------------------------------------------------------------------------

# say MESSAGE...: progress on stderr, so stdout holds only the results.
say() {
  printf '[bench %(%T)T] %s\n' -1 "$*" >&2
}

# emit LINE...: print LINE to stdout and append it to the report body (Markdown).
emit() {
  printf '%s\n' "$*" | tee -a "$WORK_DIR/report.md"
}

# md_row CELL...: emit one Markdown table row.
md_row() {
  local line="|" cell
  for cell in "$@"; do line+=" $cell |"; done
  emit "$line"
}

# md_header CELL...: emit a Markdown table header row and its separator.
md_header() {
  local sep="|" _
  md_row "$@"
  for _ in "$@"; do sep+="---|"; done
  emit "$sep"
}

# goal NAME MEASURED TARGET MET SHORTFALL WHY: record one goal for the table in BENCHMARKS.md.
# MET is 1 or 0; SHORTFALL says by how much it is missed ("" when met).
goal() {
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$([[ "$4" == 1 ]] && echo met || echo 'NOT met')" \
    "$5" "$6" >>"$WORK_DIR/goals.tsv"
}

# note_cmd COMMAND: record a command line of the measurements for BENCHMARKS.md (once).
note_cmd() {
  grep -qxF -- "$1" "$WORK_DIR/commands.txt" 2>/dev/null || printf '%s\n' "$1" >>"$WORK_DIR/commands.txt"
}

# --- numbers ------------------------------------------------------------------------------------

# calc EXPR: print the value of the awk arithmetic expression EXPR.
calc() {
  awk "BEGIN { print $1 }"
}

# fmt FORMAT EXPR: printf the value of EXPR with FORMAT (e.g. %.1f).
fmt() {
  awk "BEGIN { printf \"$1\", $2 }"
}

# is_true EXPR: succeed if the awk expression EXPR is true.
is_true() {
  (($(calc "($1) ? 1 : 0")))
}

# median NUMBER...: print the median (the lower middle for an even count).
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# percentile P FILE: the P-th percentile (nearest rank) of the numbers in FILE, one per line.
percentile() {
  sort -g "$2" | awk -v p="$1" '{ v[NR] = $1 } END { r = int(NR * p / 100 + 0.999999); if (r < 1) r = 1; print v[r] }'
}

# --- processes --------------------------------------------------------------------------------

# proc_cpu_s PID: user + system CPU seconds PID has used so far (0 when it is gone).
proc_cpu_s() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# proc_hwm_kb PID: peak RSS (VmHWM) of PID in KiB.
proc_hwm_kb() {
  awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"
}

# wait_until TIMEOUT_S CMD...: poll CMD (every 20 ms) until it succeeds; fails after TIMEOUT_S.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.02
  done
}

# bench_setup: dependencies, the Release binary (SIDECAR_BIN), the work dir and its cleanup.
bench_setup() {
  mkdir -p "$BENCH_DIR"
  "$REPO/scripts/deps.sh" >&2 # the benchmarks' tools too (iperf3, ab, sysbench, ...)
  unset WORK_DIR
  TMPDIR="$BENCH_DIR" harness_init
  : >"$WORK_DIR/report.md"
  : >"$WORK_DIR/goals.tsv"
  : >"$WORK_DIR/commands.txt"
  if [[ -z "$SIDECAR_BIN" ]]; then
    say "building binlog-sidecar (Release) in $BUILD_DIR"
    SIDECAR_BIN="$(sidecar_build "$BUILD_DIR" "$BENCH_DIR/build.log")"
  fi
  [[ -x "$SIDECAR_BIN" ]] || harness_die "SIDECAR_BIN=$SIDECAR_BIN is not executable"
  LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
}

# --- SQL on the harness servers ---------------------------------------------------------------

# sql_vertical NAME SQL: SQL on server NAME, vertical output with column names ("Name: value").
sql_vertical() {
  mariadb --no-defaults -uroot -S "$(mariadb_socket "$1")" -E -e "$2" </dev/null
}

# slave_field NAME FIELD: one field of NAME's SHOW SLAVE STATUS.
slave_field() {
  sql_vertical "$1" "SHOW SLAVE STATUS" | awk -v f="$2" '{ sub(/^ +/, "") } index($0, f ": ") == 1 { print substr($0, length(f) + 3) }'
}

# slave_read_pos NAME: "Master_Log_File Read_Master_Log_Pos" of NAME's I/O thread.
slave_read_pos() {
  sql_vertical "$1" "SHOW SLAVE STATUS" |
    awk '{ sub(/^ +/, "") } /^Master_Log_File: / { f = $2 } /^Read_Master_Log_Pos: / { p = $2 } END { print f" "p }'
}

# global_status NAME VARIABLE: one GLOBAL STATUS value of server NAME.
global_status() {
  mariadb_sql "$1" "SHOW GLOBAL STATUS LIKE '$2'" | awk '{ print $2 }'
}

# master_pos NAME: "File Position" of NAME's SHOW MASTER STATUS.
master_pos() {
  mariadb_sql "$1" "SHOW MASTER STATUS" | awk '{ print $1" "$2 }'
}

# binlog_total NAME: the sum of NAME's binlog file sizes.
binlog_total() {
  mariadb_sql "$1" "SHOW BINARY LOGS" | awk '{ s += $2 } END { print s + 0 }'
}

# --- the sidecar --------------------------------------------------------------------------------

# conf_get CONF SECTION KEY: a value of an INI file written by sidecar_write_config.
conf_get() {
  awk -v s="[$2]" -v k="$3" '$0 == s { in_s = 1; next } /^\[/ { in_s = 0 }
    in_s && $1 == k { print $3; exit }' "$1"
}

# sidecar_start DIR UPSTREAM_PORT [--set K=V...]: write DIR/sidecar.conf (unless present) and start
# a sidecar pulling from 127.0.0.1:UPSTREAM_PORT as repl/replpw; sets SC_PID, SC_SERVE_PORT,
# SC_HTTP_PORT. Waits until its HTTP port answers.
sidecar_start() {
  local dir="$1" port="$2"
  shift 2
  [[ -f "$dir/sidecar.conf" ]] || sidecar_write_config "$dir" "$port" replpw
  "$SIDECAR_BIN" --config "$dir/sidecar.conf" "$@" </dev/null >>"$dir/sidecar.log" 2>&1 &
  SC_PID=$!
  harness_add_cleanup "kill -KILL $SC_PID 2>/dev/null || true"
  SC_SERVE_PORT="$(conf_get "$dir/sidecar.conf" serve port)"
  SC_HTTP_PORT="$(conf_get "$dir/sidecar.conf" http port)"
  SC_DIR="$dir"
  sidecar_http_up() {
    sidecar_alive "$SC_PID" "$SC_DIR"
    curl -fsS -o /dev/null "http://127.0.0.1:$SC_HTTP_PORT/metrics" 2>/dev/null
  }
  wait_until 60 sidecar_http_up || { tail -n 20 "$dir/sidecar.log" >&2; harness_die "sidecar in $dir did not start"; }
}

# sidecar_stop PID: SIGTERM and wait (SIGKILL after 30 s).
sidecar_stop() {
  proc_stop "$1" 30 || true
}

# sidecar_metric HTTP_PORT NAME: one unlabelled metric value from /metrics (0 if absent).
sidecar_metric() {
  curl -fsS "http://127.0.0.1:$1/metrics" 2>/dev/null | awk -v n="$2" '$1 == n { v = $2 } END { printf "%.0f\n", v + 0 }'
}

# sidecar_alive PID DIR: dies with the end of DIR/sidecar.log unless sidecar PID still runs.
sidecar_alive() {
  proc_alive "$1" && return 0
  wait "$1" 2>/dev/null
  local status=$?
  tail -n 20 "$2/sidecar.log" >&2
  harness_die "the sidecar in $2 exited (status $status)"
}

# sidecar_at DATA_DIR TARGET [PID]: true once the sidecar's durable checkpoint is "FILE POS"
# TARGET; dies if the sidecar PID (default SC_PID) has exited.
sidecar_at() {
  sidecar_alive "${3:-$SC_PID}" "$(dirname "$1")"
  pos_reached "$(sidecar_checkpoint_of "$1")" "$2"
}

# pos_reached "FILE POS" "TARGET_FILE TARGET_POS": true if the first position is at or past the
# target (binlog file names of one server sort in order).
pos_reached() {
  local f="${1% *}" p="${1#* }" tf="${2% *}" tp="${2#* }"
  [[ -n "$f" && "$1" == *" "* ]] || return 1
  [[ "$f" > "$tf" ]] || { [[ "$f" == "$tf" ]] && ((p >= tp)); }
}
