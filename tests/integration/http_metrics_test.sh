#!/usr/bin/env bash
# Integration test: /metrics is valid Prometheus exposition that a real Prometheus scrapes,
# and its counters only grow under load.
#
#   1. `promtool check metrics` accepts the page (format and naming lint).
#   2. A Prometheus server started here on loopback (1 s scrape interval) scrapes the sidecar:
#      its HTTP API reports up{job="sidecar"} == 1, and a query over binlog_sidecar_* returns
#      data.
#   3. Under a bounded write load, 8 scrapes: every *_total counter and histogram _count never
#      decreases from one scrape to the next, and the received-bytes counter grew.
#   4. mariadb-binlog fetches the first stored file from the serve port and disconnects: the
#      served-bytes counter counts it after the connection is gone.
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
# shellcheck source=tests/integration/http_lib.sh
source "$SRC_DIR/tests/integration/http_lib.sh"

: "${SIDECAR_BIN:?SIDECAR_BIN must name the binlog-sidecar binary}"
harness_require_cmd curl jq promtool prometheus mariadb-binlog
harness_init

# load ROUNDS: a bounded SQL workload on the primary.
load() {
  local rounds="$1" i
  for ((i = 0; i < rounds; i++)); do
    printf "INSERT INTO t.k (v) VALUES (REPEAT('m', 180));\n"
    printf "BEGIN; INSERT INTO t.k (v) VALUES ('a%d'),('b%d'); COMMIT;\n" "$i" "$i"
  done | mariadb_sql primary || fail "the load failed"
}

PRIMARY_PORT="$(free_port)"
pull_primary_start "$PRIMARY_PORT"
sidecar_configure "$PRIMARY_PORT" "upstream.start=earliest"
monitor_replica_start
sidecar_start
wait_health 200 "" 60
load 50
sidecar_wait_caught_up 60

# 1. promtool
http_get /metrics >"$WORK_DIR/metrics.txt"
promtool check metrics <"$WORK_DIR/metrics.txt" >"$WORK_DIR/promtool.out" 2>&1 ||
  fail "promtool check metrics: $(cat "$WORK_DIR/promtool.out")"
ok "promtool check metrics accepts /metrics ($(grep -c '^# TYPE' "$WORK_DIR/metrics.txt") families)"

# 2. a real Prometheus
prom_port="$(free_port)"
mkdir -p "$WORK_DIR/prometheus"
cat >"$WORK_DIR/prometheus/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: sidecar
    static_configs:
      - targets: ['127.0.0.1:$(http_port)']
YML
prometheus --config.file="$WORK_DIR/prometheus/prometheus.yml" \
  --storage.tsdb.path="$WORK_DIR/prometheus/data" \
  --web.listen-address="127.0.0.1:$prom_port" >"$WORK_DIR/prometheus/log" 2>&1 </dev/null &
prom_pid=$!
harness_add_cleanup "kill $prom_pid 2>/dev/null || true; wait $prom_pid 2>/dev/null || true"

# prom_query EXPR: print the JSON answer of the instant query EXPR.
prom_query() {
  curl -sS --max-time 5 -G "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "query=$1"
}

up="" data=""
for ((i = 0; i < 120; i++)); do
  up="$(prom_query 'up{job="sidecar"}' 2>/dev/null | jq -r '.data.result[0].value[1] // empty' 2>/dev/null || true)"
  data="$(prom_query '{__name__=~"binlog_sidecar_.*"}' 2>/dev/null |
    jq -r '.data.result | length' 2>/dev/null || true)"
  [[ "$up" == 1 && "${data:-0}" -gt 10 ]] && break
  proc_alive "$prom_pid" || fail "prometheus exited: $(tail -n 5 "$WORK_DIR/prometheus/log")"
  sleep 0.5
done
[[ "$up" == 1 ]] || fail "Prometheus: up{job=\"sidecar\"} is '$up'; log: $(tail -n 5 "$WORK_DIR/prometheus/log")"
[[ "${data:-0}" -gt 10 ]] || fail "Prometheus: a query over binlog_sidecar_* returned '$data' series"
received="$(prom_query 'binlog_sidecar_upstream_received_bytes_total' | jq -r '.data.result[0].value[1]')"
((received > 0)) || fail "Prometheus: binlog_sidecar_upstream_received_bytes_total is $received"
ok "Prometheus scrapes the sidecar: up == 1, $data binlog_sidecar_* series, $received bytes received"

# 3. monotonic counters under load
load 400 &
load_pid=$!
for ((scrape = 0; scrape < 8; scrape++)); do
  http_get /metrics | awk '/^binlog_sidecar_[a-z_]*(_total|_count) /{print $1, $2}' \
    >"$WORK_DIR/scrape.$scrape"
  sleep 0.3
done
wait "$load_pid" || fail "the load failed"
for ((scrape = 1; scrape < 8; scrape++)); do
  while read -r name value; do
    before="$(awk -v n="$name" '$1 == n {print $2}' "$WORK_DIR/scrape.$((scrape - 1))")"
    [[ -n "$before" ]] || fail "scrape $scrape: $name appeared only now"
    awk -v a="$before" -v b="$value" 'BEGIN {exit !(b + 0 >= a + 0)}' ||
      fail "scrape $scrape: $name went down from $before to $value"
  done <"$WORK_DIR/scrape.$scrape"
done
first="$(awk '$1 == "binlog_sidecar_upstream_received_bytes_total" {print $2}' "$WORK_DIR/scrape.0")"
last="$(awk '$1 == "binlog_sidecar_upstream_received_bytes_total" {print $2}' "$WORK_DIR/scrape.7")"
((last > first)) || fail "received bytes did not grow under load: $first -> $last"
sidecar_wait_caught_up 60
ok "8 scrapes under load: $(wc -l <"$WORK_DIR/scrape.0") counters never decrease; received bytes $first -> $last"

# 4. served bytes, counted once the reader is gone
served_metric() {
  http_get /metrics | awk -v n="binlog_sidecar_downstream_sent_bytes_total" '$1 == n {print $2}'
}
before="$(served_metric)"
first_file="$(sidecar_checkpoint)"
first_file="${first_file%% *}"
first_file="${first_file%.*}.000001"
mkdir -p "$WORK_DIR/served"
mariadb-binlog --no-defaults --read-from-remote-server --raw -h127.0.0.1 -P"$(serve_port)" \
  -urepl -preplpw --result-file="$WORK_DIR/served/" "$first_file" >"$WORK_DIR/served.log" 2>&1 ||
  fail "mariadb-binlog from the serve port failed: $(tail -3 "$WORK_DIR/served.log")"
fetched="$(stat -c %s "$WORK_DIR/served/$first_file")"
after="$(served_metric)"
((after - before >= fetched - 4)) ||
  fail "binlog_sidecar_downstream_sent_bytes_total grew by $((after - before)), but $fetched bytes were served"
ok "served $fetched bytes of $first_file: binlog_sidecar_downstream_sent_bytes_total $before -> $after"
sidecar_stop
