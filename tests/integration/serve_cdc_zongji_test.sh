#!/usr/bin/env bash
# Integration test: a Node.js CDC client (@vlasky/zongji from npm) reads row events from the
# sidecar, at the same time as nothing else: every row inserted on the primary arrives, decoded,
# in order. npm installs the package into the test's temp dir; without the npm registry the
# test is skipped (exit 77).
#
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

: "${SIDECAR_BIN:?SIDECAR_BIN must name the binlog-sidecar binary}"
harness_require_cmd sqlite3 node npm
harness_init

mkdir -p "$WORK_DIR/node"
cp "$SRC_DIR/tests/integration/serve_cdc_zongji.mjs" "$WORK_DIR/node/"
if ! (cd "$WORK_DIR/node" && timeout 180 npm install --no-audit --no-fund --silent \
  @vlasky/zongji@0.9.0 mysql2@3 >"$WORK_DIR/npm.log" 2>&1); then
  echo "SKIP: npm install @vlasky/zongji failed (no registry?): $(tail -3 "$WORK_DIR/npm.log")"
  exit 77
fi

pull_primary_start "$(free_port)"
mariadb_sql primary "CREATE TABLE t.cdc (id INT PRIMARY KEY, v VARCHAR(40))" ||
  fail "CREATE TABLE failed"
sidecar_configure "$(mariadb_port primary)"
sidecar_start
serve_wait_listening 30

ROWS=50
for ((i = 1; i <= ROWS; i++)); do
  echo "INSERT INTO t.cdc VALUES ($i, 'row-$i');"
done | mariadb_sql primary || fail "inserts failed"
sidecar_wait_caught_up 60

out="$WORK_DIR/cdc.jsonl"
(cd "$WORK_DIR/node" && timeout 90 node serve_cdc_zongji.mjs "$(serve_port)" \
  "$(mariadb_socket primary)" "$ROWS" >"$out" 2>"$WORK_DIR/node.err") ||
  fail "the zongji client failed: $(tail -5 "$WORK_DIR/node.err")"
expected="$(for ((i = 1; i <= ROWS; i++)); do printf '{"id":%d,"v":"row-%d"}\n' "$i" "$i"; done)"
[[ "$(cat "$out")" == "$expected" ]] || fail "zongji read other rows: $(head -3 "$out")"
ok "zongji read all $ROWS rows of t.cdc from the sidecar, decoded and in order"
sidecar_stop
