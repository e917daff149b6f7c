// ByteReader: bounds-checked little-endian reads over a byte span.
//
// Every read past the end sets a sticky failure flag and yields zeros, so a
// decoder can read a whole structure and check ok() once at the end. No read
// ever touches memory outside the span. Not thread-safe; cheap to copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace sidecar {

using Bytes = std::span<const uint8_t>;

inline uint16_t LoadLe16(const uint8_t* p) { return uint16_t(p[0] | (p[1] << 8)); }
inline uint32_t LoadLe32(const uint8_t* p) {
  return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
}
inline uint64_t LoadLe64(const uint8_t* p) {
  return LoadLe32(p) | (uint64_t(LoadLe32(p + 4)) << 32);
}

class ByteReader {
 public:
  explicit ByteReader(Bytes data) : data_(data) {}

  bool ok() const { return ok_; }
  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }
  bool empty() const { return remaining() == 0; }

  uint8_t U8() { return uint8_t(Fixed(1)); }
  uint16_t U16() { return uint16_t(Fixed(2)); }
  uint32_t U24() { return uint32_t(Fixed(3)); }
  uint32_t U32() { return uint32_t(Fixed(4)); }
  uint64_t U48() { return Fixed(6); }
  uint64_t U56() { return Fixed(7); }
  uint64_t U64() { return Fixed(8); }

  // The MySQL "length-encoded integer" (also called packed or net_field_length).
  // 0xFB (NULL) and 0xFF (error marker) are not values: they fail the reader.
  uint64_t LengthEncoded();

  // The next n bytes; an empty span and failure if fewer remain.
  Bytes Take(size_t n);
  std::string_view TakeString(size_t n);
  // Everything left.
  Bytes Rest() { return Take(remaining()); }
  void Skip(size_t n) { Take(n); }

  void Fail() {
    ok_ = false;
    pos_ = data_.size();
  }

 private:
  uint64_t Fixed(size_t n);

  Bytes data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace sidecar
