#!/usr/bin/env bash
# Integration test: the sidecar as the primary's only semi-sync replica.
#
# Primary: rpl_semi_sync_master_enabled=ON, wait point AFTER_SYNC, wait_no_slave=OFF, a timeout
# of 10 minutes (a missing ACK would stall the load, never silently fall back). Sidecar:
# upstream.semi_sync=on. Once Rpl_semi_sync_master_clients is 1, N transactions run; then the
# primary counts N more Rpl_semi_sync_master_yes_tx and no more no_tx, the sidecar's files
# equal the primary's, /metrics times every ACK it counts, and its log reports the ACKs it
# sent on shutdown.
#
# Environment: SIDECAR_BIN, SIDECAR_SOURCE_DIR (set by CTest), KEEP_WORK=1, PULL_SEMISYNC_TX.
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
harness_require_cmd sqlite3 cmp dd truncate curl
harness_init

N="${PULL_SEMISYNC_TX:-200}"

status_var() {
  mariadb_sql primary "SHOW GLOBAL STATUS LIKE '$1'" | awk '{print $2}'
}

PRIMARY_PORT="$(free_port)"
pull_primary_start "$PRIMARY_PORT" --rpl-semi-sync-master-enabled=ON \
  --rpl-semi-sync-master-wait-point=AFTER_SYNC --rpl-semi-sync-master-wait-no-slave=OFF \
  --rpl-semi-sync-master-timeout=600000 --max-binlog-size=16384
sidecar_configure "$PRIMARY_PORT" "upstream.semi_sync=on"
sidecar_start

deadline=$((SECONDS + 30))
until [[ "$(status_var Rpl_semi_sync_master_clients)" == 1 ]]; do
  ((SECONDS < deadline)) || fail "the sidecar did not become a semi-sync client within 30 s"
  sleep 0.2
done
# The first transaction after a client connects switches semi-sync back on; start counting after.
mariadb_sql primary "INSERT INTO t.k (v) VALUES ('warm-up')"
yes_before="$(status_var Rpl_semi_sync_master_yes_tx)"
no_before="$(status_var Rpl_semi_sync_master_no_tx)"

for ((i = 0; i < N; i++)); do
  printf "INSERT INTO t.k (v) VALUES ('tx%d');\n" "$i"
done | mariadb_sql primary || fail "the load failed"

yes_tx=$(($(status_var Rpl_semi_sync_master_yes_tx) - yes_before))
no_tx=$(($(status_var Rpl_semi_sync_master_no_tx) - no_before))
[[ "$yes_tx" == "$N" ]] || fail "Rpl_semi_sync_master_yes_tx grew by $yes_tx, expected $N"
[[ "$no_tx" == 0 ]] || fail "Rpl_semi_sync_master_no_tx grew by $no_tx, expected 0"
[[ "$(status_var Rpl_semi_sync_master_status)" == ON ]] || fail "semi-sync switched off"
ok "$N transactions: yes_tx +$yes_tx, no_tx +$no_tx"

# /metrics: every ACK sent was timed (the latency histogram counts what the ACK counter counts).
metrics="$(http_get /metrics)" || fail "GET /metrics failed"
acks_total="$(awk '$1 == "binlog_sidecar_semi_sync_acks_total" {print $2}' <<<"$metrics")"
latency_count="$(awk '$1 == "binlog_sidecar_semi_sync_ack_latency_seconds_count" {print $2}' \
  <<<"$metrics")"
((acks_total >= N)) || fail "/metrics: semi_sync_acks_total is '$acks_total', expected >= $N"
[[ "$latency_count" == "$acks_total" ]] ||
  fail "/metrics: ACK latency histogram counts '$latency_count' ACKs, acks_total is $acks_total"
ok "/metrics: $acks_total ACKs, all of them in the ACK latency histogram"

sidecar_wait_caught_up 60
n="$(sidecar_compare_files)"
sidecar_stop
acks="$(sed -n 's/.* \([0-9][0-9]*\) ACKs$/\1/p' "$WORK_DIR/sidecar/sidecar.log" | tail -1)"
((acks >= N)) || fail "the sidecar reports $acks ACKs, expected at least $N"
ok "$n stored files identical; $acks ACKs sent"
