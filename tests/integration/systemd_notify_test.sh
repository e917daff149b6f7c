#!/usr/bin/env bash
# Integration test: systemd Type=notify, with a python3 datagram socket as NOTIFY_SOCKET.
#
#   - READY=1 arrives once, with a STATUS= line, and by then /health answers (the ports
#     listen and recovery is done: not recovery_in_progress);
#   - WATCHDOG=1 repeats when WATCHDOG_USEC is set (1 s here: one every 0.5 s or so);
#   - a state change (the primary stopped) sends a STATUS= line naming the problem;
#   - SIGTERM sends STOPPING=1 and the daemon exits 0.
#
# Environment: SIDECAR_BIN, SIDECAR_SOURCE_DIR (set by CTest), KEEP_WORK=1.
# shellcheck source-path=SCRIPTDIR/../..
set -euo pipefail

SRC_DIR="${SIDECAR_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
# shellcheck source=scripts/lib/mariadb.sh
source "$SRC_DIR/scripts/lib/mariadb.sh"
# shellcheck source=tests/integration/pull_lib.sh
source "$SRC_DIR/tests/integration/pull_lib.sh"
# shellcheck source=tests/integration/http_lib.sh
source "$SRC_DIR/tests/integration/http_lib.sh"

: "${SIDECAR_BIN:?SIDECAR_BIN must name the binlog-sidecar binary}"
harness_require_cmd curl jq python3
harness_init

notify_log="$WORK_DIR/notify.log"
notify_sock="$WORK_DIR/notify.sock"
: >"$notify_log"
python3 "$SRC_DIR/tests/integration/notify_listener.py" "$notify_sock" "$notify_log" 300 &
listener_pid=$!
harness_add_cleanup "kill $listener_pid 2>/dev/null || true"
for ((i = 0; i < 50; i++)); do [[ -S "$notify_sock" ]] && break; sleep 0.1; done
[[ -S "$notify_sock" ]] || fail "the notify listener did not bind $notify_sock"

# wait_notify REGEX TIMEOUT_S: wait until a line of notify.log matches REGEX.
wait_notify() {
  local regex="$1" timeout="$2" deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    grep -Eq "$regex" "$notify_log" && return 0
    sleep 0.2
  done
  fail "no notification matching /$regex/ within ${timeout}s; got: $(cat "$notify_log")"
}

PRIMARY_PORT="$(free_port)"
pull_primary_start "$PRIMARY_PORT"
sidecar_configure "$PRIMARY_PORT" "upstream.start=earliest"
monitor_replica_start
NOTIFY_SOCKET="$notify_sock" WATCHDOG_USEC=1000000 sidecar_start

wait_notify '^READY=1\|STATUS=' 60
code="$(http_code GET /health)"
[[ "$code" == 200 || "$code" == 503 ]] || fail "after READY=1, /health answered $code"
if http_get /health | grep -q recovery_in_progress; then fail "READY=1 before recovery ended"; fi
ok "READY=1 with a STATUS= line; /health answers ($code), recovery done"

watchdogs_before="$(grep -c '^WATCHDOG=1$' "$notify_log" || true)"
sleep 3
watchdogs_after="$(grep -c '^WATCHDOG=1$' "$notify_log" || true)"
((watchdogs_after >= watchdogs_before + 2)) ||
  fail "WATCHDOG=1 did not repeat: $watchdogs_before then $watchdogs_after in 3 s"
ok "WATCHDOG=1 repeats with WATCHDOG_USEC=1s ($watchdogs_before -> $watchdogs_after in 3 s)"

wait_notify '^STATUS=running; upstream streaming' 30
mariadb_stop primary
wait_notify '^STATUS=.*unhealthy:.*upstream_disconnected' 60
ok "STATUS= follows the state: streaming, then unhealthy: upstream_disconnected"

sidecar_stop
wait_notify '^STOPPING=1' 10
(($(grep -c '^READY=1' "$notify_log") == 1)) || fail "READY=1 was sent more than once"
ok "SIGTERM: STOPPING=1, exit 0; READY=1 sent once"
