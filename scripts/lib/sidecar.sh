# shellcheck shell=bash
# Helpers about a running binlog-sidecar, sourced by the demo and the integration tests.

# sidecar_checkpoint_of DATA_DIR: print "FILE POSITION" of the store's durable checkpoint, or
# nothing before the first one (read-only: never blocks or changes the daemon's state.db).
sidecar_checkpoint_of() {
  sqlite3 -readonly -separator ' ' "file:$1/state.db?mode=ro" \
    "SELECT file_name, position FROM checkpoint" 2>/dev/null || true
}
