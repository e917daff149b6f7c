#!/usr/bin/env bash
# Integration test: malformed and hostile HTTP gets 4xx and never stalls replication.
#
# While a bounded write load runs on the primary and the sidecar pulls it:
#   - unknown paths -> 404; POST/PUT/DELETE on /health -> 405 with Allow; an unknown method
#     -> 501; a 4 KiB body -> 413; 200 header fields or a 20 KiB header value -> 431; a 5 KiB
#     request line -> 414;
#   - six slowloris clients (more than the server's two workers) trickle a header a byte
#     every 0.5 s, without end: /health answers 200 while they are all connected, and each
#     gets 408 once the request deadline (10 s, however steady the trickle) passes;
#   - `ab` sends 2000 requests to /metrics with 4 at a time: none fails;
#   - meanwhile the pull keeps progressing: the durable checkpoint moves during the slowloris
#     phase and the sidecar catches up with the primary at the end (progress, not timing).
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
harness_require_cmd curl jq python3 ab sqlite3
harness_init

# load ROUNDS: a bounded SQL workload on the primary.
load() {
  local rounds="$1" i
  for ((i = 0; i < rounds; i++)); do
    printf "INSERT INTO t.k (v) VALUES (REPEAT('s', 180));\n"
    printf "BEGIN; INSERT INTO t.k (v) VALUES ('a%d'),('b%d'); COMMIT;\n" "$i" "$i"
    # a pause now and then, so that the load lasts through the slow clients
    if ((i % 50 == 49)); then printf "DO SLEEP(0.2);\n"; fi
  done | mariadb_sql primary || fail "the load failed"
}

PRIMARY_PORT="$(free_port)"
pull_primary_start "$PRIMARY_PORT"
sidecar_configure "$PRIMARY_PORT" "upstream.start=earliest"
monitor_replica_start
sidecar_start
wait_health 200 "" 60
port="$(http_port)"
client="$SRC_DIR/tests/integration/slow_http_client.py"

load 3000 &
load_pid=$!
harness_add_cleanup "kill $load_pid 2>/dev/null || true"

# Plain misuse.
for path in / /nope /health/x "/%00" /metrics.txt; do
  code="$(http_code GET "$path")"
  [[ "$code" == 404 ]] || fail "GET $path answered $code, not 404"
done
for method in POST PUT DELETE; do
  code="$(http_code "$method" /health)"
  [[ "$code" == 405 ]] || fail "$method /health answered $code, not 405"
done
for method in BREW get; do
  code="$(http_code "$method" /health)"
  [[ "$code" == 501 ]] || fail "$method /health answered $code, not 501"
done
curl -sS --max-time 10 -o /dev/null -D "$WORK_DIR/405.headers" -X POST \
  "http://127.0.0.1:$port/status"
grep -qi '^Allow: GET, HEAD' "$WORK_DIR/405.headers" || fail "405 without Allow: GET, HEAD"
head -c 4096 /dev/zero >"$WORK_DIR/body"
code="$(http_code GET /health --data-binary "@$WORK_DIR/body")"
[[ "$code" == 413 ]] || fail "GET /health with a 4 KiB body answered $code, not 413"
answer="$(python3 "$client" "$port" headers)"
[[ "$answer" == "HTTP/1.1 431"* ]] || fail "200 header fields: '$answer', not 431"
answer="$(python3 "$client" "$port" bighdr)"
[[ "$answer" == "HTTP/1.1 431"* ]] || fail "a 20 KiB header: '$answer', not 431"
code="$(http_code GET "/$(head -c 5000 /dev/zero | tr '\0' a)")"
[[ "$code" == 414 ]] || fail "a 5 KiB request line answered $code, not 414"
ok "404 unknown paths, 405 other methods (Allow: GET, HEAD), 501 unknown methods, 413 large" \
  "body, 431 oversized headers, 414 long request line"

# Slowloris, with the pull progressing meanwhile.
before="$(sidecar_checkpoint)"
python3 "$client" "$port" slowloris >"$WORK_DIR/slowloris.out" || fail "the slow client failed"
during="$(sidecar_checkpoint)"
grep -qx 'health HTTP/1.1 200 OK' "$WORK_DIR/slowloris.out" ||
  fail "slowloris: /health did not answer 200 while 6 slow clients were connected:" \
    "$(cat "$WORK_DIR/slowloris.out")"
(($(grep -cx 'closed HTTP/1.1 408 Request Timeout' "$WORK_DIR/slowloris.out") == 6)) ||
  fail "slowloris: not every slow connection got 408: $(cat "$WORK_DIR/slowloris.out")"
[[ "$during" != "$before" ]] || fail "the checkpoint did not move during the slowloris phase ($before)"
wait_health 200 "" 30
ok "6 slowloris clients got 408, /health answered meanwhile ($(sort "$WORK_DIR/slowloris.out" | uniq -c | tr -s ' ' | paste -sd';')); checkpoint $before -> $during meanwhile"

# A burst of scrapes.
ab -q -l -n 2000 -c 4 "http://127.0.0.1:$port/metrics" >"$WORK_DIR/ab.out" 2>&1 ||
  fail "ab failed: $(tail -n 5 "$WORK_DIR/ab.out")"
grep -Eq '^Failed requests: +0$' "$WORK_DIR/ab.out" || fail "ab: $(grep -E 'Failed|Non-2xx' "$WORK_DIR/ab.out")"
if grep -q '^Non-2xx responses' "$WORK_DIR/ab.out"; then fail "ab: $(grep Non-2xx "$WORK_DIR/ab.out")"; fi
ok "ab: 2000 /metrics requests, 4 at a time, none failed ($(grep -E '^Requests per second' "$WORK_DIR/ab.out" | tr -s ' '))"

wait "$load_pid" || fail "the load failed"
sidecar_wait_caught_up 120
proc_alive "$SIDECAR_PID" || fail "the sidecar died"
sidecar_stop
ok "the pull caught up with the primary after all of it"
