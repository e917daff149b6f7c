#!/usr/bin/env bash
# Integration test: a damaged byte in an older stored file is never served, and the range is
# fetched again from the primary.
#
# The sidecar stores several files; while it is stopped one byte in the middle of the first
# (closed) file is flipped. Restarted, it serves that file to `mariadb-binlog
# --read-from-remote-server --raw` only up to the damaged event: the dump ends there, and the
# bytes received never include the damaged one. The reader's report makes the repairer fetch
# the range again from the primary; the next dump of the file is byte-identical to the
# primary's, and so is the stored file.
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
harness_require_cmd sqlite3 cmp mariadb-binlog
harness_init

pull_primary_start "$(free_port)" --max-binlog-size=16384
sidecar_configure "$(mariadb_port primary)"
sidecar_start
sql_load 150
sidecar_wait_caught_up 60
sidecar_stop

FILE=mysql-bin.000001
STORED="$WORK_DIR/sidecar/data/binlog/$FILE"
[[ -f "$WORK_DIR/sidecar/data/binlog/mysql-bin.000002" ]] || fail "the load did not rotate"
size="$(stat -c %s "$STORED")"
damaged=$((size / 2))
original_byte="$(od -An -tu1 -j "$damaged" -N1 "$STORED" | tr -d ' ')"
printf "\\$(printf '%03o' $(((original_byte + 1) % 256)))" |
  dd of="$STORED" bs=1 seek="$damaged" conv=notrunc status=none
ok "flipped the byte at offset $damaged of the stored $FILE ($size bytes)"

sidecar_start
serve_wait_listening

# dump_file DIR: mariadb-binlog --raw of $FILE from the sidecar into DIR (exit status kept).
dump_file() {
  mkdir -p "$1"
  mariadb-binlog --no-defaults --read-from-remote-server --raw -h127.0.0.1 -P"$(serve_port)" \
    -urepl -preplpw --result-file="$1/" "$FILE" >"$1.log" 2>&1
}

if dump_file "$WORK_DIR/first"; then
  fail "the sidecar served the damaged $FILE whole"
fi
got="$(stat -c %s "$WORK_DIR/first/$FILE" 2>/dev/null || echo 0)"
((got <= damaged)) || fail "the first dump received $got bytes, past the damaged offset $damaged"
ok "the damaged file is served only up to the damage ($got bytes): $(tail -1 "$WORK_DIR/first.log")"

deadline=$((SECONDS + 60))
until grep -q "repaired $FILE" "$WORK_DIR/sidecar/sidecar.log"; do
  ((SECONDS < deadline)) || fail "the sidecar did not repair $FILE within 60 s"
  sleep 0.2
done
ok "$(grep -o "repaired $FILE.*" "$WORK_DIR/sidecar/sidecar.log" | tail -1)"

dump_file "$WORK_DIR/second" || fail "the dump after the repair failed: $(tail -3 "$WORK_DIR/second.log")"
_masked "$WORK_DIR/a" "$WORK_DIR/second/$FILE"
_masked "$WORK_DIR/b" "$(mariadb_datadir primary)/$FILE"
cmp -s "$WORK_DIR/a" "$WORK_DIR/b" || fail "the repaired $FILE as served differs from the primary's"
n="$(sidecar_compare_files)"
sidecar_stop
ok "after the repair the served $FILE and all $n stored files equal the primary's"
