#!/usr/bin/env bash
# Runs one script test (integration, chaos) of a sanitized build and fails it on any sanitizer
# report from any process the script started, whatever the script does with their output.
#
# Usage: run_checked.sh SANITIZER SCRIPT [ARGS...]      (SANITIZER: address or thread)
#
# Every sanitized process the script starts (the daemon in the background, check-binlog, test
# helpers) writes its reports to a file of a scratch directory (ASan/LSan/UBSan/TSan
# `log_path`) instead of stderr: a daemon's stderr is often a log file nobody reads, and a
# daemon that the test kills never returns a status. After the script, each report is printed
# and the test fails, even when the script itself passed. Runs the script with the caller's
# *SAN_OPTIONS plus the log path, and the suppression files next to this script.
#
# Also checks that $SIDECAR_BIN, when set, really carries the sanitizer: a script test of a
# sanitized build that ran an uninstrumented binary would prove nothing.
set -uo pipefail

main() {
  local sanitizer="$1" script="$2"
  shift 2
  local here status=0 report found=0
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  if [[ -n "${SIDECAR_BIN:-}" ]] && ! grep -q "__${sanitizer:0:1}san_init" "$SIDECAR_BIN"; then
    echo "run_checked.sh: $SIDECAR_BIN is not built with -fsanitize=$sanitizer" >&2
    return 1
  fi
  REPORTS_DIR="$(mktemp -d "${TMPDIR:-/tmp}/sanitizer-reports.XXXXXX")"
  trap 'rm -rf "$REPORTS_DIR"' EXIT
  local reports="$REPORTS_DIR"
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$reports/report"
  export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$here/lsan.supp"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$reports/report"
  export TSAN_OPTIONS="${TSAN_OPTIONS:+$TSAN_OPTIONS:}log_path=$reports/report:suppressions=$here/tsan.supp"

  bash "$script" "$@" || status=$?

  for report in "$reports"/*; do
    [[ -f "$report" ]] || continue
    found=$((found + 1))
    echo "run_checked.sh: sanitizer report ${report##*/}:" >&2
    cat "$report" >&2
  done
  if ((found > 0)); then
    echo "run_checked.sh: $found sanitizer report(s) from processes of ${script##*/}" >&2
    return 1
  fi
  return "$status"
}

main "$@"
