#!/usr/bin/env bash
# Integration test: `binlog-sidecar check-binlog` on the binlogs of a real MariaDB primary.
#
# Starts a MariaDB primary (ROW, CRC32, --max-binlog-size=4096 so it rotates often), runs a
# small workload (DDL, transactions, UPDATE/DELETE, ALTER, an XA transaction, FLUSH BINARY
# LOGS), then checks the JSON Lines summary of check-binlog against independent readers:
# mariadb-binlog (GTID lines), a header walk done here with od (event count), the server's
# @@gtid_binlog_pos, and the file sizes. Then damages copies (a flipped byte, a truncation)
# and checks exit 1 with a problem offset, and checks exit 2 on usage errors.
#
# Environment: SIDECAR_BIN (the binary, set by CTest), SIDECAR_SOURCE_DIR (repo root; default:
# derived from this file's location), KEEP_WORK=1 to keep the work dir.
# shellcheck source-path=SCRIPTDIR/../..
# shellcheck disable=SC2016  # jq filters are single-quoted on purpose: $names are jq's
set -euo pipefail

SRC_DIR="${SIDECAR_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
# shellcheck source=scripts/lib/mariadb.sh
source "$SRC_DIR/scripts/lib/mariadb.sh"

: "${SIDECAR_BIN:?SIDECAR_BIN must name the binlog-sidecar binary}"
[[ -x "$SIDECAR_BIN" ]] || harness_die "SIDECAR_BIN=$SIDECAR_BIN is not an executable"
harness_require_cmd jq mariadb-binlog od xxd truncate dd cmp
harness_init

# fail MESSAGE...: report a failed assertion and exit 1 (the trap stops the server).
fail() {
  printf 'FAIL: %s\n' "$*" >&2
  exit 1
}

# ok MESSAGE...: report a passed group of assertions.
ok() {
  printf 'ok - %s\n' "$*"
}

# check_binlog OUT_PREFIX FILE...: run check-binlog on FILEs, stdout to OUT_PREFIX.json,
# stderr to OUT_PREFIX.err; prints its exit status (never fails itself).
check_binlog() {
  local out="$1" rc=0
  shift
  "$SIDECAR_BIN" check-binlog "$@" >"$out.json" 2>"$out.err" </dev/null || rc=$?
  echo "$rc"
}

# expect_exit WANT GOT WHAT OUT_PREFIX: fail (showing the command's output) unless GOT == WANT.
expect_exit() {
  local want="$1" got="$2" what="$3" out="$4"
  if [[ "$got" != "$want" ]]; then
    printf -- '--- stdout:\n' >&2
    cat "$out.json" >&2 || true
    printf -- '--- stderr:\n' >&2
    cat "$out.err" >&2 || true
    fail "$what: check-binlog exited $got, expected $want"
  fi
}

# jq_assert JSON_FILE FILTER WHAT [JQ_ARGS...]: fail unless FILTER, applied to the slurped
# JSON Lines of JSON_FILE (an array, one object per file), yields true.
jq_assert() {
  local file="$1" filter="$2" what="$3"
  shift 3
  if ! jq -e -s "$@" "$filter" "$file" >/dev/null 2>"$file.jqerr"; then
    printf -- '--- check-binlog output:\n' >&2
    jq -c . "$file" >&2 2>/dev/null || cat "$file" >&2
    cat "$file.jqerr" >&2
    fail "$what"
  fi
}

# binlog_walk FILE: independent structural reader. Prints "OFFSET TYPE LENGTH" for every event
# by following the event_size field of each 19-byte header from offset 4; fails unless the
# magic is right and the events tile the file exactly.
binlog_walk() {
  local -a b
  local n off=4 len
  mapfile -t b < <(od -An -v -tu1 -w1 "$1")
  n=${#b[@]}
  ((n >= 4 && b[0] == 254 && b[1] == 98 && b[2] == 105 && b[3] == 110)) || {
    echo "binlog_walk: $1: bad magic" >&2
    return 1
  }
  while ((off + 19 <= n)); do
    len=$((b[off + 9] | b[off + 10] << 8 | b[off + 11] << 16 | b[off + 12] << 24))
    ((len >= 19 && off + len <= n)) || {
      echo "binlog_walk: $1: bad event length $len at $off" >&2
      return 1
    }
    echo "$off $((b[off + 4])) $len"
    off=$((off + len))
  done
  ((off == n)) || {
    echo "binlog_walk: $1: $((n - off)) trailing bytes at $off" >&2
    return 1
  }
}

# gtid_lines FILE: the number of transactions mariadb-binlog sees: its event header comment
# lines ("#261123  3:58:41 server id 1  end_log_pos 899 CRC32 0x... \tGTID 0-1-4 trans").
gtid_lines() {
  mariadb-binlog --no-defaults "$1" 2>/dev/null |
    grep -cE '^#[0-9]{6} .*[[:space:]]GTID [0-9]+-[0-9]+-[0-9]+' || true
}

# workload_sql: print the workload, one statement per line (bounded: 24 transactions of rows).
workload_sql() {
  local i
  echo "CREATE DATABASE app;"
  echo "CREATE TABLE app.t (id INT PRIMARY KEY, v VARCHAR(200) NOT NULL, n INT NOT NULL) ENGINE=InnoDB;"
  for ((i = 0; i < 24; i++)); do
    echo "BEGIN;"
    echo "INSERT INTO app.t VALUES ($((i * 3 + 1)), REPEAT('a', 150), $i), ($((i * 3 + 2)), REPEAT('b', 150), $i);"
    echo "INSERT INTO app.t VALUES ($((i * 3 + 3)), REPEAT('c', 150), $i);"
    echo "COMMIT;"
  done
  echo "UPDATE app.t SET n = n + 100 WHERE id % 2 = 0;"
  echo "DELETE FROM app.t WHERE id % 5 = 0;"
  echo "ALTER TABLE app.t ADD COLUMN extra INT NULL;"
  echo "XA START 'x'; INSERT INTO app.t VALUES (1000, 'xa', 0, 1); XA END 'x'; XA PREPARE 'x'; XA COMMIT 'x';"
  echo "FLUSH BINARY LOGS;"
  echo "INSERT INTO app.t VALUES (1001, 'after flush', 0, 2);"
}

# wait_stable FILE: wait (bounded, 10 s) until FILE's size stops changing for 0.5 s, so that a
# background write (MariaDB's binlog checkpoint event) is not read half-done.
wait_stable() {
  local prev=-1 size i
  for ((i = 0; i < 50; i++)); do
    size="$(stat -c %s "$1")"
    [[ "$size" == "$prev" ]] && return 0
    prev="$size"
    sleep 0.5
  done
}

# ---------------------------------------------------------------------------------------------
# 1. A real primary and a workload.
start_ts="$(date +%s)"
mariadb_start primary "$(free_port)" 1 --max-binlog-size=4096 --binlog-checksum=CRC32
workload_sql | mariadb_sql primary >/dev/null
gtid_pos="$(mariadb_sql primary "SELECT @@gtid_binlog_pos")"
version="$(mariadb_sql primary "SELECT VERSION()")"
[[ "$gtid_pos" =~ ^0-1-[0-9]+$ ]] || fail "unexpected @@gtid_binlog_pos '$gtid_pos'"
mapfile -t files < <(mariadb_binlogs primary)
((${#files[@]} >= 3)) || fail "expected the primary to rotate into >= 3 binlogs, got ${#files[@]}"
ok "primary ${version%%-*} wrote ${#files[@]} binlogs up to GTID $gtid_pos"

# 2. The file the live server is writing: whole, but not closed cleanly.
active="${files[${#files[@]} - 1]}"
wait_stable "$active"
rc="$(check_binlog "$WORK_DIR/live" "$active")"
expect_exit 0 "$rc" "active binlog" "$WORK_DIR/live"
jq_assert "$WORK_DIR/live.json" 'length == 1 and .[0].ok == true and .[0].closed_cleanly == false' \
  "the active binlog must be ok and not closed_cleanly"
ok "active binlog: ok, closed_cleanly false"

# 3. After a clean shutdown every file is final: compare with the independent readers.
mariadb_stop primary
now_ts="$(date +%s)"
rc="$(check_binlog "$WORK_DIR/all" "${files[@]}")"
expect_exit 0 "$rc" "all binlogs after shutdown" "$WORK_DIR/all"
jq_assert "$WORK_DIR/all.json" "length == ${#files[@]}" "one JSON line per file (${#files[@]} files)"
jq_assert "$WORK_DIR/all.json" 'all(.[]; (.file | type) == "string" and .ok == true
    and .flavor == "mariadb" and .checksum == "CRC32" and (.server_version | startswith($v))
    and .closed_cleanly == true and (has("problem") | not)
    and (.events | type) == "number" and .events == ([.event_counts[]] | add)
    and .event_counts.FORMAT_DESCRIPTION == 1 and .event_counts.MARIA_GTID_LIST == 1
    and (.event_counts.MARIA_GTID // 0) == .transactions
    and ((.transactions == 0) == (.first_gtid == null and .last_gtid == null))
    and .first_timestamp >= ($t0 - 60) and .last_timestamp <= ($t1 + 60)
    and .first_timestamp <= .last_timestamp)' \
  "every file: ok, mariadb, CRC32, closed cleanly, counts and timestamps consistent" \
  --arg v "${version%%-*}" --argjson t0 "$start_ts" --argjson t1 "$now_ts"
ok "all ${#files[@]} files: ok, mariadb, CRC32, closed cleanly, events == sum(event_counts)"
jq_assert "$WORK_DIR/all.json" '([.[].event_counts] | {
      q: (map(.QUERY // 0) | add), x: (map(.XID // 0) | add), tm: (map(.TABLE_MAP // 0) | add),
      w: (map(.WRITE_ROWS_V1 // 0) | add), u: (map(.UPDATE_ROWS_V1 // 0) | add),
      d: (map(.DELETE_ROWS_V1 // 0) | add), a: (map(.MARIA_ANNOTATE_ROWS // 0) | add),
      c: (map(.MARIA_BINLOG_CHECKPOINT // 0) | add), r: (map(.ROTATE // 0) | add),
      xa: (map(.XA_PREPARE // 0) | add) }) as $s
    | $s.q > 0 and $s.x > 0 and $s.tm > 0 and $s.w > 0 and $s.u > 0 and $s.d > 0 and $s.a > 0
      and $s.c > 0 and $s.r >= (length - 1) and $s.xa == 1' \
  "event types over all files: QUERY, XID, TABLE_MAP, WRITE/UPDATE/DELETE_ROWS_V1, ANNOTATE, CHECKPOINT, ROTATE, one XA_PREPARE"
ok "event types over all files as the workload implies (one XA_PREPARE)"

total_gtids=0
for f in "${files[@]}"; do
  base="${f##*/}"
  line="$(jq -c --arg b "$base" 'select(.file | endswith($b))' "$WORK_DIR/all.json")"
  [[ -n "$line" ]] || fail "$base: no JSON line whose file ends with $base"
  want_gtids="$(gtid_lines "$f")"
  walk="$(binlog_walk "$f")" || fail "$base: the test's own header walk failed"
  want_events="$(wc -l <<<"$walk")"
  want_size="$(stat -c %s "$f")"
  jq -e --argjson g "$want_gtids" --argjson e "$want_events" --argjson s "$want_size" \
    '(.event_counts.MARIA_GTID // 0) == $g and .transactions == $g and .events == $e and .size == $s' \
    <<<"$line" >/dev/null ||
    fail "$base: want $want_gtids GTIDs (mariadb-binlog), $want_events events (header walk), size $want_size; got $line"
  total_gtids=$((total_gtids + want_gtids))
done
ok "per file: MARIA_GTID == transactions == mariadb-binlog GTID lines; events == header walk; size"

# GTIDs run 0-1-1 .. 0-1-N without gap across the files, and end at @@gtid_binlog_pos.
jq_assert "$WORK_DIR/all.json" '[.[] | select(.transactions > 0)] as $g
    | ($g[-1].last_gtid == $pos) and ($g[0].first_gtid == "0-1-1")
      and ([range(1; $g | length) as $i
            | ($g[$i].first_gtid | split("-")[2] | tonumber)
              == ($g[$i - 1].last_gtid | split("-")[2] | tonumber) + 1] | all)' \
  "first_gtid/last_gtid chain from 0-1-1 to @@gtid_binlog_pos=$gtid_pos" --arg pos "$gtid_pos"
jq_assert "$WORK_DIR/all.json" '.[-1].last_gtid == $pos' \
  "the last file's last_gtid must be @@gtid_binlog_pos=$gtid_pos" --arg pos "$gtid_pos"
[[ "$total_gtids" == "${gtid_pos##*-}" ]] ||
  fail "mariadb-binlog saw $total_gtids GTIDs, @@gtid_binlog_pos is $gtid_pos"
ok "GTIDs 0-1-1..$gtid_pos contiguous across files; last_gtid == @@gtid_binlog_pos"

# 4. Damage: a flipped byte in the middle of an event, then a truncation mid-event.
victim="$(for f in "${files[@]}"; do echo "$(stat -c %s "$f") $f"; done | sort -n | tail -n 1 | cut -d' ' -f2-)"
mapfile -t events < <(binlog_walk "$victim")
read -r ev_off ev_type ev_len <<<"${events[${#events[@]} / 2]}"
((ev_off > 4)) || fail "the middle event of $victim is the format description; workload too small"

flip_at=$((ev_off + ev_len / 2))
cp "$victim" "$WORK_DIR/flipped.bin"
old_byte="$(od -An -tu1 -j "$flip_at" -N 1 "$victim" | tr -d ' ')"
printf '%02x' $((old_byte ^ 0xFF)) | xxd -r -p |
  dd of="$WORK_DIR/flipped.bin" bs=1 seek="$flip_at" count=1 conv=notrunc status=none
cmp -s "$victim" "$WORK_DIR/flipped.bin" && fail "the byte flip did not change the copy"
rc="$(check_binlog "$WORK_DIR/flip" "$WORK_DIR/flipped.bin")"
expect_exit 1 "$rc" "byte flipped at $flip_at (event type $ev_type at $ev_off, length $ev_len)" "$WORK_DIR/flip"
jq_assert "$WORK_DIR/flip.json" 'length == 1 and .[0].ok == false
    and (.[0].problem.offset | type) == "number"
    and .[0].problem.offset >= $lo and .[0].problem.offset <= $hi
    and (.[0].problem.message | type) == "string" and (.[0].problem.message | length) > 0' \
  "a flipped byte at $flip_at: ok false, problem.offset within the event [$ev_off, $((ev_off + ev_len))]" \
  --argjson lo "$ev_off" --argjson hi "$((ev_off + ev_len))"
ok "flipped byte at $flip_at (event type $ev_type at $ev_off): exit 1, $(jq -c '.problem' "$WORK_DIR/flip.json")"

# A good file and a damaged one together: exit 1, one line each, in argument order.
rc="$(check_binlog "$WORK_DIR/mixed" "${files[0]}" "$WORK_DIR/flipped.bin")"
expect_exit 1 "$rc" "a good file followed by a damaged one" "$WORK_DIR/mixed"
jq_assert "$WORK_DIR/mixed.json" 'length == 2 and .[0].ok == true and .[1].ok == false' \
  "good + damaged: two lines, ok true then ok false"
ok "good + damaged file: exit 1, the good one still reported ok"

cut_at=$((ev_off + ev_len / 2))
cp "$victim" "$WORK_DIR/truncated.bin"
truncate -s "$cut_at" "$WORK_DIR/truncated.bin"
rc="$(check_binlog "$WORK_DIR/trunc" "$WORK_DIR/truncated.bin")"
expect_exit 1 "$rc" "truncated at $cut_at (mid event at $ev_off)" "$WORK_DIR/trunc"
jq_assert "$WORK_DIR/trunc.json" 'length == 1 and .[0].ok == false
    and (.[0].problem.offset | type) == "number"
    and .[0].problem.offset >= $lo and .[0].problem.offset <= $hi' \
  "truncated at $cut_at: ok false, problem.offset within [$ev_off, $cut_at]" \
  --argjson lo "$ev_off" --argjson hi "$cut_at"
ok "truncated mid-event at $cut_at: exit 1, $(jq -c '.problem' "$WORK_DIR/trunc.json")"

# 5. Usage errors: exit 2.
rc="$(check_binlog "$WORK_DIR/usage1" --no-such-option "${files[0]}")"
expect_exit 2 "$rc" "an unknown option" "$WORK_DIR/usage1"
rc="$(check_binlog "$WORK_DIR/usage2")"
expect_exit 2 "$rc" "no file arguments" "$WORK_DIR/usage2"
ok "usage errors (unknown option, no files): exit 2"

echo "check_binlog_mariadb: passed (${#files[@]} files, $total_gtids transactions)"
