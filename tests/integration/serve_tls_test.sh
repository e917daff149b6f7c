#!/usr/bin/env bash
# Integration test: TLS and caching_sha2_password on the serve port, with the real `mariadb`
# client (--no-defaults), a real MariaDB 10.11 replica and mariadb-binlog.
#
# Certificates: a test CA and a server certificate for 127.0.0.1 (openssl, in the test's
# directory), and a second CA that did not sign it.
#
# Phase 1, serve.ssl = on, serve.auth_plugin = caching_sha2_password:
#   - caching_sha2_password without TLS: the first connection of a user takes the full path
#     (the client fetches the sidecar's RSA public key and sends the password encrypted; the
#     sidecar logs it), the second one the fast path (nothing more is logged);
#   - over TLS, verifying the server certificate against the test CA: accepted; against the
#     other CA: the client refuses the certificate;
#   - a client that starts with mysql_native_password is switched to caching_sha2_password;
#   - wrong password (with and without TLS) and unknown user: ERROR 1045.
# Phase 2, the sidecar restarted with serve.ssl = required and mysql_native_password (MariaDB
# servers have no caching_sha2_password client plugin for their replication threads):
#   - a client without TLS: ERROR 3159; with TLS: accepted;
#   - a MariaDB replica with MASTER_SSL=1, MASTER_SSL_CA and MASTER_SSL_VERIFY_SERVER_CERT=1
#     replicates load through the sidecar and ends consistent with the primary;
#   - mariadb-binlog --read-from-remote-server --raw over verified TLS gets the primary's
#     first binlog file byte for byte.
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
harness_require_cmd openssl mariadb-binlog cmp dd
harness_init

# --- certificates ---------------------------------------------------------------------------
TLS_DIR="$WORK_DIR/tls"
mkdir -p "$TLS_DIR"
(
  cd "$TLS_DIR"
  for ca in ca other-ca; do
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=sidecar test $ca" \
      -keyout "$ca-key.pem" -out "$ca.pem" 2>/dev/null
  done
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout server-key.pem \
    -out server.csr 2>/dev/null
  printf 'subjectAltName = IP:127.0.0.1\n' >server.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 \
    -extfile server.ext -out server-cert.pem 2>/dev/null
  chmod 600 server-key.pem
) || fail "openssl could not make the test certificates"
CA="$TLS_DIR/ca.pem"

# --- phase 1: ssl = on, caching_sha2_password -------------------------------------------------
pull_primary_start "$(free_port)"
printf 'adminpw\n' >"$WORK_DIR/admin.password"
chmod 600 "$WORK_DIR/admin.password"
sidecar_configure "$(mariadb_port primary)" admin.user=sidecar_admin \
  "admin.password_file=$WORK_DIR/admin.password" serve.ssl=on \
  "serve.ssl_cert=$TLS_DIR/server-cert.pem" "serve.ssl_key=$TLS_DIR/server-key.pem" \
  serve.auth_plugin=caching_sha2_password
sidecar_start
PORT="$(serve_port)"
LOG="$WORK_DIR/sidecar/sidecar.log"

# client USER PASSWORD [MARIADB_ARGS...]: SELECT 1 on the serve port; output and errors on
# stdout; never fails the script (callers check the output).
client() {
  local user="$1" password="$2"
  shift 2
  mariadb --no-defaults -h127.0.0.1 -P"$PORT" -u"$user" -p"$password" --connect-timeout=10 \
    -N -B "$@" -e 'SELECT 1' </dev/null 2>&1 || true
}
# expect_answer OUTPUT WHAT: the client got its row.
expect_answer() { [[ "$1" == 1 ]] || fail "$2: expected the answer 1, got: $1"; }
expect_error() { [[ "$2" == *"ERROR $1 "* ]] || fail "$3: expected ERROR $1, got: $2"; }
# full_auth_lines USER: how often the sidecar logged a full authentication of USER.
full_auth_lines() { grep -c "user '$1' from .* caching_sha2_password's full path" "$LOG" || true; }

# Listening: an unknown user is refused (which fills no cache).
deadline=$((SECONDS + 30))
until [[ "$(client nobody x --skip-ssl)" == *"ERROR 1045 "* ]]; do
  ((SECONDS < deadline)) || fail "the sidecar does not answer on 127.0.0.1:$PORT"
  sleep 0.2
done
expect_error 1045 "$(client nobody x --skip-ssl --default-auth=caching_sha2_password)" \
  "unknown user"

SHA2=(--default-auth=caching_sha2_password)
expect_answer "$(client repl replpw --skip-ssl "${SHA2[@]}")" "first connection without TLS"
[[ "$(full_auth_lines repl)" == 1 ]] || fail "no full authentication (RSA) logged for repl"
grep -q "user 'repl' from .* full path (RSA)" "$LOG" || fail "repl's full path was not RSA"
expect_answer "$(client repl replpw --skip-ssl "${SHA2[@]}")" "second connection without TLS"
[[ "$(full_auth_lines repl)" == 1 ]] || fail "the second connection did not take the fast path"
expect_error 1045 "$(client repl wrong --skip-ssl "${SHA2[@]}")" "wrong password without TLS"
ok "caching_sha2_password without TLS: full path with the sidecar's RSA key, then the fast path"

VERIFY=(--ssl-ca="$CA" --ssl-verify-server-cert)
expect_answer "$(client sidecar_admin adminpw "${VERIFY[@]}" "${SHA2[@]}")" "admin over TLS"
grep -q "user 'sidecar_admin' from .* full path (TLS)" "$LOG" ||
  fail "no full authentication over TLS logged for sidecar_admin"
expect_answer "$(client sidecar_admin adminpw "${VERIFY[@]}")" \
  "mysql_native_password client switched to caching_sha2_password over TLS"
expect_error 1045 "$(client sidecar_admin wrong "${VERIFY[@]}" "${SHA2[@]}")" \
  "wrong password over TLS"
other="$(client sidecar_admin adminpw --ssl-ca="$TLS_DIR/other-ca.pem" --ssl-verify-server-cert)"
[[ "$other" == *"ERROR 2026 "* ]] ||
  fail "a client trusting another CA accepted the sidecar's certificate: $other"
ok "TLS with the configured certificate (verified against the test CA); wrong password: 1045"

# --- phase 2: ssl = required, mysql_native_password, a MariaDB replica over TLS ---------------
sidecar_stop
SIDECAR_SETS=(--set "admin.user=sidecar_admin" --set "admin.password_file=$WORK_DIR/admin.password"
  --set serve.ssl=required --set "serve.ssl_cert=$TLS_DIR/server-cert.pem"
  --set "serve.ssl_key=$TLS_DIR/server-key.pem")
sidecar_start
deadline=$((SECONDS + 30))
until [[ "$(client repl replpw "${VERIFY[@]}")" == 1 ]]; do
  ((SECONDS < deadline)) || fail "the sidecar does not answer over TLS after its restart"
  sleep 0.2
done
expect_error 3159 "$(client repl replpw --skip-ssl)" "a client without TLS under ssl = required"
ok "ssl = required: clients without TLS are refused (3159), with TLS accepted"

replica_start tls_replica "$(free_port)" 2
mariadb_sql tls_replica "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$PORT,
    MASTER_USER='repl', MASTER_PASSWORD='replpw', MASTER_CONNECT_RETRY=1,
    MASTER_HEARTBEAT_PERIOD=1, MASTER_USE_GTID=slave_pos, MASTER_SSL=1,
    MASTER_SSL_CA='$CA', MASTER_SSL_VERIFY_SERVER_CERT=1; START SLAVE" ||
  fail "CHANGE MASTER on tls_replica failed"
sql_load 200
sidecar_wait_caught_up 120
replica_wait_caught_up tls_replica
replica_expect_consistent tls_replica
[[ "$(replica_status_field tls_replica Master_SSL_Allowed)" == Yes ]] ||
  fail "tls_replica does not use TLS"
ok "a MariaDB replica with MASTER_SSL=1 and a verified certificate equals the primary"

raw="$WORK_DIR/raw"
mkdir -p "$raw"
first="$(basename "$(mariadb_binlogs primary | head -1)")"
(cd "$raw" && mariadb-binlog --no-defaults --read-from-remote-server --raw --host=127.0.0.1 \
  --port="$PORT" --user=repl --password=replpw --ssl-ca="$CA" --ssl-verify-server-cert \
  "$first") || fail "mariadb-binlog --read-from-remote-server over TLS failed"
_masked "$WORK_DIR/a" "$raw/$first"
_masked "$WORK_DIR/b" "$(mariadb_binlogs primary | head -1)"
cmp -s "$WORK_DIR/a" "$WORK_DIR/b" || fail "$first read over TLS differs from the primary's"
ok "mariadb-binlog --read-from-remote-server over TLS: $first byte-identical to the primary's"
sidecar_stop
