#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# binlog-sidecar benchmarks (issue #10). Never run by the tests; numbers are measured and
# reported, never asserted. Prints Markdown tables on stdout and writes BENCHMARKS.md.
#
# Usage: scripts/bench.sh [SECTION...]      (default: every section, in this order)
#   physical      dd conv=fdatasync to BENCH_DIR's disk, loopback TCP (iperf3)
#   pull          sidecar vs mariadb-binlog --raw vs a replica I/O thread; big rows, small trx
#   serve         a replica's I/O thread fetching from the sidecar vs from the primary
#   semisync      sysbench commit rate/p99: MariaDB vs sidecar semi-sync replica vs none
#   restart       replica lagging ~1 GB, kill -9, relay_log_recovery=1: re-fetch bytes/seconds
#   metrics-load  pull throughput alone vs while ab hammers /metrics
#   latency       primary commit -> durable in the sidecar -> applied at the replica
#   cascade       sidecar -> sidecar vs primary -> sidecar
#   check-binlog  check-binlog read throughput and peak RSS vs cat
#   store-append  the store's append path vs dd conv=fdatasync
#
# Environment (defaults in scripts/bench/lib.sh):
#   BENCH_QUICK=1          small sizes and one run: the whole script in a few minutes
#   BENCH_RUNS             runs per measurement, medians reported (default 3)
#   BENCH_PULL_BYTES       big-row backlog (default 2 GiB); BENCH_ROW_BYTES rows (60000)
#   BENCH_SMALL_BYTES      small-transaction sysbench backlog (default 64 MiB)
#   BENCH_RESTART_BYTES    replica lag of the restart section (default 1 GiB)
#   BENCH_SEMISYNC_SECONDS sysbench run length per semi-sync case (default 20)
#   BENCH_SEMISYNC_THREADS sysbench thread counts of the semi-sync section (default "8 32"; the
#                          goal is judged at the first)
#   BENCH_LATENCY_SAMPLES  commits timed by the latency section (default 400)
#   BENCH_DIR              work dir and backlog cache (default /var/tmp/binlog-sidecar-bench);
#                          backlogs are generated once into BENCH_DIR/cache and reused
#   BENCH_REPORT           where to write the report (default: BENCHMARKS.md at the repository
#                          root for a full default run, BENCH_DIR/BENCHMARKS.md otherwise)
#   BUILD_DIR              Release build to use or create (default build-bench/); SIDECAR_BIN
#                          overrides the binary
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_CMDLINE="$( (env | grep -E '^(BENCH_|BUILD_DIR=|SIDECAR_BIN=)' || true) | sort | tr '\n' ' ')scripts/bench.sh $*"
# shellcheck source=lib/mariadb.sh
source "$REPO/scripts/lib/mariadb.sh"
# shellcheck source=lib/sidecar.sh
source "$REPO/scripts/lib/sidecar.sh"
# shellcheck source=bench/lib.sh
source "$REPO/scripts/bench/lib.sh"
# shellcheck source=bench/backlog.sh
source "$REPO/scripts/bench/backlog.sh"
# shellcheck source=bench/pullers.sh
source "$REPO/scripts/bench/pullers.sh"
# shellcheck source=bench/report.sh
source "$REPO/scripts/bench/report.sh"
# One file per section.
# shellcheck source=bench/sections/physical.sh
source "$REPO/scripts/bench/sections/physical.sh"
# shellcheck source=bench/sections/pull.sh
source "$REPO/scripts/bench/sections/pull.sh"
# shellcheck source=bench/sections/serve.sh
source "$REPO/scripts/bench/sections/serve.sh"
# shellcheck source=bench/sections/cascade.sh
source "$REPO/scripts/bench/sections/cascade.sh"
# shellcheck source=bench/sections/semisync.sh
source "$REPO/scripts/bench/sections/semisync.sh"
# shellcheck source=bench/sections/restart.sh
source "$REPO/scripts/bench/sections/restart.sh"
# shellcheck source=bench/sections/latency.sh
source "$REPO/scripts/bench/sections/latency.sh"
# shellcheck source=bench/sections/metrics_load.sh
source "$REPO/scripts/bench/sections/metrics_load.sh"
# shellcheck source=bench/sections/store.sh
source "$REPO/scripts/bench/sections/store.sh"

BENCH_SECTIONS=(physical pull serve semisync restart metrics-load latency cascade check-binlog store-append)

# main [SECTION...]: run the named sections (default: all) in order, then write the report.
main() {
  local section report
  local -a sections=("$@")
  if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then
    sed -n '3,/^set -euo/{/^set -euo/d; s/^# \{0,1\}//; p}' "${BASH_SOURCE[0]}"
    return 0
  fi
  ((${#sections[@]})) || sections=("${BENCH_SECTIONS[@]}")
  for section in "${sections[@]}"; do
    declare -F "bench_section_${section//-/_}" >/dev/null || {
      echo "bench.sh: unknown section '$section' (have: ${BENCH_SECTIONS[*]})" >&2
      exit 2
    }
  done
  report="${BENCH_REPORT:-}"
  if [[ -z "$report" ]]; then
    if (($# == 0)) && [[ "$BENCH_QUICK" != 1 ]]; then report="$REPO/BENCHMARKS.md"; else report="$BENCH_DIR/BENCHMARKS.md"; fi
  fi
  bench_setup
  for section in "${sections[@]}"; do
    "bench_section_${section//-/_}"
    bench_write_report "$report" "${sections[@]}" # after each section: a partial run still reports
  done
}

main "$@"
