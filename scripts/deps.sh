#!/usr/bin/env bash
# Install the Debian packages binlog-sidecar needs to build, test, demo and benchmark.
#
# Usage: scripts/deps.sh
#
# Idempotent and quiet: asks dpkg which packages are missing and runs apt-get (update, then
# install) only for those; when nothing is missing it prints one line and does nothing else.
# Needs root (or sudo) only when something is missing. apt-get's output goes to a log file,
# shown only on failure. The mariadb-server package's postinst would start a service: a
# temporary policy-rc.d forbids that (the tests start their own servers as plain processes).
set -euo pipefail

# build: compiler, CMake + Ninja, the libraries the CMake project finds, clang for fuzzing.
BUILD_PACKAGES=(
  cmake ninja-build g++ pkg-config
  libfmt-dev libpoco-dev libsqlite3-dev libgtest-dev libgmock-dev
  zlib1g-dev libssl-dev libsystemd-dev libzstd-dev
  clang libclang-rt-14-dev
  # packages (scripts/package.sh and its tests): dpkg-shlibdeps, file, rpmbuild, lintian,
  # systemd-analyze
  dpkg-dev file fakeroot rpm lintian systemd
)
# runtime tests, demo and benchmarks: a real MariaDB, load, and the tools the scripts use.
TEST_PACKAGES=(
  mariadb-server mariadb-client sysbench xxd jq procps time sqlite3
  # HTTP tests and the demo: curl, promtool and a Prometheus server, ab, python3 (notify socket,
  # slow clients), chattr (e2fsprogs)
  curl prometheus apache2-utils python3 e2fsprogs
  # TLS tests: the openssl command makes their certificates
  openssl
  # benchmarks (scripts/bench.sh and its smoke test): the loopback TCP rate
  iperf3
)

# missing_packages PKG...: print the PKGs that dpkg does not report as installed.
missing_packages() {
  local pkg status
  for pkg in "$@"; do
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    [[ "$status" == "install ok installed" ]] || echo "$pkg"
  done
}

# as_root CMD...: run CMD as root (directly, or through sudo when not root).
as_root() {
  if [[ "$(id -u)" == 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "deps.sh: need root to run: $*" >&2
    return 1
  fi
}

# apt_quiet LOG CMD...: run an apt-get command with its output appended to LOG; on failure,
# print the end of LOG and fail.
apt_quiet() {
  local log="$1"
  shift
  if ! as_root env DEBIAN_FRONTEND=noninteractive "$@" >>"$log" 2>&1 </dev/null; then
    echo "deps.sh: failed: $*; end of $log:" >&2
    tail -n 40 "$log" >&2
    return 1
  fi
}

# deny_service_starts: install a policy-rc.d that forbids package scripts to start services,
# unless one exists; prints its path when it created one (to remove it afterwards).
deny_service_starts() {
  local policy=/usr/sbin/policy-rc.d
  if [[ ! -e "$policy" ]]; then
    as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
    echo "$policy"
  fi
}

# main: install what is missing, or say that nothing is.
main() {
  local missing log policy=""
  mapfile -t missing < <(missing_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}")
  if ((${#missing[@]} == 0)); then
    echo "deps.sh: all $((${#BUILD_PACKAGES[@]} + ${#TEST_PACKAGES[@]})) packages already installed"
    return 0
  fi
  echo "deps.sh: installing ${#missing[@]} missing packages: ${missing[*]}"
  log="$(mktemp "${TMPDIR:-/tmp}/binlog-sidecar-deps.XXXXXX.log")"
  policy="$(deny_service_starts)"
  # Remove the policy-rc.d we created, however we leave.
  # shellcheck disable=SC2064  # expand $policy now
  [[ -n "$policy" ]] && trap "as_root rm -f '$policy'" EXIT
  apt_quiet "$log" apt-get -q -o DPkg::Lock::Timeout=300 update
  # A package script may fail without systemd (e.g. a service start); finish configuring what
  # can be, and judge by what dpkg reports installed below.
  if ! apt_quiet "$log" apt-get -q -y -o DPkg::Lock::Timeout=300 --no-install-recommends \
    install "${missing[@]}"; then
    echo "deps.sh: apt-get install reported an error; checking what got installed" >&2
    as_root env DEBIAN_FRONTEND=noninteractive dpkg --configure -a >>"$log" 2>&1 </dev/null || true
  fi
  mapfile -t missing < <(missing_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}")
  if ((${#missing[@]} > 0)); then
    echo "deps.sh: still missing after apt-get install: ${missing[*]}; see $log" >&2
    return 1
  fi
  rm -f "$log"
  echo "deps.sh: done"
}

main "$@"
