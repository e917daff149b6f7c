// ASCII text helpers for protocol names (HTTP header names, SQL identifiers):
// locale-independent, byte-wise, no allocation.
#pragma once

#include <string_view>

namespace sidecar {

inline char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

// Whether `a` and `b` are equal when ASCII letters are folded to lower case.
inline bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

}  // namespace sidecar
