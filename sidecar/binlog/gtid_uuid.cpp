#include "binlog/gtid_uuid.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>

namespace sidecar::binlog {
namespace {

constexpr size_t kHexDigits = 2 * Uuid::kSize;
// Positions of the dashes in the canonical form: 8-4-4-4-12 hex digits.
constexpr std::array<size_t, 4> kDashPositions = {8, 13, 18, 23};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsDashPosition(size_t i) {
  return std::find(kDashPositions.begin(), kDashPositions.end(), i) != kDashPositions.end();
}

// The 32 hex digits of `text`, or an empty string when `text` is in none of
// the accepted forms.
std::string HexDigitsOf(std::string_view text) {
  if (text.size() == Uuid::kTextLength + 2) {
    if (text.front() != '{' || text.back() != '}') return {};
    text = text.substr(1, Uuid::kTextLength);
  }
  if (text.size() == kHexDigits) return std::string(text);
  if (text.size() != Uuid::kTextLength) return {};
  std::string digits;
  digits.reserve(kHexDigits);
  for (size_t i = 0; i < text.size(); ++i) {
    if (IsDashPosition(i)) {
      if (text[i] != '-') return {};
    } else {
      digits.push_back(text[i]);
    }
  }
  return digits;
}

}  // namespace

Uuid Uuid::FromBytes(Bytes raw) {
  assert(raw.size() == kSize);
  Array bytes;
  std::copy_n(raw.begin(), kSize, bytes.begin());
  return Uuid(bytes);
}

Result<Uuid> Uuid::Parse(std::string_view text) {
  const auto invalid = [text] {
    return Status::InvalidArgument(fmt::format(
        "'{}' is not a UUID: expected 32 hex digits, as in 3e11fa47-71ca-11e1-9e33-c80aa9429562",
        text));
  };
  const std::string digits = HexDigitsOf(text);
  if (digits.size() != kHexDigits) return invalid();
  Array bytes;
  for (size_t i = 0; i < kSize; ++i) {
    const int high = HexValue(digits[2 * i]);
    const int low = HexValue(digits[2 * i + 1]);
    if (high < 0 || low < 0) return invalid();
    bytes[i] = uint8_t(high << 4 | low);
  }
  return Uuid(bytes);
}

std::string Uuid::ToString() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(kTextLength);
  for (size_t i = 0; i < kSize; ++i) {
    if (IsDashPosition(text.size())) text.push_back('-');
    text.push_back(kHex[bytes_[i] >> 4]);
    text.push_back(kHex[bytes_[i] & 0xF]);
  }
  return text;
}

}  // namespace sidecar::binlog
