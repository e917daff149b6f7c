#!/usr/bin/env bash
# Integration test of the wire protocol against independent peers:
#   1. our client (protocol_probe client) logs into a real MariaDB 10.11 as a
#      mysql_native_password user, runs SELECT @@version, @@server_id and SHOW VARIABLES LIKE
#      'server_id', and is refused with the wrong password;
#   2. the `mariadb` command-line client logs into our server-side handshake (protocol_probe
#      serve) with mysql_native_password, and with caching_sha2_password (fast path and full
#      authentication with the RSA key) when the client has that plugin, and gets `SELECT 1`
#      answered; wrong passwords get ERROR 1045.
#
# Environment: PROTOCOL_PROBE (the probe binary, set by CTest), SIDECAR_SOURCE_DIR (repo root;
# default: derived from this file's location), KEEP_WORK=1 to keep the work dir.
# shellcheck source-path=SCRIPTDIR/../..
set -euo pipefail

SRC_DIR="${SIDECAR_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
# shellcheck source=scripts/lib/mariadb.sh
source "$SRC_DIR/scripts/lib/mariadb.sh"

: "${PROTOCOL_PROBE:?PROTOCOL_PROBE must name the protocol_probe binary}"
[[ -x "$PROTOCOL_PROBE" ]] || harness_die "PROTOCOL_PROBE=$PROTOCOL_PROBE is not an executable"
harness_require_cmd mariadb
harness_init

fail() {
  printf 'FAIL: %s\n' "$*" >&2
  exit 1
}
ok() { printf 'ok - %s\n' "$*"; }

# expect_contains HAYSTACK NEEDLE WHAT: fail unless HAYSTACK contains NEEDLE.
expect_contains() {
  [[ "$1" == *"$2"* ]] || fail "$3: expected '$2' in: $1"
}

# 1. Our client against a real MariaDB.
port="$(free_port)"
mariadb_start primary "$port" 4242
mariadb_sql primary "CREATE USER 'probe'@'%' IDENTIFIED VIA mysql_native_password USING PASSWORD('pr0be-pw')"
version="$(mariadb_sql primary "SELECT @@version")"

out="$("$PROTOCOL_PROBE" client 127.0.0.1 "$port" probe pr0be-pw \
  "SELECT @@version, @@server_id" "SHOW VARIABLES LIKE 'server_id'" "SELECT NULL, ''" \
  "DO 1" 2>&1)" || fail "probe client against mariadbd: $out"
expect_contains "$out" "plugin mysql_native_password" "the authenticating plugin"
expect_contains "$out" "$version	4242" "SELECT @@version, @@server_id"
expect_contains "$out" "server_id	4242" "SHOW VARIABLES LIKE 'server_id'"
expect_contains "$out" "NULL	" "a NULL and an empty string"
expect_contains "$out" "OK 0" "a statement without rows"
ok "our client logged into MariaDB $version and read its result sets"

if out="$("$PROTOCOL_PROBE" client 127.0.0.1 "$port" probe wrong "SELECT 1" 2>&1)"; then
  fail "a wrong password was accepted: $out"
fi
expect_contains "$out" "ERROR 1045 (28000): Access denied for user 'probe'@" "wrong password"
ok "wrong password: $out"

if out="$("$PROTOCOL_PROBE" client 127.0.0.1 "$port" probe pr0be-pw "SELEC 1" 2>&1)"; then
  fail "a syntax error was accepted: $out"
fi
expect_contains "$out" "ERROR 1064 (42000)" "a syntax error"
ok "SQL error reported with the server's message"

# 2. The mariadb client against our server-side handshake.
# serve_probe PLUGIN [full]: start protocol_probe serve on a new port; sets probe_port.
serve_probe() {
  probe_port="$(free_port)"
  local log="$WORK_DIR/probe-$probe_port.log"
  "$PROTOCOL_PROBE" serve "$probe_port" serve s3rve-pw "$@" >"$log.out" 2>"$log" &
  local pid=$!
  harness_add_cleanup "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
  local i
  for ((i = 0; i < 100; i++)); do
    grep -q listening "$log.out" 2>/dev/null && return 0
    proc_alive "$pid" || fail "protocol_probe serve exited: $(cat "$log")"
    sleep 0.1
  done
  fail "protocol_probe serve did not start"
}

# cli PORT PASSWORD [ARGS...]: `SELECT 1` through the mariadb client, -N -B output.
cli() {
  local p="$1" pw="$2"
  shift 2
  mariadb --no-defaults -h127.0.0.1 -P"$p" -userve -p"$pw" --ssl=0 -N -B "$@" -e 'SELECT 1' </dev/null 2>&1
}

serve_probe native
out="$(cli "$probe_port" s3rve-pw)" || fail "mariadb client, native password: $out"
[[ "$out" == "1" ]] || fail "mariadb client, native password: expected 1, got: $out"
ok "mariadb client logged in with mysql_native_password and got SELECT 1"
if out="$(cli "$probe_port" nope)"; then fail "wrong password accepted by our server: $out"; fi
expect_contains "$out" "1045" "wrong password against our server"
ok "mariadb client with a wrong password: $out"

plugin_dir=/usr/lib/x86_64-linux-gnu/libmariadb3/plugin
if [[ -f "$plugin_dir/caching_sha2_password.so" ]]; then
  serve_probe caching_sha2
  out="$(cli "$probe_port" s3rve-pw --default-auth=caching_sha2_password)" ||
    fail "mariadb client, caching_sha2_password fast path: $out"
  [[ "$out" == "1" ]] || fail "caching_sha2 fast path: expected 1, got: $out"
  ok "mariadb client logged in with caching_sha2_password (fast path)"

  serve_probe caching_sha2 full
  out="$(cli "$probe_port" s3rve-pw --default-auth=caching_sha2_password)" ||
    fail "mariadb client, caching_sha2_password full authentication: $out"
  [[ "$out" == "1" ]] || fail "caching_sha2 full auth: expected 1, got: $out"
  ok "mariadb client logged in with caching_sha2_password (full authentication, RSA key)"
  if out="$(cli "$probe_port" nope --default-auth=caching_sha2_password)"; then
    fail "wrong password accepted (caching_sha2 full): $out"
  fi
  expect_contains "$out" "1045" "wrong password, caching_sha2 full authentication"
  ok "caching_sha2 full authentication with a wrong password: refused"

  # The client starting with native while the user needs caching_sha2: an auth switch.
  out="$(cli "$probe_port" s3rve-pw --default-auth=mysql_native_password)" ||
    fail "mariadb client switched to caching_sha2_password: $out"
  [[ "$out" == "1" ]] || fail "auth switch: expected 1, got: $out"
  ok "mariadb client switched from mysql_native_password to caching_sha2_password"
else
  echo "skip - the mariadb client has no caching_sha2_password plugin in $plugin_dir"
fi

echo "protocol_client_mariadb: passed"
