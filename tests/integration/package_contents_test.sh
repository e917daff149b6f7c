#!/usr/bin/env bash
# Integration test: the packages built by the package_build fixture hold what SPEC.md §8 and
# issue #8 ask, asserted without installing anything on this machine.
#
# .deb (dpkg-deb): name, version (= the binary's --version = the project version), computed
#   shared-library dependencies, the exact file list with modes, sidecar.conf as conffile,
#   maintainer scripts present, valid sh, creating the user and never enabling or starting a
#   unit nor deleting /var/lib; the Debian changelog parses with the version; the man page
#   renders without warnings; lintian --pedantic is clean (with packaging/deb/lintian-overrides).
# units: `systemd-analyze verify` passes (ExecStart pointed at the extracted binary) and
#   `systemd-analyze security --offline` rates both units OK or better.
# .rpm (rpm -qp): name, version, licence, file list, %config(noreplace), owners and modes from
#   %attr, autoreq'd library requirements, the four scriptlets (sh -n; %pre creates the user);
#   installed with `rpm --root` into a temporary root (no scriptlets): erase keeps
#   /var/lib/binlog-sidecar data and saves the edited config as .rpmsave.
# .tgz: the file list.
#
# Environment (set by CTest): SIDECAR_SOURCE_DIR, SIDECAR_PACKAGE_DIR, SIDECAR_VERSION.
set -euo pipefail

SRC_DIR="${SIDECAR_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
# shellcheck source=tests/integration/package_lib.sh
source "$SRC_DIR/tests/integration/package_lib.sh"
: "${SIDECAR_VERSION:?SIDECAR_VERSION must be the project version}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/binlog-sidecar-pkg.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

DEB="$(package_file "binlog-sidecar_${SIDECAR_VERSION}_*.deb")"
RPM="$(package_file "binlog-sidecar-${SIDECAR_VERSION}-1.*.rpm")"
TGZ="$(package_file "binlog-sidecar-${SIDECAR_VERSION}-*.tar.gz")"

# Files (not directories) every package ships, whatever the format.
COMMON_FILES="/etc/binlog-sidecar/sidecar.conf
/usr/bin/binlog-sidecar
/usr/share/doc/binlog-sidecar/CHANGELOG.md
/usr/share/doc/binlog-sidecar/README.md
/usr/share/doc/binlog-sidecar/changelog.gz
/usr/share/man/man8/binlog-sidecar.8.gz"

# expect_files WHAT ACTUAL EXTRA...: ACTUAL (one path a line) is COMMON_FILES plus EXTRA.
expect_files() {
  local what="$1" actual="$2" expected
  shift 2
  expected="$(printf '%s\n' "$COMMON_FILES" "$@" | sort)"
  [[ "$(sort <<<"$actual")" == "$expected" ]] ||
    fail "$what files differ from the expected list: $(diff <(echo "$expected") <(sort <<<"$actual") | grep '^[<>]' | tr '\n' ' ')"
}

# check_scripts WHAT DIR: the maintainer scripts in DIR are valid sh, never enable, start or
# restart a unit (try-restart restarts only running units), and never delete /var/lib data.
check_scripts() {
  local what="$1" dir="$2" script code
  for script in "$dir"/*; do
    sh -n "$script" || fail "$what $(basename "$script") is not valid sh"
    code="$(grep -v '^[[:space:]]*#' "$script")"
    assert_lacks "$code" '(^|[[:space:]])(enable|start|restart|--now)([[:space:]"]|$)' \
      "$what $(basename "$script") enables or starts a unit"
    assert_lacks "$code" '^[[:space:]]*rm .*(SIDECAR_STATE_DIR|/var/lib)' \
      "$what $(basename "$script") deletes the state directory"
  done
}

check_deb_control() {
  local field
  [[ "$(dpkg-deb -f "$DEB" Package)" == binlog-sidecar ]] || fail "deb Package field"
  [[ "$(dpkg-deb -f "$DEB" Version)" == "$SIDECAR_VERSION" ]] || fail "deb Version field"
  [[ "$(dpkg-deb -f "$DEB" Architecture)" == "$(dpkg --print-architecture)" ]] ||
    fail "deb Architecture field"
  for field in Maintainer Description Section Priority; do
    [[ -n "$(dpkg-deb -f "$DEB" "$field")" ]] || fail "deb has no $field field"
  done
  local depends
  depends="$(dpkg-deb -f "$DEB" Depends)"
  # Computed by dpkg-shlibdeps from the binary's libraries, with versions.
  for field in 'libc6 (>= ' 'libpocofoundation' 'libpocojson' 'libssl3' 'libsqlite3-0' \
    'libfmt' 'zlib1g' 'libstdc++6' 'passwd'; do
    assert_contains "$depends" "$field" "deb Depends"
  done
  ok "deb control: binlog-sidecar $SIDECAR_VERSION, Depends: $depends"

  [[ "$(dpkg-deb --info "$DEB" conffiles)" == /etc/binlog-sidecar/sidecar.conf ]] ||
    fail "deb conffiles is not exactly /etc/binlog-sidecar/sidecar.conf"
  ok "deb conffiles: /etc/binlog-sidecar/sidecar.conf"

  local info
  info="$(dpkg-deb -I "$DEB")"
  mkdir -p "$WORK/deb-control"
  dpkg-deb -e "$DEB" "$WORK/deb-control"
  for field in postinst prerm postrm; do
    grep -Eq "^ +[0-9]+ bytes, +[0-9]+ lines +\* +$field +#!/bin/sh" <<<"$info" ||
      fail "deb $field missing, not executable or not #!/bin/sh"
  done
  rm -f "$WORK/deb-control/"{control,md5sums,conffiles}
  check_scripts deb "$WORK/deb-control"
  grep -q 'useradd --system' "$WORK/deb-control/postinst" || fail "deb postinst creates no user"
  grep -q 'sidecar_systemctl stop' "$WORK/deb-control/prerm" || fail "deb prerm stops no unit"
  ok "deb maintainer scripts: postinst, prerm, postrm (valid sh; no enable/start; keep data)"
}

check_deb_files() {
  local listing files
  listing="$(dpkg-deb -c "$DEB")"
  files="$(awk '$1 !~ /^d/ {sub(/^\./, "", $6); print $6}' <<<"$listing")"
  expect_files deb "$files" /lib/systemd/system/binlog-sidecar.service \
    /lib/systemd/system/binlog-sidecar@.service /usr/share/doc/binlog-sidecar/copyright \
    /usr/share/lintian/overrides/binlog-sidecar
  grep -Eq '^drwxr-xr-x .* \./var/lib/binlog-sidecar/$' <<<"$listing" ||
    fail "deb lacks the directory /var/lib/binlog-sidecar"
  grep -Eq '^-rwxr-xr-x root/root .* \./usr/bin/binlog-sidecar$' <<<"$listing" ||
    fail "deb: /usr/bin/binlog-sidecar is not 0755 root"
  grep -Eq '^-rw-r----- root/root .* \./etc/binlog-sidecar/sidecar.conf$' <<<"$listing" ||
    fail "deb: sidecar.conf is not 0640"
  ok "deb files: $(wc -l <<<"$files") files at the expected paths and modes"

  local root="$WORK/deb-root"
  dpkg-deb -x "$DEB" "$root"
  [[ "$("$root/usr/bin/binlog-sidecar" --version)" == "binlog-sidecar $SIDECAR_VERSION" ]] ||
    fail "the packaged binary's --version is not $SIDECAR_VERSION"
  ok "deb binary: --version prints binlog-sidecar $SIDECAR_VERSION"
  cmp -s "$root/etc/binlog-sidecar/sidecar.conf" "$SRC_DIR/packaging/sidecar.conf.example" ||
    fail "deb sidecar.conf is not packaging/sidecar.conf.example"

  zcat "$root/usr/share/doc/binlog-sidecar/changelog.gz" >"$WORK/changelog"
  [[ "$(dpkg-parsechangelog -l "$WORK/changelog" -S Version)" == "$SIDECAR_VERSION" ]] ||
    fail "the Debian changelog's version is not $SIDECAR_VERSION"
  ok "deb changelog.gz: a Debian changelog for $SIDECAR_VERSION"

  local warnings
  warnings="$(zcat "$root/usr/share/man/man8/binlog-sidecar.8.gz" |
    LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z 2>&1)"
  [[ -z "$warnings" ]] || fail "the man page renders with warnings: $warnings"
  zcat "$root/usr/share/man/man8/binlog-sidecar.8.gz" | grep -q '^\.TH BINLOG-SIDECAR 8 ' ||
    fail "the man page has no .TH BINLOG-SIDECAR 8 header"
  ok "deb man page: binlog-sidecar(8) renders without warnings"
}

check_units() {
  if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "note: systemd-analyze not installed; units not verified"
    return 0
  fi
  local root="$WORK/deb-root" units="$WORK/units" unit exposure
  mkdir -p "$units"
  # The units as installed, with ExecStart naming the extracted binary (verify checks that
  # it exists); the template as an instance.
  sed "s|/usr/bin/binlog-sidecar|$root/usr/bin/binlog-sidecar|" \
    "$root/lib/systemd/system/binlog-sidecar.service" >"$units/binlog-sidecar.service"
  sed "s|/usr/bin/binlog-sidecar|$root/usr/bin/binlog-sidecar|" \
    "$root/lib/systemd/system/binlog-sidecar@.service" >"$units/binlog-sidecar@replica1.service"
  for unit in binlog-sidecar.service binlog-sidecar@replica1.service; do
    systemd-analyze verify --man=no "$units/$unit" ||
      fail "systemd-analyze verify $unit failed"
    exposure="$(unit_exposure "$units/$unit")"
    [[ "$exposure" =~ ^[0-9.]+\ (OK|SAFE|PERFECT)$ ]] ||
      fail "systemd-analyze security rates $unit '$exposure', not OK or better"
    grep -qx 'Type=notify' "$units/$unit" || fail "$unit is not Type=notify"
    ok "unit $unit: verify passes, security exposure $exposure"
  done
  grep -qx 'ExecStart=/usr/bin/binlog-sidecar --config /etc/binlog-sidecar/%i.conf' \
    "$root/lib/systemd/system/binlog-sidecar@.service" || fail "the template's config is not %i.conf"
  grep -qx 'StateDirectory=binlog-sidecar/%i' "$root/lib/systemd/system/binlog-sidecar@.service" ||
    fail "the template's state directory is not binlog-sidecar/%i"
}

check_lintian() {
  if ! command -v lintian >/dev/null 2>&1; then
    echo "note: lintian not installed; the deb was not linted"
    return 0
  fi
  local out status=0
  out="$(lintian --pedantic --fail-on error,warning,info,pedantic "$DEB" 2>&1)" || status=$?
  out="$(grep -v '^running with root privileges' <<<"$out" || true)"
  [[ "$status" == 0 && -z "$out" ]] || fail "lintian (exit $status) reports: $out"
  ok "lintian --pedantic: clean (overrides: packaging/deb/lintian-overrides)"
}

check_rpm() {
  local q
  q="$(rpm -qp --nosignature --queryformat '%{NAME} %{VERSION} %{LICENSE}' "$RPM")"
  [[ "$q" == "binlog-sidecar $SIDECAR_VERSION GPL-2.0-only" ]] || fail "rpm header: $q"
  assert_contains "$(rpm -qp --nosignature --queryformat '%{DESCRIPTION}' "$RPM")" \
    "binlog-sidecar runs beside a MySQL or MariaDB replica" "rpm description"
  assert_contains "$(rpm -qp --nosignature --changelog "$RPM")" "- $SIDECAR_VERSION-1" \
    "rpm %changelog"

  local files
  files="$(rpm -qp --nosignature --queryformat '[%{FILEMODES:perms} %{FILENAMES}\n]' "$RPM" |
    awk '$1 !~ /^[dl]/ {print $2}')"
  expect_files rpm "$files" /usr/lib/systemd/system/binlog-sidecar.service \
    /usr/lib/systemd/system/binlog-sidecar@.service /usr/share/doc/binlog-sidecar/LICENSE
  local attrs
  attrs="$(rpm -qp --nosignature \
    --queryformat '[%{FILEMODES:perms} %{FILEUSERNAME} %{FILEGROUPNAME} %{FILEFLAGS:fflags} %{FILENAMES}\n]' \
    "$RPM")"
  assert_contains "$attrs" "drwxr-x--- root binlog-sidecar  /etc/binlog-sidecar" "rpm %attr"
  assert_contains "$attrs" "-rw-r----- root binlog-sidecar cn /etc/binlog-sidecar/sidecar.conf" \
    "rpm %config(noreplace)"
  assert_contains "$attrs" \
    "drwxr-x--- binlog-sidecar binlog-sidecar  /var/lib/binlog-sidecar" "rpm %attr"
  assert_lacks "$attrs" ' (/etc|/var|/var/lib|/usr|/usr/lib|/usr/lib/systemd|/usr/lib/systemd/system|/usr/share/man)$' \
    "rpm claims a system directory"
  ok "rpm files: $(wc -l <<<"$files") files; sidecar.conf %config(noreplace); owners and modes"

  local requires
  requires="$(rpm -qp --nosignature --requires "$RPM")"
  for q in 'libPocoFoundation.so.' 'libPocoJSON.so.' 'libssl.so.3' 'libsqlite3.so.0' \
    'libc.so.6' 'shadow-utils'; do
    assert_contains "$requires" "$q" "rpm Requires"
  done
  ok "rpm requires: libraries from autoreq, shadow-utils for %pre"

  local scriptlets="$WORK/rpm-scripts" tag
  mkdir -p "$scriptlets"
  assert_contains "$(rpm -qp --nosignature --scripts "$RPM")" 'preinstall scriptlet' "rpm --scripts"
  for tag in PREIN POSTIN PREUN POSTUN; do
    rpm -qp --nosignature --queryformat "%{$tag}" "$RPM" >"$scriptlets/$tag"
    [[ -s "$scriptlets/$tag" ]] || fail "rpm has no $tag scriptlet"
  done
  check_scripts rpm "$scriptlets"
  grep -q 'useradd --system' "$scriptlets/PREIN" || fail "rpm %pre creates no user"
  grep -q 'sidecar_systemctl stop' "$scriptlets/PREUN" || fail "rpm %preun stops no unit"
  ok "rpm scriptlets: %pre %post %preun %postun (valid sh; no enable/start; keep data)"

  # A test install into a temporary root (Debian has no rpm database of its dependencies, and
  # the scriptlets would need a shell in the root): files land, erase keeps the data.
  local root="$WORK/rpm-root"
  mkdir -p "$root"
  rpm --root "$root" --initdb
  rpm --root "$root" -i --nodeps --noscripts --nosignature "$RPM" 2>"$WORK/rpm-install.log" ||
    fail "rpm --root install failed: $(cat "$WORK/rpm-install.log")"
  [[ -x "$root/usr/bin/binlog-sidecar" && -f "$root/usr/lib/systemd/system/binlog-sidecar.service" ]] ||
    fail "rpm --root install did not install the binary and units"
  [[ "$(rpm --root "$root" -qc binlog-sidecar)" == /etc/binlog-sidecar/sidecar.conf ]] ||
    fail "rpm --root -qc does not list sidecar.conf"
  echo "# edited" >>"$root/etc/binlog-sidecar/sidecar.conf"
  echo data >"$root/var/lib/binlog-sidecar/marker"
  rpm --root "$root" -e --nodeps --noscripts binlog-sidecar 2>>"$WORK/rpm-install.log" ||
    fail "rpm --root erase failed: $(cat "$WORK/rpm-install.log")"
  [[ -f "$root/var/lib/binlog-sidecar/marker" ]] || fail "rpm erase deleted /var/lib data"
  [[ -f "$root/etc/binlog-sidecar/sidecar.conf.rpmsave" ]] ||
    fail "rpm erase did not keep the edited config as .rpmsave"
  [[ ! -e "$root/usr/bin/binlog-sidecar" ]] || fail "rpm erase left the binary"
  ok "rpm --root: installs; erase keeps /var/lib data and the edited config (.rpmsave)"
}

check_tgz() {
  local files
  files="$(tar tzvf "$TGZ" | awk '$1 !~ /^d/ {sub(/^[^\/]*/, "", $6); print $6}')"
  expect_files tgz "$files" /usr/lib/systemd/system/binlog-sidecar.service \
    /usr/lib/systemd/system/binlog-sidecar@.service /usr/share/doc/binlog-sidecar/LICENSE
  ok "tgz files: $(wc -l <<<"$files") files"
}

check_deb_control
check_deb_files
check_units
check_lintian
check_rpm
check_tgz
