#!/usr/bin/env bash
# Build binlog-sidecar and run its whole test suite (unit, integration, chaos, fuzz).
#
# Usage: scripts/test.sh [CTEST_ARGS...]
#   scripts/test.sh                    Release build in build/, every test
#   scripts/test.sh -L unit            only the tests labelled `unit` (any ctest argument passes)
#   BUILD_TYPE=Asan scripts/test.sh    AddressSanitizer + UBSan build in build-asan/
#   BUILD_DIR=DIR                      another build directory (default build/, build-asan/, ...)
#
#   SIDECAR_SANITIZERS=1               also run the sanitizer passes (default 0)
#   SIDECAR_FUZZ_SECONDS=N             fuzz pass: N seconds per fuzz target (default 60; 0: none;
#                                      CTEST_JOBS targets at a time)
#
# Steps: scripts/deps.sh (installs what is missing), cmake configure (Ninja), build, then
# `ctest --output-on-failure` with CTEST_JOBS parallel jobs (default 2; integration tests pick
# their own free ports). Then, unless ctest arguments were given:
#   - the ASan pass (SIDECAR_SANITIZERS≠0): the whole tree built with clang, AddressSanitizer,
#     UBSan and libFuzzer instrumentation in build-fuzz/; every unit, integration and chaos test
#     (not package_*) runs again there, any sanitizer report failing its test (script tests:
#     tests/sanitizers/run_checked.sh);
#   - the fuzz pass (SIDECAR_FUZZ_SECONDS≠0): the libFuzzer targets of that build, each for a
#     bounded time (`ctest -L fuzz`, tests/fuzz/README.md);
#   - the TSan pass (SIDECAR_SANITIZERS≠0): clang ThreadSanitizer build in build-tsan/ of the
#     unit tests, running those whose code has threads (TSAN_TESTS below).
# Sanitizer suppressions (each with its reason) are in tests/sanitizers/.
# Exits non-zero on any failure. Runs from any directory.
set -euo pipefail

# main CTEST_ARGS...: the steps above.
main() {
  local repo build_type build_dir
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  cd "$repo"
  build_type="${BUILD_TYPE:-Release}"
  if [[ -n "${BUILD_DIR:-}" ]]; then
    build_dir="$BUILD_DIR"
  elif [[ "$build_type" == Release ]]; then
    build_dir="build"
  else
    build_dir="build-$(tr '[:upper:]' '[:lower:]' <<<"$build_type")"
  fi

  scripts/deps.sh
  echo "test.sh: configuring $build_type in $build_dir/"
  mkdir -p "$build_dir"
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" >"$build_dir/configure.log" 2>&1 || {
    cat "$build_dir/configure.log" >&2
    echo "test.sh: cmake configure failed (log: $build_dir/configure.log)" >&2
    return 1
  }
  echo "test.sh: building"
  cmake --build "$build_dir" -- -k 0 >"$build_dir/build.log" 2>&1 || {
    grep -E -B2 -A12 'error:|FAILED:' "$build_dir/build.log" | head -n 200 >&2 || tail -n 100 "$build_dir/build.log" >&2
    echo "test.sh: build failed (full log: $build_dir/build.log)" >&2
    return 1
  }
  echo "test.sh: running ctest $*"
  ctest --test-dir "$build_dir" --output-on-failure --no-tests=error \
    -j "${CTEST_JOBS:-2}" --timeout "${CTEST_TIMEOUT:-900}" "$@"
  if [[ $# -eq 0 ]]; then
    sanitizer_fuzz_pass
    tsan_pass
  fi
}

# The unit tests whose code runs threads: the store's syncer, readers waiting on the durable
# position, the puller, the downstream server, HTTP, the budget keeper, damage reports.
TSAN_TESTS='BinlogWriter|BinlogReader|BinlogSyncer|StoreKill9|DamageReports|Puller|Upstream|Server|Dump|Session|Http|Budget|Purge|Metrics|Histogram|Repair'

# Sanitizer options of the ASan pass: any finding ends the process with a non-zero status and a
# stack trace (UBSan is also built with -fno-sanitize-recover). Script tests also collect the
# reports of every process they start (tests/sanitizers/run_checked.sh).
ASAN_TEST_OPTIONS='halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1'
UBSAN_TEST_OPTIONS='halt_on_error=1:print_stacktrace=1'
TSAN_TEST_OPTIONS='halt_on_error=1:second_deadlock_stack=1'

# configure_clang DIR BUILD_TYPE [CMAKE_ARGS...]: configure DIR with clang; the log on failure.
configure_clang() {
  local dir="$1" type="$2"
  shift 2
  mkdir -p "$dir"
  CC=clang CXX=clang++ cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" \
    -DSIDECAR_WERROR=OFF "$@" >"$dir/configure.log" 2>&1 || {
    cat "$dir/configure.log" >&2
    echo "test.sh: cmake configure of $dir failed" >&2
    return 1
  }
}

# build_in DIR [TARGET...]: build; the first errors on failure.
build_in() {
  local dir="$1"
  shift
  local targets=()
  if [[ $# -gt 0 ]]; then targets=(--target "$@"); fi
  cmake --build "$dir" "${targets[@]}" -- -k 0 >"$dir/build.log" 2>&1 || {
    grep -E -B2 -A12 'error:|FAILED:' "$dir/build.log" | head -n 200 >&2 || tail -n 100 "$dir/build.log" >&2
    echo "test.sh: build in $dir failed (full log: $dir/build.log)" >&2
    return 1
  }
}

# sanitizer_fuzz_pass: the ASan+UBSan suite and the fuzz pass, both in build-fuzz/ (clang).
sanitizer_fuzz_pass() {
  local seconds="${SIDECAR_FUZZ_SECONDS:-60}" sanitize="${SIDECAR_SANITIZERS:-0}" dir="build-fuzz"
  [[ "$seconds" != 0 || "$sanitize" != 0 ]] || return 0
  configure_clang "$dir" Asan -DSIDECAR_FUZZ=ON
  if [[ "$sanitize" != 0 ]]; then
    echo "test.sh: ASan+UBSan pass in $dir/ (unit, integration, chaos)"
    build_in "$dir"
    # Not package_*: they package a Release build (scripts/package.sh's own build-package/),
    # not this one, so under ASan they would only repeat the Release pass's work. Not
    # bench_smoke: its pulls and serves are those of the tests above, at ASan's pace.
    ASAN_OPTIONS="$ASAN_TEST_OPTIONS" UBSAN_OPTIONS="$UBSAN_TEST_OPTIONS" \
      LSAN_OPTIONS="suppressions=$PWD/tests/sanitizers/lsan.supp" \
      ctest --test-dir "$dir" --output-on-failure --no-tests=error -j "${CTEST_JOBS:-2}" \
      --timeout "${CTEST_TIMEOUT:-900}" -LE fuzz -E '^(package_|bench_smoke$)'
  else
    build_in "$dir" fuzzers
  fi
  [[ "$seconds" != 0 ]] || return 0
  echo "test.sh: fuzzing ${seconds}s per target in $dir/"
  SIDECAR_FUZZ_SECONDS="$seconds" ctest --test-dir "$dir" --output-on-failure --no-tests=error \
    -j "${CTEST_JOBS:-2}" -L fuzz
}

# tsan_pass: the threaded unit tests under ThreadSanitizer in build-tsan/ (clang).
tsan_pass() {
  [[ "${SIDECAR_SANITIZERS:-0}" != 0 ]] || return 0
  local dir="build-tsan"
  echo "test.sh: TSan pass in $dir/"
  configure_clang "$dir" Tsan
  build_in "$dir" tests/unit/all
  TSAN_OPTIONS="$TSAN_TEST_OPTIONS:suppressions=$PWD/tests/sanitizers/tsan.supp" \
    ctest --test-dir "$dir" --output-on-failure --no-tests=error -j "${CTEST_JOBS:-2}" \
    -L unit -R "$TSAN_TESTS"
}

main "$@"
