// The variable-length unsigned and signed integers of MySQL's serialization
// library (libs/mysql/serialization, MySQL 8.3+), used by GTID_TAGGED_LOG_EVENT
// and by the tag lengths of a tagged GTID set encoding.
//
// An integer takes 1 to 9 bytes, little-endian. The number of trailing one
// bits of the first byte, plus one, is the byte count n. For n <= 8 the value
// is the remaining 8 - n bits of the first byte followed by the next n - 1
// bytes (7n bits in all); for n = 9 (first byte 0xFF) it is the next 8 bytes.
//   0 -> 00      5 -> 0a      127 -> fe      128 -> 01 02      65535 -> fb ff 07
// A signed value v is stored as the unsigned (v << 1) for v >= 0 and
// ((-(v + 1)) << 1) | 1 for v < 0.
//
// The readers fail the ByteReader (sticky, see byte_reader.h) when the bytes
// end inside an integer; they never read past the reader's span.
#pragma once

#include <cstdint>
#include <vector>

#include "base/byte_reader.h"

namespace sidecar::binlog {

uint64_t ReadVarlenUnsigned(ByteReader& reader);
int64_t ReadVarlenSigned(ByteReader& reader);

// Appends the shortest encoding of `value` to `out`.
void AppendVarlenUnsigned(uint64_t value, std::vector<uint8_t>& out);

}  // namespace sidecar::binlog
