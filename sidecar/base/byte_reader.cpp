#include "base/byte_reader.h"

namespace sidecar {

uint64_t ByteReader::Fixed(size_t n) {
  if (remaining() < n) {
    Fail();
    return 0;
  }
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= uint64_t(data_[pos_ + i]) << (8 * i);
  pos_ += n;
  return v;
}

uint64_t ByteReader::LengthEncoded() {
  const uint8_t first = U8();
  if (first < 0xFB) return first;
  switch (first) {
    case 0xFC:
      return U16();
    case 0xFD:
      return U24();
    case 0xFE:
      return U64();
    default:
      Fail();
      return 0;  // 0xFB (NULL) or 0xFF (ERR marker)
  }
}

Bytes ByteReader::Take(size_t n) {
  if (remaining() < n) {
    Fail();
    return {};
  }
  Bytes out = data_.subspan(pos_, n);
  pos_ += n;
  return out;
}

std::string_view ByteReader::TakeString(size_t n) {
  Bytes b = Take(n);
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

}  // namespace sidecar
