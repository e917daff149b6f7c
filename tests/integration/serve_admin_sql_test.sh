#!/usr/bin/env bash
# Integration test: the admin SQL of SPEC §5 and hostile clients on the serve port, through the
# real `mariadb` client (--no-defaults) against a sidecar pulling from a real mariadbd.
#
#   - the admin user runs every admin statement: SHOW MASTER STATUS / BINARY LOG STATUS (the
#     primary's file and position), SHOW BINARY LOGS (the primary's files), SHOW SLAVE|REPLICA
#     STATUS, SHOW SLAVE HOSTS / REPLICAS, SHOW [GLOBAL] VARIABLES [LIKE], SELECT @@...,
#     STOP SLAVE (the pull stops: the store stays where it was while the primary moves on),
#     CHANGE MASTER TO (refused while running, ERROR 1198; persisted in state.db; a wrong port
#     shows as Connecting with the error; applied again after a restart), START SLAVE (catches
#     up), PURGE BINARY LOGS TO|BEFORE (an unknown file: 1373; refused with the reason while the
#     replica cannot confirm it executed the files: 1378), KILL;
#   - wrong password and unknown user: ERROR 1045; the replication user running admin
#     statements: ERROR 1227, and KILL of the admin's connection: ERROR 1095;
#   - unknown statements: an ERROR, and the same connection answers the next query;
#   - garbage bytes, a 16 MB+ packet, clients disconnecting mid-handshake: each gets its error or
#     close, and the daemon keeps serving others.
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
harness_require_cmd sqlite3 python3 mkfifo
harness_init

pull_primary_start "$(free_port)" --max-binlog-size=65536
printf 'adminpw\n' >"$WORK_DIR/admin.password"
chmod 600 "$WORK_DIR/admin.password"
sidecar_configure "$(mariadb_port primary)" admin.user=sidecar_admin \
  "admin.password_file=$WORK_DIR/admin.password"
sidecar_start
serve_wait_listening 30
PORT="$(serve_port)"
PRIMARY_PORT="$(mariadb_port primary)"

# client USER PASSWORD SQL [MARIADB_ARGS...]: run SQL on the serve port; output and errors on
# stdout; never fails the script (callers check the output).
client() {
  local user="$1" password="$2" sql="$3"
  shift 3
  mariadb --no-defaults -h127.0.0.1 -P"$PORT" -u"$user" -p"$password" --connect-timeout=10 \
    -N -B "$@" -e "$sql" </dev/null 2>&1 || true
}
admin() { client sidecar_admin adminpw "$@"; }
repl() { client repl replpw "$@"; }

# expect_error CODE OUTPUT WHAT: OUTPUT carries "ERROR CODE".
expect_error() {
  [[ "$2" == *"ERROR $1 "* ]] || fail "$3: expected ERROR $1, got: $2"
}

# slave_field FIELD: one column of the sidecar's SHOW SLAVE STATUS (as the admin).
slave_field() {
  admin 'SHOW SLAVE STATUS' -E --column-names | awk -v f="$1:" '$1 == f { $1 = ""; sub(/^ /, ""); print; exit }'
}

# wait_slave_field FIELD VALUE [TIMEOUT_S]
wait_slave_field() {
  local deadline=$((SECONDS + ${3:-30})) got
  while ((SECONDS < deadline)); do
    got="$(slave_field "$1")"
    [[ "$got" == "$2" ]] && return 0
    sleep 0.3
  done
  fail "SHOW SLAVE STATUS $1 is '$got', expected '$2'"
}

sql_load 200
sidecar_wait_caught_up 60

# --- Read-only admin statements -------------------------------------------------------------
want="$(mariadb_sql primary 'SHOW MASTER STATUS' | awk '{print $1" "$2}')"
got="$(admin 'SHOW MASTER STATUS' | awk '{print $1" "$2}')"
[[ "$got" == "$want" ]] || fail "SHOW MASTER STATUS is '$got', the primary's '$want'"
got="$(admin 'show binary log status;' | awk '{print $1" "$2}')"
[[ "$got" == "$want" ]] || fail "SHOW BINARY LOG STATUS is '$got', the primary's '$want'"
want="$(mariadb_sql primary 'SHOW BINARY LOGS' | awk '{print $1}')"
got="$(admin 'SHOW BINARY LOGS' | awk '{print $1}')"
[[ "$got" == "$want" && "$(wc -l <<<"$got")" -gt 1 ]] ||
  fail "SHOW BINARY LOGS lists '$got', the primary '$want'"
ok "SHOW MASTER STATUS, SHOW BINARY LOG STATUS and SHOW BINARY LOGS match the primary"

[[ "$(slave_field Master_Host)" == 127.0.0.1 && "$(slave_field Master_Port)" == "$PRIMARY_PORT" ]] ||
  fail "SHOW SLAVE STATUS names $(slave_field Master_Host):$(slave_field Master_Port)"
wait_slave_field Slave_IO_Running Yes
[[ "$(slave_field Slave_SQL_Running)" == Yes ]] || fail "Slave_SQL_Running is not Yes"
[[ "$(slave_field Gtid_IO_Pos)" == "$(mariadb_sql primary 'SELECT @@gtid_binlog_pos')" ]] ||
  fail "Gtid_IO_Pos $(slave_field Gtid_IO_Pos) is not the primary's gtid_binlog_pos"
[[ "$(slave_field Seconds_Behind_Master)" =~ ^[0-9]+$ ]] || fail "Seconds_Behind_Master is not a number"
out="$(admin 'SHOW REPLICA STATUS' -E --column-names)"
[[ "$out" == *"Slave_IO_Running: Yes"* && "$out" == *"Using_Gtid:"* ]] ||
  fail "SHOW REPLICA STATUS: $out"
# No replica registered here: an empty set, which the client prints as nothing (the columns are
# checked by query_responder_test).
for statement in 'SHOW SLAVE HOSTS' 'SHOW REPLICAS'; do
  out="$(admin "$statement")"
  [[ -z "$out" ]] || fail "$statement: $out"
done
[[ "$(admin "SHOW GLOBAL VARIABLES LIKE 'server_id'")" == "server_id"$'\t'"4001" ]] ||
  fail "SHOW GLOBAL VARIABLES LIKE 'server_id': $(admin "SHOW GLOBAL VARIABLES LIKE 'server_id'")"
got="$(admin "SHOW VARIABLES LIKE 'gtid\_binlog\_pos'" | awk '{print $2}')"
[[ "$got" == "$(mariadb_sql primary 'SELECT @@gtid_binlog_pos')" ]] ||
  fail "gtid_binlog_pos is '$got'"
got="$(admin 'SELECT @@global.server_id, @@version, @@read_only')"
[[ "$got" == "4001"$'\t'*"-MariaDB-binlog-sidecar"$'\t'"1" ]] || fail "SELECT @@...: $got"
ok "SHOW SLAVE|REPLICA STATUS, SHOW SLAVE HOSTS|REPLICAS, SHOW VARIABLES and SELECT @@ answer"

# --- STOP / CHANGE MASTER / START -----------------------------------------------------------
expect_error 1198 "$(admin "CHANGE MASTER TO MASTER_PORT=1")" "CHANGE MASTER while running"
[[ -z "$(admin 'STOP SLAVE')" ]] || fail "STOP SLAVE failed"
[[ "$(slave_field Slave_IO_Running)" == No ]] || fail "Slave_IO_Running is not No after STOP SLAVE"
stopped_at="$(sidecar_checkpoint)"
sql_load 20
[[ "$(sidecar_checkpoint)" == "$stopped_at" ]] ||
  fail "the store moved from '$stopped_at' to '$(sidecar_checkpoint)' while stopped"
ok "STOP SLAVE stops the pull; CHANGE MASTER TO while running is ERROR 1198"

expect_error 1210 "$(admin "CHANGE MASTER TO MASTER_LOG_FILE='mysql-bin.000001', MASTER_LOG_POS=4")" \
  "CHANGE MASTER TO MASTER_LOG_FILE on a store with binlog"
expect_error 1235 "$(admin "CHANGE MASTER TO MASTER_CONNECT_RETRY=5")" "an unsupported option"
wrong_port="$(free_port)"
[[ -z "$(admin "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$wrong_port")" ]] ||
  fail "CHANGE MASTER TO failed"
[[ "$(sqlite3 -readonly "file:$WORK_DIR/sidecar/data/state.db?mode=ro" \
  "SELECT value FROM upstream_config WHERE key = 'change_master.port'" 2>/dev/null)" == "$wrong_port" ]] ||
  fail "CHANGE MASTER TO did not persist the port in state.db"
[[ -z "$(admin 'START SLAVE')" ]] || fail "START SLAVE failed"
[[ "$(slave_field Master_Port)" == "$wrong_port" ]] || fail "Master_Port is not the new port"
wait_slave_field Slave_IO_Running Connecting
[[ -n "$(slave_field Last_IO_Error)" ]] || fail "no Last_IO_Error while the primary is unreachable"
admin 'STOP SLAVE' >/dev/null
admin "CHANGE MASTER TO MASTER_PORT=$PRIMARY_PORT" >/dev/null
admin 'START SLAVE' >/dev/null
sidecar_wait_caught_up 60
wait_slave_field Slave_IO_Running Yes
ok "CHANGE MASTER TO persists and applies; START SLAVE catches up"

sidecar_stop
sidecar_start
serve_wait_listening 30
grep -q "state.db (CHANGE MASTER TO) overrides upstream port = $PRIMARY_PORT" \
  "$WORK_DIR/sidecar/sidecar.log" || fail "the restart does not log the persisted CHANGE MASTER"
[[ "$(slave_field Master_Port)" == "$PRIMARY_PORT" ]] || fail "the persisted port is not applied"
ok "a restart applies the persisted CHANGE MASTER TO settings and logs them"

# --- PURGE ----------------------------------------------------------------------------------
expect_error 1373 "$(admin "PURGE BINARY LOGS TO 'mysql-bin.999999'")" "PURGE TO an unknown file"
second="$(admin 'SHOW BINARY LOGS' | awk 'NR == 2 {print $1}')"
out="$(admin "PURGE BINARY LOGS TO '$second'")"
expect_error 1378 "$out" "PURGE while the replica cannot confirm what it executed"
[[ "$out" == *replica* ]] || fail "the PURGE refusal does not give the replica as its reason: $out"
expect_error 1378 "$(admin "PURGE MASTER LOGS BEFORE NOW() + INTERVAL 1 DAY")" "PURGE BEFORE"
[[ "$(admin 'SHOW BINARY LOGS' | head -1 | awk '{print $1}')" == mysql-bin.000001 ]] ||
  fail "a refused PURGE removed files"
ok "PURGE BINARY LOGS refuses unknown files (1373) and files the replica may still need (1378)"

# --- Access control, KILL -------------------------------------------------------------------
expect_error 1045 "$(client repl wrongpw 'SELECT 1')" "a wrong password"
expect_error 1045 "$(client nobody x 'SELECT 1')" "an unknown user"
expect_error 1045 "$(client sidecar_admin replpw 'SELECT 1')" "the admin user with the wrong password"
for statement in 'SHOW SLAVE STATUS' 'START SLAVE' 'STOP SLAVE' "CHANGE MASTER TO MASTER_PORT=1" \
  "PURGE BINARY LOGS TO '$second'" 'SHOW SLAVE HOSTS'; do
  expect_error 1227 "$(repl "$statement")" "the replication user running $statement"
done
[[ "$(slave_field Slave_IO_Running)" == Yes ]] || fail "the replication user's STOP SLAVE stopped the pull"
[[ "$(repl 'SHOW MASTER STATUS' | awk '{print $1}')" == mysql-bin.* ]] ||
  fail "the replication user cannot read SHOW MASTER STATUS"

# A long-lived admin session (through a FIFO); the replication user may not kill it, the admin may.
mkfifo "$WORK_DIR/admin.in"
mariadb --no-defaults -h127.0.0.1 -P"$PORT" -usidecar_admin -padminpw -N -B -n --skip-reconnect \
  <"$WORK_DIR/admin.in" >"$WORK_DIR/admin.out" 2>&1 &
session_pid=$!
harness_add_cleanup "kill $session_pid 2>/dev/null || true"
exec 7>"$WORK_DIR/admin.in"
echo 'SELECT CONNECTION_ID();' >&7
deadline=$((SECONDS + 20))
until [[ -s "$WORK_DIR/admin.out" ]]; do
  ((SECONDS < deadline)) || fail "the admin session printed nothing"
  sleep 0.1
done
victim="$(head -1 "$WORK_DIR/admin.out")"
[[ "$victim" =~ ^[0-9]+$ ]] || fail "CONNECTION_ID() printed '$victim'"
expect_error 1095 "$(repl "KILL $victim")" "the replication user killing the admin's connection"
expect_error 1094 "$(admin "KILL 999999")" "KILL of an unknown connection"
[[ -z "$(admin "KILL $victim")" ]] || fail "the admin could not KILL connection $victim"
echo 'SELECT 12345;' >&7
exec 7>&-
wait "$session_pid" || true
! grep -q '^12345$' "$WORK_DIR/admin.out" || fail "the killed session still answered"
ok "ERROR 1045 for bad credentials, 1227 for the replication user's admin statements, KILL rules"

# --- Unknown statements keep the connection -------------------------------------------------
out="$(printf 'FOO BAR;\nINSERT INTO t VALUES (1);\nSHOW DATABASES;\nSELECT 42;\n' |
  mariadb --no-defaults -h127.0.0.1 -P"$PORT" -urepl -preplpw -N -B --force 2>&1 || true)"
expect_error 1064 "$out" "an unknown statement"
expect_error 1235 "$out" "INSERT"
[[ "$out" == *"SHOW DATABASES"* ]] || fail "the error does not name SHOW DATABASES: $out"
[[ "$(tail -1 <<<"$out")" == 42 ]] || fail "the connection did not answer after the errors: $out"
ok "unknown statements get an ERROR naming them and the connection stays usable"

# --- Hostile clients ------------------------------------------------------------------------
# raw_client MODE: python3 talks raw bytes to the serve port; prints what happened.
raw_client() {
  python3 - "$PORT" "$1" <<'PY'
import socket, struct, sys
port, mode = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port), timeout=10)
def read_packet():
    head = b""
    while len(head) < 4:
        chunk = s.recv(4 - len(head))
        if not chunk:
            return None
        head += chunk
    n = head[0] | head[1] << 8 | head[2] << 16
    body = b""
    while len(body) < n:
        chunk = s.recv(n - len(body))
        if not chunk:
            return None
        body += chunk
    return body
if mode == "close-at-once":
    s.close(); print("closed"); sys.exit(0)
greeting = read_packet()
assert greeting and greeting[0] == 10, greeting
if mode == "close-after-greeting":
    s.close(); print("closed"); sys.exit(0)
if mode == "half-response":
    s.sendall(struct.pack("<I", 200)[:3] + b"\x01" + b"\x85\xa2")  # announces 200, sends 2
    s.close(); print("closed"); sys.exit(0)
if mode == "garbage":
    s.sendall(bytes((i * 53 + 7) % 256 for i in range(4096)))
try:
    answer = read_packet()
except (ConnectionResetError, socket.timeout):
    answer = None
if answer is None:
    print("closed")
elif answer[0] == 0xFF:
    code = answer[1] | answer[2] << 8
    print("ERR %d" % code)
else:
    print("packet 0x%02x" % answer[0])
PY
}
for mode in close-at-once close-after-greeting half-response; do
  [[ "$(raw_client "$mode")" == closed ]] || fail "raw client $mode"
done
out="$(raw_client garbage)"
[[ "$out" == closed || "$out" == "ERR "* ]] || fail "garbage bytes got: $out"
ok "garbage bytes: $out; clients leaving mid-handshake are dropped"

python3 -c "print(\"SELECT '\" + 'a' * (17 << 20) + \"';\")" >"$WORK_DIR/big.sql"
out="$(mariadb --no-defaults -h127.0.0.1 -P"$PORT" -urepl -preplpw --max-allowed-packet=64M \
  -N -B <"$WORK_DIR/big.sql" 2>&1 || true)"
err_line="$(grep -a -o 'ERROR [0-9]* .*' <<<"$out" | head -1 | cut -c1-160 || true)"
# ERROR 1153 when the client reads the server's ERR; 2006/2013 when the close came first.
[[ "$err_line" == "ERROR 1153 "* || "$err_line" == "ERROR 2006 "* || "$err_line" == "ERROR 2013 "* ]] ||
  fail "a 17 MB query got: ${out:0:200}"
ok "a 17 MB packet is refused: $err_line"

kill -0 "$SIDECAR_PID" || fail "the daemon died"
[[ "$(repl 'SELECT 1')" == 1 ]] || fail "the daemon no longer serves after the hostile clients"
[[ "$(admin 'SHOW MASTER STATUS' | awk '{print $1}')" == mysql-bin.* ]] ||
  fail "the admin no longer gets SHOW MASTER STATUS"
ok "the daemon keeps serving others"

sidecar_stop
