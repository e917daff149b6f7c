// Writers for the protocol's primitive types (little-endian fixed integers, length-encoded
// integers and strings, NUL-terminated strings), appending to a Buffer, and the two readers
// ByteReader lacks (NUL-terminated and nullable length-encoded strings).
//
// Writers never fail; readers leave `r` failed (ByteReader's sticky flag) on malformed input.
// Stateless free functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/byte_reader.h"

namespace sidecar::protocol {

using Buffer = std::vector<uint8_t>;

void PutU8(Buffer& out, uint8_t v);
void PutU16(Buffer& out, uint16_t v);
void PutU24(Buffer& out, uint32_t v);
void PutU32(Buffer& out, uint32_t v);
void PutU64(Buffer& out, uint64_t v);
// The low `bytes` bytes of v. REQUIRES: bytes <= 8.
void PutFixedLe(Buffer& out, uint64_t v, size_t bytes);
// n zero bytes (fillers).
void PutZeros(Buffer& out, size_t n);
void PutBytes(Buffer& out, Bytes data);
void PutString(Buffer& out, std::string_view s);
// `s` followed by a NUL byte. REQUIRES: s holds no NUL.
void PutNulString(Buffer& out, std::string_view s);
// The length-encoded integer: 1, 3, 4 or 9 bytes (0xFC, 0xFD, 0xFE prefixes).
void PutLengthEncodedInt(Buffer& out, uint64_t v);
void PutLengthEncodedString(Buffer& out, std::string_view s);
// The NULL marker of a text row (0xFB).
void PutNullMarker(Buffer& out);
// How many bytes PutLengthEncodedInt writes for v.
size_t LengthEncodedIntSize(uint64_t v);

// Reads up to the next NUL and skips it; fails `r` when there is no NUL.
std::string_view TakeNulString(ByteReader& r);
// A length-encoded string, or nullopt for the NULL marker 0xFB; fails `r` when truncated.
std::optional<std::string_view> TakeNullableLengthEncodedString(ByteReader& r);
// A length-encoded string; fails `r` when truncated or NULL.
std::string_view TakeLengthEncodedString(ByteReader& r);

inline std::string_view AsStringView(Bytes b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline Bytes AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace sidecar::protocol
