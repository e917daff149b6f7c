#include "protocol/wire_buffer.h"

namespace sidecar::protocol {

void PutU8(Buffer& out, uint8_t v) { out.push_back(v); }
void PutU16(Buffer& out, uint16_t v) { PutFixedLe(out, v, 2); }
void PutU24(Buffer& out, uint32_t v) { PutFixedLe(out, v, 3); }
void PutU32(Buffer& out, uint32_t v) { PutFixedLe(out, v, 4); }
void PutU64(Buffer& out, uint64_t v) { PutFixedLe(out, v, 8); }

void PutFixedLe(Buffer& out, uint64_t v, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) out.push_back(uint8_t(v >> (8 * i)));
}

void PutZeros(Buffer& out, size_t n) { out.insert(out.end(), n, 0); }

void PutBytes(Buffer& out, Bytes data) { out.insert(out.end(), data.begin(), data.end()); }
void PutString(Buffer& out, std::string_view s) { PutBytes(out, AsBytes(s)); }

void PutNulString(Buffer& out, std::string_view s) {
  PutString(out, s);
  out.push_back(0);
}

void PutLengthEncodedInt(Buffer& out, uint64_t v) {
  if (v < 0xFB) {
    PutU8(out, uint8_t(v));
  } else if (v <= 0xFFFF) {
    PutU8(out, 0xFC);
    PutU16(out, uint16_t(v));
  } else if (v <= 0xFFFFFF) {
    PutU8(out, 0xFD);
    PutU24(out, uint32_t(v));
  } else {
    PutU8(out, 0xFE);
    PutU64(out, v);
  }
}

void PutLengthEncodedString(Buffer& out, std::string_view s) {
  PutLengthEncodedInt(out, s.size());
  PutString(out, s);
}

void PutNullMarker(Buffer& out) { PutU8(out, 0xFB); }

size_t LengthEncodedIntSize(uint64_t v) {
  if (v < 0xFB) return 1;
  if (v <= 0xFFFF) return 3;
  if (v <= 0xFFFFFF) return 4;
  return 9;
}

std::string_view TakeNulString(ByteReader& r) {
  ByteReader scan = r;
  size_t n = 0;
  while (!scan.empty() && scan.U8() != 0) ++n;
  if (n == r.remaining()) {  // ran out before a NUL
    r.Fail();
    return {};
  }
  std::string_view s = r.TakeString(n);
  r.Skip(1);
  return s;
}

std::optional<std::string_view> TakeNullableLengthEncodedString(ByteReader& r) {
  ByteReader peek = r;
  if (!r.empty() && peek.U8() == 0xFB) {
    r.Skip(1);
    return std::nullopt;
  }
  return TakeLengthEncodedString(r);
}

std::string_view TakeLengthEncodedString(ByteReader& r) {
  const uint64_t n = r.LengthEncoded();
  if (!r.ok() || n > r.remaining()) {
    r.Fail();
    return {};
  }
  return r.TakeString(size_t(n));
}

}  // namespace sidecar::protocol
