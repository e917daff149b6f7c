#!/usr/bin/env bash
# Integration test: /health reports budget_exhausted when the disk budget is used up with
# nothing purgeable, and recovers by itself when room appears.
#
# budget.disk = 3M and relay_log_space_limit = auto: the sidecar's share is 3M minus the
# replica's relay_log_space_limit. The replica (polled by the budget keeper, not replicating:
# it executed nothing, so nothing is purgeable) starts with --relay-log-space-limit=2M: a 1M
# share. A load of about 2 MiB on the primary fills it -> 503 budget_exhausted, and the pull
# pauses (the checkpoint stops short of the primary). The "fix": the replica restarted with
# --relay-log-space-limit=512K -> a 2.5M share -> 200, and the pull catches up.
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
harness_require_cmd curl jq sqlite3
harness_init

PRIMARY_PORT="$(free_port)"
pull_primary_start "$PRIMARY_PORT"
sidecar_configure "$PRIMARY_PORT" "upstream.start=earliest" "budget.disk=3M"
REPLICA_PORT="$(free_port)"
mariadb_start replica "$REPLICA_PORT" 2 --relay-log-space-limit=2M || fail "the replica did not start"
mariadb_sql replica "CREATE USER 'monitor'@'localhost' IDENTIFIED BY 'replpw';
  GRANT REPLICA MONITOR ON *.* TO 'monitor'@'localhost'" || fail "replica setup failed"
ln -sfn "$(mariadb_socket replica)" "$WORK_DIR/sidecar/replica.sock"
sidecar_start
wait_health 200 "" 60

# About 2 MiB of row events: 1000 rows of 2000 bytes.
for ((i = 0; i < 1000; i++)); do
  printf "INSERT INTO t.k (v) VALUES (REPEAT('b', 200));\n"
  printf "UPDATE t.k SET v = REPEAT('c', 200) WHERE id = LAST_INSERT_ID();\n"
done | mariadb_sql primary || fail "the load failed"
for ((i = 0; i < 400; i++)); do
  printf "INSERT INTO t.k (v) VALUES (REPEAT('d', 200)), (REPEAT('e', 200)), (REPEAT('f', 200));\n"
done | mariadb_sql primary || fail "the load failed"
wait_health 503 budget_exhausted 60
status="$(http_get /status)"
jq -e '.budget.back_pressure == true and .budget.state == "budget_exhausted"' <<<"$status" \
  >/dev/null || fail "/status does not show the back-pressure: $(jq -c .budget <<<"$status")"
ok "share used up, nothing purgeable -> 503 budget_exhausted; /status budget.back_pressure"

mariadb_stop replica
mariadb_start replica "$REPLICA_PORT" 2 --relay-log-space-limit=512K || fail "the replica did not restart"
wait_health 200 "" 60
sidecar_wait_caught_up 60
sidecar_stop
ok "a larger share (the replica's relay_log_space_limit lowered) -> 200; the pull caught up"
