#!/usr/bin/env bash
# Integration test: a really full filesystem under data_dir.
#
# data_dir is a small tmpfs mounted by the test, filled by a filler file until about 1 MiB is
# left; then the primary writes several MiB of binlog. The sidecar must pause (ENOSPC is
# back-pressure, not a crash: /health says disk_full via storage_error, /status budget.state is
# disk_full), stay up and keep serving what it has (mariadb-binlog fetches the stored prefix from
# serve.port), and once the filler is removed resume by itself and end with files identical to
# the primary's: nothing lost.
#
# Needs root (mount); skipped (77) otherwise.
# Environment: SIDECAR_BIN, SIDECAR_SOURCE_DIR (set by CTest), KEEP_WORK=1.
# shellcheck source-path=SCRIPTDIR/../..
set -euo pipefail

SRC_DIR="${SIDECAR_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
# shellcheck source=scripts/lib/mariadb.sh
source "$SRC_DIR/scripts/lib/mariadb.sh"
# shellcheck source=tests/integration/pull_lib.sh
source "$SRC_DIR/tests/integration/pull_lib.sh"
# shellcheck source=tests/integration/serve_lib.sh
source "$SRC_DIR/tests/integration/serve_lib.sh"
# shellcheck source=tests/integration/http_lib.sh
source "$SRC_DIR/tests/integration/http_lib.sh"

: "${SIDECAR_BIN:?SIDECAR_BIN must name the binlog-sidecar binary}"
if [[ "$(id -u)" != 0 ]]; then
  echo "skipped: mounting a tmpfs needs root"
  exit 77
fi
harness_require_cmd sqlite3 cmp curl jq mariadb-binlog
harness_init

pull_primary_start "$(free_port)"
sidecar_configure "$(mariadb_port primary)"
DATA="$WORK_DIR/sidecar/data"
mount -t tmpfs -o size=16m tmpfs "$DATA" || fail "cannot mount a tmpfs on $DATA"
harness_add_cleanup "umount -l '$DATA' 2>/dev/null || true"
monitor_replica_start
sidecar_start
wait_health 200 "" 60
sql_load 20
sidecar_wait_caught_up 60

# Leave about 1 MiB free, then write about 6 MiB of binlog on the primary.
free_kib="$(df --output=avail -k "$DATA" | tail -1)"
dd if=/dev/zero of="$DATA/filler" bs=1K count=$((free_kib - 1024)) status=none 2>/dev/null || true
for ((i = 0; i < 60; i++)); do
  echo "INSERT INTO t.k (v) VALUES (REPEAT('x', 200)); INSERT INTO t.k (v) SELECT REPEAT('y', 190) FROM t.seq_1_to_500;"
done | mariadb_sql primary || fail "the load failed"

wait_health 503 storage_error 60
state="$(http_get /status | jq -r '.budget.state')"
[[ "$state" == disk_full ]] || fail "/status budget.state is '$state', expected disk_full"
proc_alive "$SIDECAR_PID" || fail "the sidecar exited on a full disk: $(tail -5 "$WORK_DIR/sidecar/sidecar.log")"
stalled="$(sidecar_checkpoint)"
ok "disk full: the sidecar paused at $stalled (/health storage_error, budget.state disk_full)"

# It keeps serving what it has.
first="${stalled%% *}"
mkdir -p "$WORK_DIR/served"
mariadb-binlog --no-defaults --read-from-remote-server --raw -h127.0.0.1 -P"$(serve_port)" \
  -urepl -preplpw --result-file="$WORK_DIR/served/" "$first" >"$WORK_DIR/served.log" 2>&1 ||
  fail "serving while the disk is full failed: $(tail -3 "$WORK_DIR/served.log")"
ok "serves $first while paused ($(stat -c %s "$WORK_DIR/served/$first") bytes)"

rm -f "$DATA/filler"
wait_health 200 "" 90
sidecar_wait_caught_up 120
n="$(sidecar_compare_files)"
sidecar_stop
ok "space freed: resumed by itself; $n stored files identical to the primary's"
