#!/usr/bin/env bash
# Self-test of run_checked.sh: starts the canary like the integration tests start the daemon
# (background, stderr into a log file nobody reads, exit status ignored) with the bug named by
# $1 (none: no bug). Always exits 0 itself: only run_checked.sh can fail the test, and must do
# so exactly when the canary had a bug (CTest: WILL_FAIL on the buggy variants).
set -uo pipefail
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
"$SANITIZER_CANARY" ${1:+"$1"} 2>>"$log" &
wait $! || true
exit 0
