// crc32_bench: how fast the binlog CRC32 (sidecar::binlog::Crc32, zlib's polynomial) runs on
// this machine, against memcpy of the same bytes, for scripts/bench.sh's notes on CPU per GB.
//
//   crc32_bench [MIB] [ROUNDS]
//
// Checksums a buffer of MIB MiB (default 64) ROUNDS times (default 8), then copies it as many
// times, and prints one line of key=value figures: crc_gb_per_s, memcpy_gb_per_s and the CPU
// seconds per GB the CRC alone costs. Single-threaded; bounded by ROUNDS; no allocation in the
// timed loops.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "binlog/crc32.h"

namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  const long mib = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 64;
  const long rounds = argc > 2 ? std::strtol(argv[2], nullptr, 10) : 8;
  if (mib <= 0 || mib > 4096 || rounds <= 0 || rounds > 1000) {
    std::fprintf(stderr, "crc32_bench: MIB must be 1..4096 and ROUNDS 1..1000\n");
    return 1;
  }
  const size_t size = size_t(mib) << 20;
  std::vector<uint8_t> data(size), copy(size);
  uint32_t seed = 12345;
  for (auto& b : data) b = uint8_t((seed = seed * 1103515245 + 12345) >> 16);

  uint32_t crc = 0;
  auto start = std::chrono::steady_clock::now();
  for (long r = 0; r < rounds; ++r) crc += sidecar::binlog::Crc32(sidecar::Bytes(data.data(), size));
  const double crc_s = SecondsSince(start);

  start = std::chrono::steady_clock::now();
  for (long r = 0; r < rounds; ++r) {
    std::memcpy(copy.data(), data.data(), size);
    data[size_t(r) % size] ^= copy[size - 1];  // keep the copies observable
  }
  const double copy_s = SecondsSince(start);

  const double gb = double(size) * double(rounds) / 1e9;
  std::printf("bytes=%zu rounds=%ld crc_gb_per_s=%.2f memcpy_gb_per_s=%.2f crc_cpu_s_per_gb=%.3f crc=%08x\n",
              size, rounds, gb / crc_s, gb / copy_s, crc_s / gb, crc);
  return 0;
}
