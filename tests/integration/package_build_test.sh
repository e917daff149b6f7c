#!/usr/bin/env bash
# Integration test (CTest fixture `sidecar_packages`): scripts/package.sh builds the .deb, the
# .rpm and the .tgz into SIDECAR_PACKAGE_DIR, one of each, named with the project version.
# package_contents and package_install inspect and install them.
#
# The Release build is reused: the test's own build directory when it is a Release build
# (SIDECAR_BUILD_TYPE, SIDECAR_BUILD_DIR), else scripts/package.sh's build-package/ (built
# once, then incremental). Packages of an earlier run are replaced.
#
# Environment (set by CTest): SIDECAR_SOURCE_DIR, SIDECAR_PACKAGE_DIR, SIDECAR_BUILD_DIR,
# SIDECAR_BUILD_TYPE, SIDECAR_VERSION.
set -euo pipefail

SRC_DIR="${SIDECAR_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
# shellcheck source=tests/integration/package_lib.sh
source "$SRC_DIR/tests/integration/package_lib.sh"
: "${SIDECAR_VERSION:?SIDECAR_VERSION must be the project version}"

rm -rf "$SIDECAR_PACKAGE_DIR"
if [[ "${SIDECAR_BUILD_TYPE:-}" == Release && -n "${SIDECAR_BUILD_DIR:-}" ]]; then
  export PACKAGE_BUILD_DIR="$SIDECAR_BUILD_DIR"
fi
built="$(PACKAGE_OUT_DIR="$SIDECAR_PACKAGE_DIR" "$SRC_DIR/scripts/package.sh")" ||
  fail "scripts/package.sh failed"
printf '%s\n' "$built"

[[ "$(wc -l <<<"$built")" == 3 ]] || fail "scripts/package.sh reported other than 3 packages"
for glob in "binlog-sidecar_${SIDECAR_VERSION}_*.deb" "binlog-sidecar-${SIDECAR_VERSION}-1.*.rpm" \
  "binlog-sidecar-${SIDECAR_VERSION}-*.tar.gz"; do
  file="$(package_file "$glob")"
  grep -qxF "$file" <<<"$built" || fail "$file was not reported by scripts/package.sh"
  ok "built $(basename "$file")"
done
