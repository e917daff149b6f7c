# shellcheck shell=bash
# MariaDB test harness: start, query and stop throw-away mariadbd servers on loopback.
#
# Sourced (never executed) by the integration tests, scripts/demo.sh and scripts/bench.sh:
#
#   source "$REPO/scripts/lib/mariadb.sh"
#   harness_init                       # WORK_DIR + EXIT trap that stops everything
#   port=$(free_port)
#   mariadb_start primary "$port" 1 --max-binlog-size=4096
#   mariadb_sql primary "CREATE DATABASE d"
#
# Layout of one server NAME under $WORK_DIR/NAME/:
#   data/          the datadir (binlogs are data/mysql-bin.NNNNNN, index data/mysql-bin.index)
#   sock           the Unix socket
#   log/error.log  mariadbd's error log (its stdout and stderr go there too)
#   log/install.log  output of mariadb-install-db
#   tmp/           the server's tmpdir, its own: at start-up mariadbd deletes every `#sql*`
#                  file in its tmpdir, so a shared /tmp lets one test's server delete another's
#                  temporary tables (mariadb-install-db then fails: "Unknown table ...")
#   mariadbd.pid   PID of the mariadbd process we started (what mariadb_stop kills)
#   port           the TCP port it listens on (127.0.0.1 only)
#
# Rules the functions keep: every client and server runs with --no-defaults; every wait is
# bounded in time; processes are stopped by the PID recorded here, never by name.
#
# Tunables (environment): MARIADB_START_TIMEOUT (s, default 60), MARIADB_STOP_TIMEOUT (s,
# default 60), KEEP_WORK=1 keeps WORK_DIR after exit, HARNESS_VERBOSE=1 logs each step.

if [[ -n "${_SIDECAR_HARNESS_LOADED:-}" ]]; then
  return 0
fi
_SIDECAR_HARNESS_LOADED=1

# Where free_port keeps its reservations, shared by every harness user on the machine so that
# parallel tests never pick the same port. One directory per port, holding the owner's PID.
HARNESS_PORT_LOCK_DIR="${HARNESS_PORT_LOCK_DIR:-/tmp/binlog-sidecar-ports}"

# Cleanup commands registered with harness_add_cleanup, run in reverse order at exit.
_HARNESS_CLEANUPS=()

# harness_log MESSAGE...: print MESSAGE to stderr, prefixed with the script's name, only when
# HARNESS_VERBOSE=1. Progress chatter goes here so the default output stays quiet.
harness_log() {
  if [[ "${HARNESS_VERBOSE:-0}" == 1 ]]; then
    printf '[%s] %s\n' "${0##*/}" "$*" >&2
  fi
}

# harness_die MESSAGE...: print MESSAGE to stderr as an error and exit 1 (the EXIT trap, if
# set, then stops whatever was started).
harness_die() {
  printf '%s: error: %s\n' "${0##*/}" "$*" >&2
  exit 1
}

# harness_require_cmd CMD...: fail with a pointer to scripts/deps.sh unless every CMD is on PATH.
harness_require_cmd() {
  local cmd
  for cmd in "$@"; do
    command -v "$cmd" >/dev/null 2>&1 ||
      harness_die "'$cmd' not found; install the dependencies with scripts/deps.sh"
  done
}

# harness_init: set up the work directory and the cleanup trap.
#   WORK_DIR = $WORK_DIR if set (created if missing, never removed), else a new `mktemp -d`
#   directory. Installs traps: on EXIT, run the commands given to harness_add_cleanup, stop
#   every server recorded in WORK_DIR, release this process's port reservations and remove
#   WORK_DIR (unless KEEP_WORK=1 or WORK_DIR was given; on failure the kept path is printed).
#   INT/TERM/HUP exit (running the EXIT trap), so a ctest timeout also cleans up. Replaces any
#   EXIT trap the caller had: use harness_add_cleanup for extra steps. Also arms a watchdog per
#   server started afterwards: should this script be SIGKILLed (no trap runs), the server is
#   stopped within seconds anyway.
harness_init() {
  if [[ -n "${WORK_DIR:-}" ]]; then
    mkdir -p "$WORK_DIR"
    _HARNESS_OWNS_WORK_DIR=0
  else
    WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/binlog-sidecar.XXXXXX")"
    _HARNESS_OWNS_WORK_DIR=1
  fi
  WORK_DIR="$(cd "$WORK_DIR" && pwd)"
  export WORK_DIR
  _HARNESS_WATCHDOG=1
  # Under set -e a failing command ends the script without a FAIL line: remember the last one
  # (errtrace: in functions too) so that harness_cleanup can name it.
  set -E
  trap '_HARNESS_LAST_ERROR="${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND (status $?)"' ERR
  trap harness_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
  harness_log "work dir $WORK_DIR"
}

# harness_add_cleanup COMMAND: run COMMAND (a string, eval'd) at exit, before the servers are
# stopped; commands run last-registered first. Failures are ignored.
harness_add_cleanup() {
  _HARNESS_CLEANUPS+=("$1")
}

# harness_cleanup: the EXIT trap installed by harness_init. Keeps the script's exit status.
harness_cleanup() {
  local status=$? i
  trap - EXIT INT TERM HUP ERR
  set +e
  if [[ $status -ne 0 && -n "${_HARNESS_LAST_ERROR:-}" ]]; then
    printf '%s: exit status %s; the last command that failed: %s\n' "${0##*/}" "$status" \
      "$_HARNESS_LAST_ERROR" >&2
  fi
  for ((i = ${#_HARNESS_CLEANUPS[@]} - 1; i >= 0; i--)); do
    eval "${_HARNESS_CLEANUPS[i]}"
  done
  mariadb_stop_all
  harness_release_ports
  if [[ "${KEEP_WORK:-0}" == 1 || "${_HARNESS_OWNS_WORK_DIR:-0}" != 1 ]]; then
    if [[ $status -ne 0 || "${KEEP_WORK:-0}" == 1 ]]; then
      printf '%s: work dir kept: %s\n' "${0##*/}" "${WORK_DIR:-}" >&2
    fi
  elif [[ -n "${WORK_DIR:-}" && -d "$WORK_DIR" ]]; then
    rm -rf "$WORK_DIR"
  fi
  exit "$status"
}

# proc_alive PID: true while PID runs (a zombie counts as gone).
proc_alive() {
  local pid="$1" stat state
  kill -0 "$pid" 2>/dev/null || return 1
  read -r stat <"/proc/$pid/stat" 2>/dev/null || return 1
  state="${stat##*) }" # the field after "(comm)", which may itself hold spaces
  state="${state%% *}"
  [[ -n "$state" && "$state" != Z ]]
}

# proc_stop PID [TIMEOUT_SECONDS]: SIGTERM PID, wait up to TIMEOUT (default 60 s) for it to
# end, then SIGKILL it. Reaps it if it is our child. Returns 0 once PID is gone, 1 if it had
# to be killed.
proc_stop() {
  local pid="$1" timeout="${2:-60}" deadline killed=0
  if proc_alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + timeout))
    while proc_alive "$pid" && ((SECONDS < deadline)); do
      sleep 0.1
    done
    if proc_alive "$pid"; then
      printf '%s: PID %s did not stop in %ss; killing it\n' "${0##*/}" "$pid" "$timeout" >&2
      kill -KILL "$pid" 2>/dev/null || true
      killed=1
      deadline=$((SECONDS + 10))
      while proc_alive "$pid" && ((SECONDS < deadline)); do
        sleep 0.1
      done
    fi
  fi
  wait "$pid" 2>/dev/null || true
  return "$killed"
}

# _port_in_use PORT: true if any TCP socket (any state, IPv4 or IPv6) uses local port PORT.
_port_in_use() {
  local hex
  hex="$(printf ':%04X' "$1")"
  awk -v p="$hex" 'FNR > 1 && substr($2, length($2) - 4) == p { found = 1 } END { exit !found }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# free_port: print a TCP port that no socket uses now, reserved for this process (the script's
# $$) so that parallel harness users never get the same one. Ports come from 10000-31999, below
# Linux's ephemeral range. Reservations of dead processes are reclaimed; the process's own are
# released at exit (harness_cleanup) or with harness_release_ports. Bounded: 500 tries.
free_port() {
  local try port lock owner
  mkdir -p "$HARNESS_PORT_LOCK_DIR"
  for ((try = 0; try < 500; try++)); do
    port=$((10000 + (RANDOM * 32768 + RANDOM) % 22000))
    _port_in_use "$port" && continue
    lock="$HARNESS_PORT_LOCK_DIR/$port"
    if mkdir "$lock" 2>/dev/null; then
      echo "$$" >"$lock/owner"
      echo "$port"
      return 0
    fi
    # Taken: reclaim it if its owner is gone (a killed test), and move on either way.
    owner="$(cat "$lock/owner" 2>/dev/null || true)"
    if [[ -n "$owner" ]] && ! proc_alive "$owner"; then
      rm -rf "$lock"
    fi
  done
  harness_die "free_port: no free port found in 500 tries"
}

# harness_release_ports: drop the port reservations held by this process ($$).
harness_release_ports() {
  local lock
  [[ -d "$HARNESS_PORT_LOCK_DIR" ]] || return 0
  for lock in "$HARNESS_PORT_LOCK_DIR"/*/; do
    [[ -f "$lock/owner" && "$(cat "$lock/owner" 2>/dev/null)" == "$$" ]] && rm -rf "$lock"
  done
  return 0
}

# mariadb_dir NAME: print the directory of server NAME ($WORK_DIR/NAME).
mariadb_dir() {
  [[ -n "${WORK_DIR:-}" ]] || harness_die "WORK_DIR is not set (call harness_init first)"
  echo "$WORK_DIR/$1"
}

# mariadb_datadir NAME / mariadb_socket NAME / mariadb_port NAME / mariadb_errlog NAME: print
# that server's datadir, socket path, TCP port, or error log path.
mariadb_datadir() { echo "$(mariadb_dir "$1")/data"; }
mariadb_socket() { echo "$(mariadb_dir "$1")/sock"; }
mariadb_port() { cat "$(mariadb_dir "$1")/port"; }
mariadb_errlog() { echo "$(mariadb_dir "$1")/log/error.log"; }

# mariadb_pid NAME: print the PID of server NAME if it is running; return 1 otherwise.
mariadb_pid() {
  local pidfile pid
  pidfile="$(mariadb_dir "$1")/mariadbd.pid"
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile")"
  [[ -n "$pid" ]] && proc_alive "$pid" && _is_our_mariadbd "$pid" "$1" || return 1
  echo "$pid"
}

# _is_our_mariadbd PID NAME: true if PID is a mariadbd serving NAME's datadir (so a stale PID
# file whose number was reused by another process is never acted on).
_is_our_mariadbd() {
  local cmdline
  cmdline="$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *mariadbd* && "$cmdline" == *"--datadir=$(mariadb_datadir "$2") "* ]]
}

# mariadb_start NAME PORT SERVER_ID [EXTRA_MARIADBD_ARGS...]: start a mariadbd as NAME.
#   Creates $WORK_DIR/NAME (see the layout above), runs mariadb-install-db unless the datadir
#   is already initialized (so a stopped server can be started again with its data), and starts
#   mariadbd in the background on 127.0.0.1:PORT with ROW binlogs named mysql-bin and the
#   given server id; EXTRA args are appended (later options override earlier ones). Waits up to
#   MARIADB_START_TIMEOUT seconds until `SELECT 1` answers over the socket. On failure prints
#   the tail of the error log and returns 1. Fails if NAME is already running.
mariadb_start() {
  local name="$1" port="$2" server_id="$3"
  shift 3
  local dir datadir sock log pid deadline
  harness_require_cmd mariadbd mariadb mariadb-install-db
  dir="$(mariadb_dir "$name")"
  datadir="$dir/data"
  sock="$dir/sock"
  log="$dir/log/error.log"
  if ! [[ "$port" =~ ^[0-9]+$ && "$server_id" =~ ^[0-9]+$ ]]; then
    printf '%s: mariadb_start %s: bad PORT "%s" or SERVER_ID "%s"\n' "${0##*/}" "$name" "$port" "$server_id" >&2
    return 1
  fi
  if pid="$(mariadb_pid "$name")"; then
    printf '%s: mariadb_start: %s is already running (PID %s)\n' "${0##*/}" "$name" "$pid" >&2
    return 1
  fi
  # A Unix socket path is limited to 107 bytes.
  if ((${#sock} > 100)); then
    printf '%s: mariadb_start: socket path too long (%s); use a shorter WORK_DIR\n' "${0##*/}" "$sock" >&2
    return 1
  fi
  # Explicit checks: callers often write `mariadb_start ... || ...`, which disables set -e here.
  mkdir -p "$datadir" "$dir/log" "$dir/tmp" || return 1
  if [[ ! -d "$datadir/mysql" ]]; then
    harness_log "install-db $name"
    if ! mariadb-install-db --no-defaults --user=root --datadir="$datadir" \
      --auth-root-authentication-method=normal --skip-test-db --force --tmpdir="$dir/tmp" \
      >"$dir/log/install.log" 2>&1 </dev/null; then
      printf '%s: mariadb-install-db failed for %s:\n' "${0##*/}" "$name" >&2
      # The bootstrap server's own errors come before mariadb-install-db's ~20 lines of advice.
      tail -n 80 "$dir/log/install.log" >&2
      return 1
    fi
  fi
  rm -f "$sock" || return 1
  echo "$port" >"$dir/port" || return 1
  harness_log "start $name on 127.0.0.1:$port (server_id $server_id)"
  mariadbd --no-defaults --user=root --datadir="$datadir" --port="$port" --socket="$sock" \
    --bind-address=127.0.0.1 --server-id="$server_id" --log-bin=mysql-bin --binlog-format=ROW \
    --log-error="$log" --pid-file="$dir/mariadbd.server.pid" --tmpdir="$dir/tmp" --skip-name-resolve \
    --innodb-buffer-pool-size=64M "$@" </dev/null >>"$log" 2>&1 &
  pid=$!
  echo "$pid" >"$dir/mariadbd.pid" || return 1
  [[ "${_HARNESS_WATCHDOG:-0}" == 1 ]] && _mariadb_watchdog "$name" "$pid"
  deadline=$((SECONDS + ${MARIADB_START_TIMEOUT:-60}))
  until mariadb --no-defaults -uroot -S "$sock" -N -B -e 'SELECT 1' >/dev/null 2>&1 </dev/null; do
    if ! proc_alive "$pid"; then
      wait "$pid" 2>/dev/null || true
      printf '%s: mariadbd %s exited during start-up; end of %s:\n' "${0##*/}" "$name" "$log" >&2
      tail -n 30 "$log" >&2
      return 1
    fi
    if ((SECONDS >= deadline)); then
      printf '%s: mariadbd %s did not answer within %ss; end of %s:\n' \
        "${0##*/}" "$name" "${MARIADB_START_TIMEOUT:-60}" "$log" >&2
      tail -n 30 "$log" >&2
      proc_stop "$pid" 10 || true
      return 1
    fi
    sleep 0.2
  done
  harness_log "$name up (PID $pid)"
}

# _mariadb_watchdog NAME PID: in the background, wait (polling each second) until either this
# script ($$) or server NAME (PID) is gone; if the script died first, SIGTERM the server, and
# SIGKILL it 20 s later if needed. Detached from stdout/stderr so CTest does not wait for it.
_mariadb_watchdog() {
  local name="$1" pid="$2" owner="$$"
  (
    trap '' INT HUP
    while proc_alive "$owner" && [[ "$(mariadb_pid "$name" 2>/dev/null)" == "$pid" ]]; do
      sleep 1
    done
    if [[ "$(mariadb_pid "$name" 2>/dev/null)" == "$pid" ]]; then
      kill -TERM "$pid" 2>/dev/null
      for _ in $(seq 1 200); do
        proc_alive "$pid" || exit 0
        sleep 0.1
      done
      kill -KILL "$pid" 2>/dev/null
    fi
  ) </dev/null >/dev/null 2>&1 &
}

# mariadb_sql NAME [SQL]: run SQL (or, without SQL, the statements on stdin) on server NAME as
# root over its socket, with `-N -B` (tab-separated, no column names). Prints the result;
# returns the client's exit status (errors on stderr).
mariadb_sql() {
  local name="$1"
  shift
  local sock
  sock="$(mariadb_socket "$name")"
  if (($# > 0)); then
    mariadb --no-defaults -uroot -S "$sock" -N -B -e "$1" </dev/null
  else
    mariadb --no-defaults -uroot -S "$sock" -N -B
  fi
}

# mariadb_stop NAME: stop server NAME by its recorded PID: SIGTERM (a clean shutdown), wait up
# to MARIADB_STOP_TIMEOUT seconds, then SIGKILL. Removes the PID file. No-op if not running.
mariadb_stop() {
  local name="$1" pid pidfile
  pidfile="$(mariadb_dir "$name")/mariadbd.pid"
  if pid="$(mariadb_pid "$name")"; then
    harness_log "stop $name (PID $pid)"
    proc_stop "$pid" "${MARIADB_STOP_TIMEOUT:-60}" || true
  fi
  rm -f "$pidfile"
}

# mariadb_kill NAME: SIGKILL server NAME (a crash, for recovery tests) and wait until it is gone.
mariadb_kill() {
  local name="$1" pid deadline
  if pid="$(mariadb_pid "$name")"; then
    kill -KILL "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 10))
    while proc_alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
    wait "$pid" 2>/dev/null || true
  fi
  rm -f "$(mariadb_dir "$name")/mariadbd.pid"
}

# mariadb_stop_all: stop every server recorded under $WORK_DIR (used by the EXIT trap).
mariadb_stop_all() {
  local pidfile name
  [[ -n "${WORK_DIR:-}" && -d "$WORK_DIR" ]] || return 0
  for pidfile in "$WORK_DIR"/*/mariadbd.pid; do
    [[ -f "$pidfile" ]] || continue
    name="$(basename "$(dirname "$pidfile")")"
    mariadb_stop "$name"
  done
}

# mariadb_binlogs NAME: print the paths of NAME's binlog files in order, one per line (not the
# index).
mariadb_binlogs() {
  local datadir f
  datadir="$(mariadb_datadir "$1")"
  for f in "$datadir"/mysql-bin.[0-9]*; do
    [[ -f "$f" ]] && echo "$f"
  done
  return 0
}

# ---------------------------------------------------------------------------------------------
# The binlog-sidecar binary (for the demo and the benchmarks; CTest passes $SIDECAR_BIN).

# sidecar_build BUILD_DIR [LOG]: configure BUILD_DIR as a Release Ninja build unless it is
# configured already, then build the binlog-sidecar target; output goes to LOG (default
# BUILD_DIR/sidecar-build.log), whose end is printed on failure. Prints the binary's path.
sidecar_build() {
  local build_dir="$1" log="${2:-$1/sidecar-build.log}" repo
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  mkdir -p "$build_dir"
  if [[ ! -f "$build_dir/build.ninja" ]]; then
    cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >"$log" 2>&1 || {
      tail -n 40 "$log" >&2
      harness_die "cmake configure of $build_dir failed (log: $log)"
    }
  fi
  cmake --build "$build_dir" --target binlog-sidecar >>"$log" 2>&1 || {
    grep -E -A12 'error:|FAILED:' "$log" | head -n 60 >&2 || tail -n 40 "$log" >&2
    harness_die "build of binlog-sidecar failed (log: $log)"
  }
  sidecar_find_bin "$build_dir"
}

# sidecar_find_bin BUILD_DIR: print the path of the built binlog-sidecar under BUILD_DIR.
sidecar_find_bin() {
  local f
  for f in "$1/sidecar/binlog-sidecar" "$1/binlog-sidecar" "$1/bin/binlog-sidecar"; do
    if [[ -x "$f" ]]; then
      echo "$f"
      return 0
    fi
  done
  harness_die "no binlog-sidecar binary under $1"
}
