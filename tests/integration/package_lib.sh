# shellcheck shell=bash
# Helpers shared by the package_*_test.sh integration tests (sourced): where the packages of
# the package_build fixture are, and assertions.
#
# Environment (set by CTest): SIDECAR_PACKAGE_DIR, the directory package_build_test.sh fills
# with one .deb, one .rpm and one .tgz of the project version.

: "${SIDECAR_PACKAGE_DIR:?SIDECAR_PACKAGE_DIR must name the directory of the built packages}"

# The exit status CTest maps to "skipped" (SKIP_RETURN_CODE in tests/integration/CMakeLists.txt).
readonly PACKAGE_TEST_SKIP=77

fail() {
  printf 'FAIL: %s\n' "$*" >&2
  exit 1
}

ok() { printf 'ok - %s\n' "$*"; }

skip() {
  printf 'SKIP: %s\n' "$*"
  exit "$PACKAGE_TEST_SKIP"
}

# package_file GLOB: print the one file of SIDECAR_PACKAGE_DIR matching GLOB, or fail.
package_file() {
  local matches
  mapfile -t matches < <(compgen -G "$SIDECAR_PACKAGE_DIR/$1" || true)
  ((${#matches[@]} == 1)) ||
    fail "expected one $1 in $SIDECAR_PACKAGE_DIR, found ${#matches[@]} (run package_build)"
  echo "${matches[0]}"
}

# assert_contains HAYSTACK NEEDLE WHAT: fail unless the fixed string NEEDLE is in HAYSTACK.
assert_contains() {
  grep -qF -- "$2" <<<"$1" || fail "$3: '$2' not found in: $1"
}

# assert_lacks HAYSTACK EXTENDED_REGEX WHAT: fail if a line of HAYSTACK matches.
assert_lacks() {
  local hit
  if hit="$(grep -E -- "$2" <<<"$1")"; then fail "$3: unexpected '$hit'"; fi
}

# assert_stat PATH MODE OWNER GROUP: fail unless PATH has this octal mode and ownership.
assert_stat() {
  local got
  got="$(stat -c '%a %U %G' "$1" 2>/dev/null)" || fail "$1 does not exist"
  [[ "$got" == "$2 $3 $4" ]] || fail "$1 is '$got', expected '$2 $3 $4'"
}

# unit_exposure UNIT_FILE: print "SCORE LABEL" of `systemd-analyze security --offline` for it.
unit_exposure() {
  systemd-analyze security --offline=yes --no-pager "$1" 2>/dev/null |
    sed -n 's/^→ Overall exposure level for [^:]*: \([0-9.]*\) \([A-Z]*\).*/\1 \2/p'
}
