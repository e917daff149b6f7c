# shellcheck shell=bash
# Helpers shared by the pull_*_test.sh integration tests (sourced after scripts/lib/mariadb.sh
# and harness_init): a primary with a replication account, a sidecar configured to pull from
# it, waiting for its checkpoint, and comparing its files with the primary's.
#
# Layout under $WORK_DIR/sidecar/: sidecar.conf, *.password (mode 600), data/ (data_dir),
# sidecar.log (stderr of every run, appended), sidecar.pid.

# shellcheck source=scripts/lib/sidecar.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/sidecar.sh"

# fail MESSAGE...: report a failed assertion and exit 1.
fail() {
  printf 'FAIL: %s\n' "$*" >&2
  if [[ -f "$WORK_DIR/sidecar/sidecar.log" ]]; then
    printf -- '--- sidecar.log (tail):\n' >&2
    tail -n 30 "$WORK_DIR/sidecar/sidecar.log" >&2
  fi
  exit 1
}

ok() { printf 'ok - %s\n' "$*"; }

# pull_primary_start PORT [MARIADBD_ARGS...]: start the primary "primary" (server_id 1) and
# create the replication account repl/replpw.
pull_primary_start() {
  local port="$1"
  shift
  mariadb_start primary "$port" 1 --binlog-checksum=CRC32 "$@" || fail "primary did not start"
  mariadb_sql primary "CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'replpw';
    GRANT REPLICATION SLAVE, REPLICATION CLIENT, BINLOG MONITOR ON *.* TO 'repl'@'127.0.0.1';
    CREATE DATABASE t; CREATE TABLE t.k (id INT PRIMARY KEY AUTO_INCREMENT, v VARCHAR(200))" ||
    fail "primary setup failed"
}

# sidecar_configure PRIMARY_PORT [SECTION.KEY=VALUE...]: write sidecar.conf (extra keys are
# appended as --set arguments by sidecar_start, kept in $SIDECAR_SETS).
sidecar_configure() {
  local port="$1"
  shift
  sidecar_write_config "$WORK_DIR/sidecar" "$port" replpw
  SIDECAR_SETS=()
  local kv
  for kv in "$@"; do SIDECAR_SETS+=(--set "$kv"); done
}

# sidecar_start: start the daemon in the background (its PID in $SIDECAR_PID).
sidecar_start() {
  local dir="$WORK_DIR/sidecar"
  "$SIDECAR_BIN" --config "$dir/sidecar.conf" "${SIDECAR_SETS[@]}" \
    </dev/null >>"$dir/sidecar.log" 2>&1 &
  SIDECAR_PID=$!
  echo "$SIDECAR_PID" >"$dir/sidecar.pid"
  harness_add_cleanup "kill -KILL $SIDECAR_PID 2>/dev/null || true"
}

# sidecar_stop: SIGTERM and expect exit status 0.
sidecar_stop() {
  kill -TERM "$SIDECAR_PID"
  local rc=0
  wait "$SIDECAR_PID" || rc=$?
  [[ "$rc" == 0 ]] || fail "the sidecar exited $rc after SIGTERM"
}

# sidecar_kill9: SIGKILL the daemon and reap it.
sidecar_kill9() {
  kill -KILL "$SIDECAR_PID" 2>/dev/null || true
  wait "$SIDECAR_PID" 2>/dev/null || true
}

# sidecar_checkpoint: print "FILE POSITION" of the durable checkpoint ("" before the first).
sidecar_checkpoint() {
  sidecar_checkpoint_of "$WORK_DIR/sidecar/data"
}

# sidecar_wait_caught_up [TIMEOUT_S]: wait until the checkpoint equals the primary's
# SHOW MASTER STATUS (file and position).
sidecar_wait_caught_up() {
  local timeout="${1:-60}" deadline want got
  deadline=$((SECONDS + timeout))
  want="$(mariadb_sql primary "SHOW MASTER STATUS" | awk '{print $1" "$2}')"
  while ((SECONDS < deadline)); do
    got="$(sidecar_checkpoint)"
    [[ "$got" == "$want" ]] && return 0
    sleep 0.2
  done
  fail "the sidecar's checkpoint is '$got', the primary is at '$want' after ${timeout}s"
}

# masked COPY SRC: copy SRC to COPY with the FDE's in-use flag byte (offset 4+17) cleared.
_masked() {
  cp "$2" "$1"
  printf '\x00' | dd of="$1" bs=1 seek=21 conv=notrunc status=none
}

# sidecar_compare_files: every stored file equals the primary's file of the same name (the
# in-use flag aside; for the primary's active file, the stored prefix), check-binlog is ok on
# them, and the store holds every file of the primary from its first stored one on.
sidecar_compare_files() {
  local stored="$WORK_DIR/sidecar/data/binlog" f name primary_file n=0 a b size
  local tmp="$WORK_DIR/cmp"
  mkdir -p "$tmp"
  for f in "$stored"/mysql-bin.[0-9]*; do
    [[ -f "$f" ]] || continue
    name="$(basename "$f")"
    primary_file="$(mariadb_datadir primary)/$name"
    [[ -f "$primary_file" ]] || fail "stored $name does not exist on the primary"
    a="$tmp/a" b="$tmp/b"
    _masked "$a" "$f"
    _masked "$b" "$primary_file"
    size="$(stat -c %s "$a")"
    [[ "$size" -le "$(stat -c %s "$b")" ]] || fail "stored $name is longer than the primary's"
    truncate -s "$size" "$b"
    cmp -s "$a" "$b" || fail "stored $name differs from the primary's: $(cmp "$a" "$b" | head -1)"
    n=$((n + 1))
  done
  ((n > 0)) || fail "the store holds no file"
  local out
  out="$("$SIDECAR_BIN" check-binlog "$stored"/mysql-bin.[0-9]* 2>&1)" ||
    fail "check-binlog found damage in the stored files: $out"
  echo "$n"
}
