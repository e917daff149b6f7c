#!/usr/bin/env bash
# Build the binlog-sidecar packages: .deb, .rpm and .tgz (CPack; packaging/packaging.cmake).
#
# Usage: scripts/package.sh
#   PACKAGE_OUT_DIR=DIR     where the packages go (default build/packages/); replaced
#                           packages of other versions in DIR are left alone
#   PACKAGE_BUILD_DIR=DIR   the Release build directory (default build-package/); an existing
#                           Release build directory (such as build/) is reused as it is
#
# Steps: scripts/deps.sh (installs what is missing, quietly), cmake configure when the build
# directory is not configured yet (Release, Ninja, no tests), build the binary and the
# compressed docs, then cpack. Prints the path of each package, one per line, on stdout;
# progress and logs go to stderr. Exits non-zero on failure, showing the end of the log.
# Refuses a build directory configured with another build type (a Debug or Asan binary must
# not be shipped). Runs from any directory.
set -euo pipefail

# log_or_fail LOG CMD...: run CMD with its output in LOG; on failure show LOG's end and fail.
log_or_fail() {
  local log="$1"
  shift
  if ! "$@" >"$log" 2>&1; then
    echo "package.sh: failed: $*; end of $log:" >&2
    tail -n 40 "$log" >&2
    return 1
  fi
}

# configured_build_type DIR: the CMAKE_BUILD_TYPE cached in DIR, or nothing.
configured_build_type() {
  sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$1/CMakeCache.txt" 2>/dev/null || true
}

main() {
  local repo build_dir out_dir build_type
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  build_dir="${PACKAGE_BUILD_DIR:-$repo/build-package}"
  out_dir="${PACKAGE_OUT_DIR:-$repo/build/packages}"

  "$repo/scripts/deps.sh" >&2
  mkdir -p "$build_dir" "$out_dir"
  build_type="$(configured_build_type "$build_dir")"
  if [[ -z "$build_type" ]]; then
    echo "package.sh: configuring Release in $build_dir/" >&2
    log_or_fail "$build_dir/package-configure.log" cmake -S "$repo" -B "$build_dir" -G Ninja \
      -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON
  elif [[ "$build_type" != Release ]]; then
    echo "package.sh: $build_dir is a $build_type build; packages need Release" >&2
    return 1
  fi
  echo "package.sh: building in $build_dir/" >&2
  log_or_fail "$build_dir/package-build.log" \
    cmake --build "$build_dir" --target binlog-sidecar package_docs
  echo "package.sh: packaging into $out_dir/" >&2
  # In a reused build directory cpack rebuilds `all` first (the install step depends on it):
  # quick once its tests are built. build-package/ skips that dependency.
  log_or_fail "$build_dir/package-cpack.log" \
    cpack --config "$build_dir/CPackConfig.cmake" -B "$out_dir"
  rm -rf "$out_dir/_CPack_Packages"
  sed -n 's/^CPack: - package: \(.*\) generated\.$/\1/p' "$build_dir/package-cpack.log"
}

main "$@"
