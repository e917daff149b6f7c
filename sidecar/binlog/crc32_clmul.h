// CRC32 (zlib's polynomial) by carry-less multiplication: the x86-64 PCLMULQDQ instruction
// folds 64 bytes per step, several times the rate of a table-driven CRC on event-sized spans.
// Used by `Crc32` (crc32.h) when the CPU has the instruction; zlib computes everything else.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sidecar::binlog {

// Whether this CPU can run `Crc32FoldedBlocks`. Decided once; safe from any thread.
bool CpuHasCarrylessMultiply();

// The smallest span `Crc32FoldedBlocks` takes.
inline constexpr size_t kMinFoldedBytes = 64;

// zlib's `crc32(crc, data, n)` for the first `n - n % 16` bytes of `data`: the caller continues
// over the remaining `n % 16` bytes from the value returned.
// REQUIRES: CpuHasCarrylessMultiply(), n >= kMinFoldedBytes.
uint32_t Crc32FoldedBlocks(const uint8_t* data, size_t n, uint32_t crc);

}  // namespace sidecar::binlog
