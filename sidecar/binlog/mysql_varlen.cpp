#include "binlog/mysql_varlen.h"

#include <bit>

namespace sidecar::binlog {
namespace {

constexpr int kMaxBytes = 9;
constexpr int kBitsPerByteWithinEight = 7;  // n <= 8 bytes carry 7n bits
constexpr int kMaxBitsWithinEight = 8 * kBitsPerByteWithinEight;

int EncodedSize(uint64_t value) {
  const int bits = std::bit_width(value);
  if (bits > kMaxBitsWithinEight) return kMaxBytes;
  return bits == 0 ? 1 : (bits + kBitsPerByteWithinEight - 1) / kBitsPerByteWithinEight;
}

}  // namespace

uint64_t ReadVarlenUnsigned(ByteReader& reader) {
  const uint8_t first = reader.U8();
  const int size = std::countr_one(first) + 1;
  uint64_t rest = 0;
  for (int i = 0; i < size - 1; ++i) rest |= uint64_t(reader.U8()) << (8 * i);
  if (!reader.ok()) return 0;
  if (size == kMaxBytes) return rest;
  return (uint64_t(first) >> size) | (rest << (8 - size));
}

int64_t ReadVarlenSigned(ByteReader& reader) {
  const uint64_t encoded = ReadVarlenUnsigned(reader);
  const uint64_t magnitude = encoded >> 1;
  return int64_t((encoded & 1) ? ~magnitude : magnitude);
}

void AppendVarlenUnsigned(uint64_t value, std::vector<uint8_t>& out) {
  const int size = EncodedSize(value);
  const uint8_t length_marker = uint8_t((1u << (size - 1)) - 1);
  if (size == kMaxBytes) {
    out.push_back(length_marker);
  } else {
    out.push_back(uint8_t(length_marker | (value << size)));
    value >>= 8 - size;
  }
  for (int i = 0; i < size - 1; ++i) out.push_back(uint8_t(value >> (8 * i)));
}

}  // namespace sidecar::binlog
