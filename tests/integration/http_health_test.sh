#!/usr/bin/env bash
# Integration test: /health follows what goes wrong, and recovers when it is fixed.
#
# A MariaDB primary and the sidecar pulling from it:
#   1. /health answers 200 {"status":"ok"} (GET and HEAD) once the pull streams, and /status
#      reports upstream.state "streaming" with the primary's host:port and no password, and
#      upstream.gtid_state reaches the primary's @@gtid_binlog_pos.
#   2. data_dir unwritable: `chattr +i` on data_dir (root ignores permission bits, so chmod
#      cannot do this; an immutable directory refuses new entries even to root, while the
#      open binlog and state.db files stay writable, so replication itself goes on). The
#      storage probe fails -> 503 storage_error; `chattr -i` -> 200 again.
#   3. The primary stopped: after the grace period (5 s with heartbeat_period 1s) -> 503
#      upstream_disconnected; the primary restarted on its port -> 200 again.
#   4. Wrong upstream password: 503 upstream_auth_error at once (no grace).
#   Also: the replica the budget keeper polls stopped -> 503 replica_unreachable, and back.
# Budget exhaustion: http_budget_test.sh.
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
harness_require_cmd curl jq chattr sqlite3
harness_init

PRIMARY_PORT="$(free_port)"
pull_primary_start "$PRIMARY_PORT"
sidecar_configure "$PRIMARY_PORT" "upstream.start=earliest"
monitor_replica_start
sidecar_start

# 1. healthy
wait_health 200 "" 60
jq -e '.status == "ok" and (.problems | length) == 0' "$WORK_DIR/health.json" >/dev/null ||
  fail "/health 200 without status ok: $(cat "$WORK_DIR/health.json")"
[[ "$(curl -sS --max-time 10 -o /dev/null -w "%{http_code}" --head "http://127.0.0.1:$(http_port)/health")" == 200 ]] || fail "HEAD /health is not 200"
status="$(http_get /status)"
jq -e --arg p "127.0.0.1:$PRIMARY_PORT" \
  '.upstream.state == "streaming" and .upstream.primary == $p and .state == "running"' \
  <<<"$status" >/dev/null || fail "/status does not show the stream: $status"
if grep -q replpw <<<"$status"; then fail "/status shows the upstream password"; fi
ok "/health 200 status ok (GET and HEAD); /status streaming from 127.0.0.1:$PRIMARY_PORT, no secret"
mariadb_sql primary "CREATE DATABASE IF NOT EXISTS gtidcheck" || fail "a write on the primary failed"
want_gtid="$(mariadb_sql primary "SELECT @@gtid_binlog_pos")"
got_gtid=""
for ((i = 0; i < 60; i++)); do
  got_gtid="$(http_get /status | jq -r '.upstream.gtid_state')"
  [[ "$got_gtid" == "$want_gtid" ]] && break
  sleep 0.5
done
[[ "$got_gtid" == "$want_gtid" ]] ||
  fail "/status upstream.gtid_state is '$got_gtid', the primary is at '$want_gtid'"
ok "/status upstream.gtid_state '$got_gtid' equals the primary's @@gtid_binlog_pos"

# 1b. the replica the budget keeper polls goes away, then comes back
replica_port="$(mariadb_port replica)"
mariadb_stop replica
wait_health 503 replica_unreachable 30
mariadb_start replica "$replica_port" 2 || fail "the replica did not restart"
wait_health 200 "" 30
ok "replica stopped -> 503 replica_unreachable; restarted -> 200"

# 2. data_dir unwritable, then writable again
data_dir="$WORK_DIR/sidecar/data"
harness_add_cleanup "chattr -i '$data_dir' 2>/dev/null || true"
chattr +i "$data_dir" || fail "chattr +i $data_dir failed (needs root and an ext4/xfs/btrfs data_dir)"
wait_health 503 storage_error 30
mariadb_sql primary "INSERT INTO t.k (v) VALUES ('while immutable')"
chattr -i "$data_dir"
wait_health 200 "" 30
sidecar_wait_caught_up 30
ok "data_dir immutable -> 503 storage_error; writable again -> 200; the pull went on"

# 3. the primary stopped, then back on the same port
mariadb_stop primary
wait_health 503 upstream_disconnected 60
jq -e '.problems[] | select(.code == "upstream_disconnected") | .message | test("primary")' \
  "$WORK_DIR/health.json" >/dev/null || fail "upstream_disconnected without a sentence"
pull_restart_args=(--binlog-checksum=CRC32)
mariadb_start primary "$PRIMARY_PORT" 1 "${pull_restart_args[@]}" || fail "primary did not restart"
wait_health 200 "" 90
ok "primary stopped -> 503 upstream_disconnected; restarted -> 200"

# 4. wrong credentials: an auth error, reported without waiting for the grace period
sidecar_stop
mariadb_sql primary "ALTER USER 'repl'@'127.0.0.1' IDENTIFIED BY 'another-password'"
sidecar_start
wait_health 503 upstream_auth_error 20
if grep -q another-password "$WORK_DIR/health.json"; then fail "/health shows a password"; fi
mariadb_sql primary "ALTER USER 'repl'@'127.0.0.1' IDENTIFIED BY 'replpw'"
wait_health 200 "" 90
sidecar_stop
ok "wrong password -> 503 upstream_auth_error; fixed -> 200"
