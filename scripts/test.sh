#!/usr/bin/env bash
# Build binlog-sidecar and run its whole test suite (unit, integration, chaos, fuzz).
#
# Usage: scripts/test.sh [CTEST_ARGS...]
#   scripts/test.sh                    Release build in build/, every test
#   scripts/test.sh -L unit            only the tests labelled `unit` (any ctest argument passes)
#   BUILD_TYPE=Asan scripts/test.sh    AddressSanitizer + UBSan build in build-asan/
#   BUILD_DIR=DIR                      another build directory (default build/, build-asan/, ...)
#
#   SIDECAR_FUZZ_SECONDS=N             fuzz pass: N seconds per fuzz target (default 20; 0: none)
#
# Steps: scripts/deps.sh (installs what is missing), cmake configure (Ninja), build, then
# `ctest --output-on-failure` with CTEST_JOBS parallel jobs (default 2; integration tests pick
# their own free ports). Then, unless ctest arguments were given or SIDECAR_FUZZ_SECONDS=0, the
# fuzz pass: the libFuzzer targets built with clang in build-fuzz/ and run by `ctest -L fuzz`
# (tests/fuzz/README.md). Exits non-zero on any failure. Runs from any directory.
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
  if [[ $# -eq 0 ]]; then fuzz_pass; fi
}

# fuzz_pass: builds the fuzz targets with clang in build-fuzz/ and runs each for
# SIDECAR_FUZZ_SECONDS (default 20) seconds; nothing when that is 0.
fuzz_pass() {
  local seconds="${SIDECAR_FUZZ_SECONDS:-20}" dir="build-fuzz"
  [[ "$seconds" != 0 ]] || return 0
  echo "test.sh: fuzzing ${seconds}s per target in $dir/"
  mkdir -p "$dir"
  CC=clang CXX=clang++ cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Asan -DSIDECAR_FUZZ=ON \
    -DSIDECAR_WERROR=OFF >"$dir/configure.log" 2>&1 || {
    cat "$dir/configure.log" >&2
    echo "test.sh: cmake configure of $dir failed" >&2
    return 1
  }
  cmake --build "$dir" --target fuzzers >"$dir/build.log" 2>&1 || {
    grep -E -B2 -A12 'error:|FAILED:' "$dir/build.log" | head -n 200 >&2 || tail -n 100 "$dir/build.log" >&2
    echo "test.sh: fuzz build failed (full log: $dir/build.log)" >&2
    return 1
  }
  SIDECAR_FUZZ_SECONDS="$seconds" ctest --test-dir "$dir" --output-on-failure --no-tests=error \
    -j "${CTEST_JOBS:-2}" -L fuzz
}

main "$@"
