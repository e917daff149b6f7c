// Uuid: the 16-byte server UUID that names a MySQL GTID's origin
// (@@server_uuid), as it appears in GTID events and GTID sets.
//
// Text forms accepted by Parse, case-insensitively, as MySQL's own parser does:
//   3e11fa47-71ca-11e1-9e33-c80aa9429562     canonical (36 characters)
//   3e11fa4771ca11e19e33c80aa9429562         no dashes (32)
//   {3e11fa47-71ca-11e1-9e33-c80aa9429562}   braced (38)
// ToString always prints the canonical lowercase form. Ordering is the byte
// order, which is also the order of the canonical text; MySQL sorts GTID sets
// by it. A value type: cheap to copy, no invariants beyond its 16 bytes.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/byte_reader.h"
#include "base/status.h"

namespace sidecar::binlog {

class Uuid {
 public:
  static constexpr size_t kSize = 16;
  static constexpr size_t kTextLength = 36;  // the canonical, dashed form

  using Array = std::array<uint8_t, kSize>;

  Uuid() = default;  // the nil UUID, 00000000-0000-0000-0000-000000000000
  explicit Uuid(const Array& bytes) : bytes_(bytes) {}

  // REQUIRES: raw.size() == kSize
  static Uuid FromBytes(Bytes raw);

  // One of the three text forms above; anything else is InvalidArgument.
  static Result<Uuid> Parse(std::string_view text);

  // "3e11fa47-71ca-11e1-9e33-c80aa9429562".
  std::string ToString() const;

  const Array& bytes() const { return bytes_; }
  bool IsNil() const { return *this == Uuid(); }

  friend auto operator<=>(const Uuid&, const Uuid&) = default;

 private:
  Array bytes_{};
};

}  // namespace sidecar::binlog
