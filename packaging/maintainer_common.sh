# --- maintainer_common.sh (packaging/): pasted into every deb and rpm maintainer script ---
# POSIX sh, idempotent: safe to run on every install, upgrade and reinstall. Nothing here
# starts, stops or enables a service.
SIDECAR_USER=binlog-sidecar
SIDECAR_CONFIG_DIR=/etc/binlog-sidecar
SIDECAR_STATE_DIR=/var/lib/binlog-sidecar

# sidecar_create_user NOLOGIN_SHELL: the binlog-sidecar system group and user, unless they
# exist (an administrator may have created them with other ids: kept as they are).
sidecar_create_user() {
  if ! getent group "$SIDECAR_USER" >/dev/null; then
    groupadd --system "$SIDECAR_USER"
  fi
  if ! getent passwd "$SIDECAR_USER" >/dev/null; then
    useradd --system --gid "$SIDECAR_USER" --home-dir "$SIDECAR_STATE_DIR" --no-create-home \
      --shell "$1" --comment "binlog-sidecar daemon" "$SIDECAR_USER"
  fi
}

# sidecar_set_modes: /etc/binlog-sidecar 0750 root:binlog-sidecar (the service reads its config
# and password files, nobody else does), sidecar.conf 0640 root:binlog-sidecar,
# /var/lib/binlog-sidecar 0750 binlog-sidecar:binlog-sidecar (not recursive: the data inside
# is the daemon's). A path under dpkg-statoverride is left to the administrator.
sidecar_set_modes() {
  sidecar_set_mode root "$SIDECAR_USER" 0750 "$SIDECAR_CONFIG_DIR"
  sidecar_set_mode root "$SIDECAR_USER" 0640 "$SIDECAR_CONFIG_DIR/sidecar.conf"
  sidecar_set_mode "$SIDECAR_USER" "$SIDECAR_USER" 0750 "$SIDECAR_STATE_DIR"
}

# sidecar_set_mode OWNER GROUP MODE PATH
sidecar_set_mode() {
  [ -e "$4" ] || return 0
  if command -v dpkg-statoverride >/dev/null 2>&1 &&
    dpkg-statoverride --list "$4" >/dev/null 2>&1; then
    return 0
  fi
  chown "$1:$2" "$4"
  chmod "$3" "$4"
}

# sidecar_systemd_running: true when systemd is PID 1 (not in a chroot, container build, ...).
sidecar_systemd_running() {
  [ -d /run/systemd/system ]
}

# sidecar_daemon_reload: make systemd see the installed or removed units, when it runs.
sidecar_daemon_reload() {
  if sidecar_systemd_running; then
    systemctl --system daemon-reload >/dev/null 2>&1 || true
  fi
}

# sidecar_systemctl VERB: VERB (stop, try-restart) the single-instance unit and every loaded
# instance of the template (a pattern systemctl matches), when systemd runs. try-restart
# restarts only units that run: never starts one.
sidecar_systemctl() {
  if sidecar_systemd_running; then
    systemctl "$1" binlog-sidecar.service 'binlog-sidecar@*.service' >/dev/null 2>&1 || true
  fi
}
# --- end of maintainer_common.sh ---
