#!/usr/bin/env bash
# Integration test: the .deb of the package_build fixture installed on this machine with dpkg,
# used, upgraded, removed, reinstalled and purged; the machine is restored afterwards.
#
#   1. dpkg -i without systemd running: the binlog-sidecar system user and group,
#      /etc/binlog-sidecar 0750 root:binlog-sidecar, sidecar.conf 0640 and a conffile,
#      /var/lib/binlog-sidecar 0750 binlog-sidecar:; /usr/bin/binlog-sidecar --version is the
#      package version; no systemctl call at all.
#   2. The installed example config fails --check-config until its password files exist,
#      then passes, run as the service user; systemd-analyze verify passes on the installed
#      units.
#   3. The installed daemon, run by hand as the service user with the installed config edited
#      for a test primary (a throw-away mariadbd on loopback), pulls until its checkpoint
#      reaches the primary's position, serves that file byte-identical to mariadb-binlog, and
#      exits 0 on SIGTERM.
#   4. Upgrade to a higher version (the same package repacked as VERSION+upgradetest1) with
#      systemd "running": the edited config and /var/lib data are kept; postinst reloads and
#      try-restarts, never enables or starts.
#   5. dpkg -r: units stopped; /var/lib data and the edited conffile kept. dpkg -i again (a
#      reinstall over the kept conffile): the edit is kept.
#   6. dpkg -P: the conffile goes, /var/lib/binlog-sidecar and the password files stay, and
#      purge says so (the documented choice: stored binlogs may be the only copy).
# "systemd running" or not: a private mount namespace (unshare) with /run/systemd an empty
# tmpfs, with or without /run/systemd/system, and a fake systemctl on PATH that records its
# calls. Where namespaces are not permitted, the scripts see this machine's systemd state and
# the expected calls follow it.
#
# Skips (exit 77, SKIP_RETURN_CODE) when not root, without dpkg, when dpkg stays locked by
# another process, or when binlog-sidecar, its user or its directories already exist here
# (they are not this test's to remove). The EXIT trap purges the package and removes the
# user, group and directories it created.
#
# Environment (set by CTest): SIDECAR_SOURCE_DIR, SIDECAR_PACKAGE_DIR, SIDECAR_VERSION.
# shellcheck source-path=SCRIPTDIR/../..
set -euo pipefail

SRC_DIR="${SIDECAR_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
# shellcheck source=tests/integration/package_lib.sh
source "$SRC_DIR/tests/integration/package_lib.sh"
: "${SIDECAR_VERSION:?SIDECAR_VERSION must be the project version}"

readonly PKG=binlog-sidecar SVC_USER=binlog-sidecar
readonly CONFIG_DIR=/etc/binlog-sidecar STATE_DIR=/var/lib/binlog-sidecar
readonly CONFIG="$CONFIG_DIR/sidecar.conf"
readonly DPKG_LOCK_WAIT=120

[[ "$(id -u)" == 0 ]] || skip "not root: installing a package needs root"
command -v dpkg >/dev/null 2>&1 || skip "no dpkg on this machine"
if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -qE 'installed|config-files'; then
  skip "$PKG is already installed here (not this test's to remove)"
fi
for path in "$CONFIG_DIR" "$STATE_DIR"; do
  [[ ! -e "$path" ]] || skip "$path exists already (not this test's to remove)"
done
! getent passwd "$SVC_USER" >/dev/null || skip "the $SVC_USER user exists already"
! getent group "$SVC_USER" >/dev/null || skip "the $SVC_USER group exists already"

# shellcheck source=scripts/lib/mariadb.sh
source "$SRC_DIR/scripts/lib/mariadb.sh"
# shellcheck source=scripts/lib/sidecar.sh
source "$SRC_DIR/scripts/lib/sidecar.sh"
harness_require_cmd sqlite3 setpriv dpkg-deb
DEB="$(package_file "binlog-sidecar_${SIDECAR_VERSION}_*.deb")"

DAEMON_PID=""
# restore_machine: stop the daemon, purge the package, remove what it and this test created.
restore_machine() {
  [[ -z "$DAEMON_PID" ]] || kill -KILL "$DAEMON_PID" 2>/dev/null || true
  if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -qE 'installed|config-files|unpacked'; then
    dpkg_retry env --purge "$PKG" >/dev/null 2>&1 || echo "cleanup: dpkg --purge $PKG failed" >&2
  fi
  rm -rf "$CONFIG_DIR" "$STATE_DIR"
  if getent passwd "$SVC_USER" >/dev/null; then userdel "$SVC_USER" 2>/dev/null || true; fi
  if getent group "$SVC_USER" >/dev/null; then groupdel "$SVC_USER" 2>/dev/null || true; fi
}

# dpkg_retry RUNNER ARGS...: `RUNNER dpkg ARGS` (RUNNER: env, with_systemd or
# without_systemd; stdin closed, so that a conffile prompt fails instead of hanging), retried
# while another process holds dpkg's lock, up to DPKG_LOCK_WAIT seconds; prints dpkg's output;
# exit status 75 when the lock never came free.
export DEBIAN_FRONTEND=noninteractive
dpkg_retry() {
  local runner="$1" deadline=$((SECONDS + DPKG_LOCK_WAIT)) out status
  shift
  while :; do
    status=0
    out="$("$runner" dpkg "$@" </dev/null 2>&1)" || status=$?
    if ((status != 0)) && grep -qiE 'lock (was locked|held)|unable to (lock|acquire)' <<<"$out"; then
      ((SECONDS < deadline)) || return 75
      sleep 3
      continue
    fi
    printf '%s\n' "$out"
    return "$status"
  done
}

# FAKE_BIN holds a systemctl that appends its arguments to $SYSTEMCTL_LOG.
harness_init
harness_add_cleanup restore_machine
FAKE_BIN="$WORK_DIR/fake-bin"
SYSTEMCTL_LOG="$WORK_DIR/systemctl.log"
mkdir -p "$FAKE_BIN"
printf '#!/bin/sh\necho "$*" >>%s\nexit 0\n' "$SYSTEMCTL_LOG" >"$FAKE_BIN/systemctl"
chmod 755 "$FAKE_BIN/systemctl"

# with_systemd CMD... / without_systemd CMD...: CMD with the fake systemctl first on PATH, in a
# private mount namespace where /run/systemd is an empty tmpfs, with (or without)
# /run/systemd/system: what the maintainer scripts test to see whether systemd runs. Where
# namespaces are not permitted (NAMESPACES=0), CMD sees this machine's systemd state.
NAMESPACES=0
if [[ -d /run/systemd ]] && unshare --mount --propagation private true 2>/dev/null; then
  NAMESPACES=1
fi
in_systemd_state() {
  local state="$1"
  shift
  if ((NAMESPACES)); then
    # shellcheck disable=SC2016  # $0 and $@ belong to the inner sh
    unshare --mount --propagation private sh -c 'mount -t tmpfs tmpfs /run/systemd &&
      if [ "$0" = on ]; then mkdir /run/systemd/system; fi && exec "$@"' "$state" \
      env PATH="$FAKE_BIN:$PATH" "$@"
  else
    env PATH="$FAKE_BIN:$PATH" "$@"
  fi
}
with_systemd() { in_systemd_state on "$@"; }
without_systemd() { in_systemd_state off "$@"; }
# sees_systemd on|off: whether in_systemd_state STATE makes systemd look running.
sees_systemd() {
  if ((NAMESPACES)); then [[ "$1" == on ]]; else [[ -d /run/systemd/system ]]; fi
}
((NAMESPACES)) || echo "note: unshare --mount not permitted; the scripts see this machine's systemd"

# expect_systemctl STATE WHAT CALL...: the fake systemctl's calls since the last check hold
# each CALL when systemd looked running (STATE), none otherwise; never enable or start.
expect_systemctl() {
  local state="$1" what="$2" calls call
  shift 2
  calls="$(systemctl_calls)"
  if sees_systemd "$state"; then
    for call in "$@"; do assert_contains "$calls" "$call" "systemctl calls of $what"; done
  else
    [[ -z "$calls" ]] || fail "$what called systemctl although systemd does not run: $calls"
  fi
  assert_lacks "$calls" '(^|[[:space:]])(enable|start|restart|reenable|--now)([[:space:]]|$)' \
    "systemctl calls of $what"
  echo "${calls//$'\n'/; }"
}

# systemctl_calls: the fake systemctl's calls since the last one, then forget them.
systemctl_calls() {
  cat "$SYSTEMCTL_LOG" 2>/dev/null || true
  rm -f "$SYSTEMCTL_LOG"
}

# conf_set SECTION KEY VALUE: in $CONFIG's [SECTION], replace the first `KEY = ...` line,
# commented out or not, by `KEY = VALUE`.
conf_set() {
  awk -v section="[$1]" -v key="$2" -v value="$3" '
    /^\[/ { in_section = ($0 == section) }
    in_section && !done && $0 ~ "^#? *" key " *=" { print key " = " value; done = 1; next }
    { print }
    END { if (!done) exit 1 }' "$CONFIG" >"$WORK_DIR/conf.new" || fail "no $1.$2 in $CONFIG"
  cat "$WORK_DIR/conf.new" >"$CONFIG"
}

# --- 1. install ---
out="$(dpkg_retry without_systemd --install "$DEB")" || {
  [[ $? == 75 ]] && skip "dpkg stayed locked by another process for ${DPKG_LOCK_WAIT}s"
  fail "dpkg --install failed: $out"
}
calls="$(expect_systemctl off install "--system daemon-reload")"
[[ "$(dpkg-query -W -f='${Status} ${Version}' "$PKG")" == "install ok installed $SIDECAR_VERSION" ]] ||
  fail "dpkg does not report $PKG $SIDECAR_VERSION installed"
ok "dpkg --install $(basename "$DEB") without systemd; systemctl calls: '$calls'"

IFS=: read -r _ _ uid gid _ home shell < <(getent passwd "$SVC_USER") ||
  fail "postinst created no $SVC_USER user"
[[ "$(getent group "$SVC_USER" | cut -d: -f3)" == "$gid" ]] ||
  fail "the $SVC_USER user's primary group is not the $SVC_USER group"
((uid < 1000)) || fail "$SVC_USER is not a system user (uid $uid)"
[[ "$home" == "$STATE_DIR" && "$shell" == /usr/sbin/nologin ]] ||
  fail "$SVC_USER has home '$home' and shell '$shell'"
ok "system user and group $SVC_USER (uid $uid), home $STATE_DIR, no login"

assert_stat "$CONFIG_DIR" 750 root "$SVC_USER"
assert_stat "$CONFIG" 640 root "$SVC_USER"
assert_stat "$STATE_DIR" 750 "$SVC_USER" "$SVC_USER"
assert_stat /usr/bin/binlog-sidecar 755 root root
for unit in binlog-sidecar.service binlog-sidecar@.service; do
  assert_stat "/lib/systemd/system/$unit" 644 root root
done
assert_contains "$(dpkg-query -W -f='${Conffiles}' "$PKG")" "$CONFIG " "dpkg conffiles"
ok "files, owners and modes; $CONFIG is a conffile"

[[ "$(/usr/bin/binlog-sidecar --version)" == "binlog-sidecar $SIDECAR_VERSION" ]] ||
  fail "/usr/bin/binlog-sidecar --version is not $SIDECAR_VERSION"
ok "/usr/bin/binlog-sidecar --version: $SIDECAR_VERSION"

# --- 2. the example config, the units ---
as_service_user() {
  setpriv --reuid="$SVC_USER" --regid="$SVC_USER" --init-groups -- "$@"
}
if out="$(as_service_user /usr/bin/binlog-sidecar --config "$CONFIG" --check-config 2>&1)"; then
  fail "the example config passes --check-config without its password files"
fi
assert_contains "$out" "$CONFIG_DIR/upstream.password" "--check-config without password files"
for account in upstream serve admin replica; do
  install -m 0640 -o root -g "$SVC_USER" /dev/null "$CONFIG_DIR/$account.password"
  echo "${account}pw" >"$CONFIG_DIR/$account.password"
done
echo replpw >"$CONFIG_DIR/upstream.password"
out="$(as_service_user /usr/bin/binlog-sidecar --config "$CONFIG" --check-config 2>&1)" ||
  fail "the example config fails --check-config with its password files: $out"
assert_contains "$out" "configuration OK" "--check-config"
ok "example config: refused without password files, OK with them (as $SVC_USER)"

if command -v systemd-analyze >/dev/null 2>&1; then
  systemd-analyze verify --man=no binlog-sidecar.service binlog-sidecar@replica1.service ||
    fail "systemd-analyze verify fails on the installed units"
  ok "systemd-analyze verify: installed binlog-sidecar.service, binlog-sidecar@replica1.service"
else
  echo "note: systemd-analyze not installed; installed units not verified"
fi

# --- 3. the installed daemon pulls from a test primary ---
primary_port="$(free_port)"
mariadb_start primary "$primary_port" 1 --binlog-checksum=CRC32 || fail "primary did not start"
mariadb_sql primary "CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'replpw';
  GRANT REPLICATION SLAVE, REPLICATION CLIENT, BINLOG MONITOR ON *.* TO 'repl'@'127.0.0.1';
  CREATE DATABASE t; CREATE TABLE t.k (id INT PRIMARY KEY AUTO_INCREMENT, v VARCHAR(100));
  INSERT INTO t.k (v) VALUES ('one'), ('two'), ('three')" || fail "primary setup failed"
conf_set upstream host 127.0.0.1
conf_set upstream port "$primary_port"
conf_set upstream ssl off
serve_port="$(free_port)"
conf_set serve port "$serve_port"
conf_set http port "$(free_port)"
# setpriv itself in the background (not a function: that would fork a subshell), so that
# $! is the daemon's PID once setpriv execs it.
setpriv --reuid="$SVC_USER" --regid="$SVC_USER" --init-groups -- \
  /usr/bin/binlog-sidecar --config "$CONFIG" </dev/null >"$WORK_DIR/daemon.log" 2>&1 &
DAEMON_PID=$!
want="$(mariadb_sql primary "SHOW MASTER STATUS" | awk '{print $1" "$2}')"
deadline=$((SECONDS + 60))
got=""
while ((SECONDS < deadline)) && [[ "$got" != "$want" ]] && proc_alive "$DAEMON_PID"; do
  sleep 0.2
  got="$(sidecar_checkpoint_of "$STATE_DIR")"
done
[[ "$got" == "$want" ]] ||
  fail "the installed daemon's checkpoint is '$got', the primary is at '$want': $(tail -n 20 "$WORK_DIR/daemon.log")"
# ... and serves: the primary's file as mariadb-binlog fetches it from serve.port (the example
# config's serve user) equals the primary's own bytes (the FDE's in-use flag byte aside).
first_file="${want%% *}"
mkdir -p "$WORK_DIR/served"
mariadb-binlog --no-defaults --read-from-remote-server --raw -h127.0.0.1 -P"$serve_port" -urepl \
  -pservepw --result-file="$WORK_DIR/served/" "$first_file" >"$WORK_DIR/served.log" 2>&1 ||
  fail "mariadb-binlog from the installed daemon's serve port failed: $(tail -n 3 "$WORK_DIR/served.log")"
for copy in "$WORK_DIR/served/$first_file" "$(mariadb_datadir primary)/$first_file"; do
  head -c "${want##* }" "$copy" >"$copy.cmp"
  printf '\x00' | dd of="$copy.cmp" bs=1 seek=21 conv=notrunc status=none
done
cmp -s "$WORK_DIR/served/$first_file.cmp" "$(mariadb_datadir primary)/$first_file.cmp" ||
  fail "the installed daemon served $first_file differently from the primary's file"
kill -TERM "$DAEMON_PID"
status=0
wait "$DAEMON_PID" || status=$?
DAEMON_PID=""
((status == 0)) || fail "the installed daemon exited $status after SIGTERM"
[[ "$(stat -c %U "$STATE_DIR/state.db")" == "$SVC_USER" ]] || fail "state.db is not the service user's"
ok "installed daemon as $SVC_USER with the edited config pulled to $want and served it; SIGTERM exit 0"

marker="$STATE_DIR/marker-$$"
echo "keep me" >"$marker"
edited_config="$(cat "$CONFIG")"

# --- 4. upgrade ---
upgrade_version="${SIDECAR_VERSION}+upgradetest1"
dpkg-deb -R "$DEB" "$WORK_DIR/upgrade"
sed -i "s/^Version: .*/Version: $upgrade_version/" "$WORK_DIR/upgrade/DEBIAN/control"
dpkg-deb --root-owner-group -b "$WORK_DIR/upgrade" "$WORK_DIR/upgrade.deb" >/dev/null
out="$(dpkg_retry with_systemd --install "$WORK_DIR/upgrade.deb")" ||
  fail "dpkg --install (upgrade) failed: $out"
[[ "$(dpkg-query -W -f='${Version}' "$PKG")" == "$upgrade_version" ]] || fail "not upgraded"
[[ "$(cat "$CONFIG")" == "$edited_config" ]] || fail "the upgrade lost the config edits"
[[ -f "$marker" && -f "$STATE_DIR/state.db" ]] || fail "the upgrade lost /var/lib data"
assert_stat "$CONFIG_DIR" 750 root "$SVC_USER"
calls="$(expect_systemctl on upgrade "--system daemon-reload" \
  "try-restart binlog-sidecar.service binlog-sidecar@*.service")"
ok "upgrade to $upgrade_version with systemd keeps the edited config and /var/lib data; systemctl calls: '$calls'"

# --- 5. remove, reinstall ---
out="$(dpkg_retry with_systemd --remove "$PKG")" || fail "dpkg --remove failed: $out"
calls="$(expect_systemctl on remove "stop binlog-sidecar.service binlog-sidecar@*.service" \
  "--system daemon-reload")"
[[ ! -e /usr/bin/binlog-sidecar ]] || fail "dpkg --remove left /usr/bin/binlog-sidecar"
[[ -f "$marker" && -f "$STATE_DIR/state.db" ]] || fail "dpkg --remove deleted /var/lib data"
[[ "$(cat "$CONFIG")" == "$edited_config" ]] || fail "dpkg --remove changed the conffile"
ok "dpkg --remove: /var/lib data and the edited conffile kept; systemctl calls: '$calls'"

out="$(dpkg_retry without_systemd --install "$DEB")" || fail "dpkg --install (again) failed: $out"
expect_systemctl off reinstall "--system daemon-reload" >/dev/null
[[ "$(cat "$CONFIG")" == "$edited_config" ]] || fail "the reinstall lost the config edits"
[[ -f "$marker" ]] || fail "the reinstall lost /var/lib data"
assert_stat "$STATE_DIR" 750 "$SVC_USER" "$SVC_USER"
ok "reinstall keeps the edited conffile and /var/lib data"

# --- 6. purge ---
out="$(dpkg_retry with_systemd --purge "$PKG")" || fail "dpkg --purge failed: $out"
expect_systemctl on purge "--system daemon-reload" >/dev/null
assert_contains "$out" "purge keeps $STATE_DIR" "dpkg --purge output"
assert_contains "$out" "purge keeps the files you added in $CONFIG_DIR" "dpkg --purge output"
[[ ! -e "$CONFIG" ]] || fail "dpkg --purge left the conffile"
[[ -f "$marker" && -f "$STATE_DIR/state.db" ]] || fail "dpkg --purge deleted /var/lib data"
[[ -f "$CONFIG_DIR/upstream.password" ]] || fail "dpkg --purge deleted the password files"
! dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -qE 'installed|config-files' ||
  fail "dpkg still lists $PKG after purge"
ok "dpkg --purge removes the conffile, keeps /var/lib data and password files, and says so"
