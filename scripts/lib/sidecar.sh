# shellcheck shell=bash
# Helpers about a running binlog-sidecar, sourced by the demo and the integration tests.

# sidecar_checkpoint_of DATA_DIR: print "FILE POSITION" of the store's durable checkpoint, or
# nothing before the first one (read-only: never blocks or changes the daemon's state.db).
sidecar_checkpoint_of() {
  sqlite3 -readonly -separator ' ' "file:$1/state.db?mode=ro" \
    "SELECT file_name, position FROM checkpoint" 2>/dev/null || true
}

# sidecar_write_config DIR PRIMARY_PORT REPL_PASSWORD: write DIR/sidecar.conf for a sidecar that
# pulls from 127.0.0.1:PRIMARY_PORT as `repl` (password in DIR/repl.password, mode 600), stores
# in DIR/data, and listens on free loopback ports. Needs free_port (scripts/lib/mariadb.sh).
sidecar_write_config() {
  local dir="$1" port="$2" password="$3"
  mkdir -p "$dir/data"
  printf '%s\n' "$password" >"$dir/repl.password"
  chmod 600 "$dir/repl.password"
  cat >"$dir/sidecar.conf" <<CONF
[upstream]
host = 127.0.0.1
port = $port
user = repl
password_file = $dir/repl.password
server_id = 4001
heartbeat_period = 1s
ssl = off

[storage]
data_dir = $dir/data

[serve]
port = $(free_port)
user = repl
password_file = $dir/repl.password

[replica]
socket = $dir/replica.sock
user = monitor
password_file = $dir/repl.password

[http]
port = $(free_port)
CONF
}
