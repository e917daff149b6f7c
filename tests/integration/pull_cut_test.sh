#!/usr/bin/env bash
# Integration test: the network cut mid-event, and the primary restarted, while the sidecar
# pulls; its files stay byte-identical to the primary's.
#
# 1. Cuts: the sidecar pulls through scripts/lib/tcp_cut_proxy.py, which drops (RST) each of
#    the first PULL_CUT_ROUNDS connections after a random number of primary->sidecar bytes
#    (so inside an event, at random offsets), and every live connection on SIGUSR1 (sent a
#    few times during the load). Under a bounded write load with rotation (max_binlog_size
#    64 KiB), by file/position and by GTID: every cut is logged by the sidecar and followed by
#    a reconnect; at the end the checkpoint reaches SHOW MASTER STATUS and every stored file
#    cmp's equal to the primary's (in-use flag aside), check-binlog ok.
# 2. Primary restart: mariadbd stopped (clean shutdown) while the sidecar pulls, started again
#    on the same port and datadir, more load: the sidecar reconnects by itself and the files
#    are identical again.
#
# Environment: SIDECAR_BIN, SIDECAR_SOURCE_DIR (set by CTest), PULL_CUT_ROUNDS (default 12),
# KEEP_WORK=1.
# shellcheck source-path=SCRIPTDIR/../..
set -euo pipefail

SRC_DIR="${SIDECAR_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
# shellcheck source=scripts/lib/mariadb.sh
source "$SRC_DIR/scripts/lib/mariadb.sh"
# shellcheck source=tests/integration/pull_lib.sh
source "$SRC_DIR/tests/integration/pull_lib.sh"

: "${SIDECAR_BIN:?SIDECAR_BIN must name the binlog-sidecar binary}"
harness_require_cmd sqlite3 cmp dd truncate python3
harness_init

ROUNDS="${PULL_CUT_ROUNDS:-12}"
PROXY_LOG="$WORK_DIR/proxy.log"

# load ROUNDS: a bounded SQL workload on the primary, rows big enough that events span
# several TCP segments.
load() {
  local rounds="$1" i
  for ((i = 0; i < rounds; i++)); do
    printf "INSERT INTO t.k (v) VALUES (REPEAT('a', 190));\n"
    printf "BEGIN; INSERT INTO t.k (v) SELECT REPEAT('b', 190) FROM t.seq_1_to_40; COMMIT;\n"
    printf "UPDATE t.k SET v = REVERSE(v) WHERE id %% 13 = %d;\n" $((i % 13))
    if ((i % 40 == 0)); then printf "DELETE FROM t.k WHERE id %% 11 = 0;\n"; fi
  done | mariadb_sql primary || fail "the load failed"
}

# proxy_start LISTEN_PORT TARGET_PORT: the cutting proxy in the background ($PROXY_PID).
proxy_start() {
  python3 "$SRC_DIR/scripts/lib/tcp_cut_proxy.py" --listen "$1" --target "127.0.0.1:$2" \
    --cut-at 3000:400000 --cuts "$ROUNDS" --seed "$RANDOM" 2>>"$PROXY_LOG" &
  PROXY_PID=$!
  harness_add_cleanup "kill -TERM $PROXY_PID 2>/dev/null || true"
  local i
  for ((i = 0; i < 100; i++)); do
    grep -q "listening on 127.0.0.1:$1" "$PROXY_LOG" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "the proxy did not start"
}

count() { grep -c "$1" "$2" 2>/dev/null || true; }

run_cut_case() {
  local gtid="$1" proxy_port cuts reconnects i
  rm -rf "$WORK_DIR/sidecar" "$PROXY_LOG"
  proxy_port="$(free_port)"
  proxy_start "$proxy_port" "$PRIMARY_PORT"
  sidecar_configure "$proxy_port" "upstream.gtid=$gtid" "upstream.start=earliest" \
    "upstream.heartbeat_period=1s"
  sidecar_start
  load 150 &
  local load_pid=$!
  for ((i = 0; i < 3; i++)); do
    sleep 1
    kill -USR1 "$PROXY_PID"
  done
  wait "$load_pid" || fail "the load failed"
  sidecar_wait_caught_up 120
  cuts="$(count "cut connection" "$PROXY_LOG")"
  reconnects="$(count "reconnecting in" "$WORK_DIR/sidecar/sidecar.log")"
  ((cuts >= 3)) || fail "the proxy cut only $cuts connections"
  ((reconnects >= cuts)) || fail "$cuts cuts but only $reconnects reconnects logged"
  local n
  n="$(sidecar_compare_files)"
  sidecar_stop
  kill -TERM "$PROXY_PID" 2>/dev/null || true
  wait "$PROXY_PID" 2>/dev/null || true
  ok "gtid=$gtid: $cuts cuts mid-stream, $reconnects reconnects, $n stored files identical"
}

run_restart_case() {
  rm -rf "$WORK_DIR/sidecar"
  sidecar_configure "$PRIMARY_PORT" "upstream.gtid=on" "upstream.start=earliest" \
    "upstream.heartbeat_period=1s"
  sidecar_start
  load 40
  sidecar_wait_caught_up 60
  mariadb_stop primary
  sleep 1
  kill -0 "$SIDECAR_PID" 2>/dev/null || fail "the sidecar died with the primary"
  pull_primary_restart
  load 40
  sidecar_wait_caught_up 120
  grep -q "reconnecting in" "$WORK_DIR/sidecar/sidecar.log" ||
    fail "no reconnect logged after the primary restart"
  local n
  n="$(sidecar_compare_files)"
  sidecar_stop
  ok "primary restarted: the sidecar reconnected, $n stored files identical"
}

pull_primary_restart() {
  mariadb_start primary "$PRIMARY_PORT" 1 --binlog-checksum=CRC32 --max-binlog-size=65536 ||
    fail "the primary did not restart"
}

PRIMARY_PORT="$(free_port)"
pull_primary_start "$PRIMARY_PORT" --max-binlog-size=65536
run_cut_case off
run_cut_case on
run_restart_case
