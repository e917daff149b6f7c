# shellcheck shell=bash
# Helpers for the http_*_test.sh integration tests (sourced after pull_lib.sh, once
# sidecar_configure wrote sidecar.conf): the sidecar's HTTP port and bounded waits on
# /health.

# http_port: the [http] port of $WORK_DIR/sidecar/sidecar.conf.
http_port() {
  awk '/^\[http\]/{s=1;next} /^\[/{s=0} s && $1=="port"{print $3}' "$WORK_DIR/sidecar/sidecar.conf"
}

# http_get PATH: print the body of GET http://127.0.0.1:PORT/PATH (any status); fails only
# when nothing answers.
http_get() {
  curl -sS --max-time 10 "http://127.0.0.1:$(http_port)$1"
}

# http_code METHOD PATH [CURL_ARGS...]: print the status code of METHOD PATH.
http_code() {
  local method="$1" path="$2"
  shift 2
  curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -X "$method" "$@" \
    "http://127.0.0.1:$(http_port)$path"
}

# wait_health WANT_STATUS [PROBLEM_CODE] [TIMEOUT_S]: wait until GET /health answers
# WANT_STATUS (200 or 503) and, when given, lists PROBLEM_CODE; fail with the last answer
# after TIMEOUT_S (default 60).
wait_health() {
  local want="$1" problem="${2:-}" timeout="${3:-60}" deadline body code
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    code="$(curl -sS --max-time 5 -o "$WORK_DIR/health.json" -w '%{http_code}' \
      "http://127.0.0.1:$(http_port)/health" 2>/dev/null || true)"
    if [[ "$code" == "$want" ]]; then
      if [[ -z "$problem" ]] ||
        jq -e --arg c "$problem" '.problems | map(.code) | index($c) != null' \
          "$WORK_DIR/health.json" >/dev/null 2>&1; then
        return 0
      fi
    fi
    sleep 0.3
  done
  body="$(cat "$WORK_DIR/health.json" 2>/dev/null || true)"
  fail "/health: wanted $want ${problem:+with $problem }within ${timeout}s; last answer $code: $body"
}

# monitor_replica_start: start MariaDB "replica" (server_id 2) as the co-located replica the
# sidecar's budget keeper polls ([replica] in sidecar.conf: the `monitor` account and
# $WORK_DIR/sidecar/replica.sock, made a symlink to its socket). Call after sidecar_configure.
# Without it /health reports replica_unreachable.
monitor_replica_start() {
  mariadb_start replica "$(free_port)" 2 || fail "the replica did not start"
  mariadb_sql replica "CREATE USER 'monitor'@'localhost' IDENTIFIED BY 'replpw';
    GRANT REPLICA MONITOR ON *.* TO 'monitor'@'localhost'" || fail "replica setup failed"
  ln -sfn "$(mariadb_socket replica)" "$WORK_DIR/sidecar/replica.sock"
}
