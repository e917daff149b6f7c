// The value syntaxes of the configuration file. Each parser takes the value
// as written (already unquoted and trimmed) and returns it typed, or an
// InvalidArgument whose message reads "<what is wrong> (<what is expected>)",
// e.g. "'50X' has an unknown unit 'X' (a size: ...)". Each Format* writes the
// canonical spelling that the matching parser reads back to the same value.
//
//   size      a whole number of bytes, or with a binary unit K, M, G or T
//             (case-insensitive, 1K = 1024): 1024, 512M, 50G. No decimals,
//             no sign; beyond 2^64-1 bytes is an error.
//   duration  a whole number with a unit ms, s, m, h or d (case-insensitive):
//             5ms, 1s, 1h, 0s. The unit is required, decimals are not allowed
//             (write 1500ms for 1.5 s); beyond 36500d (100 years, so that
//             no deadline computed from it can overflow) is an error.
//   switch    on | off, also true | false, yes | no, 1 | 0 (case-insensitive)
//   enum      one of a fixed list of names (case-insensitive)
//   port      1..65535;  server id  1..4294967295
//   host      an IPv4 or IPv6 literal, or a DNS name
//   bind      an IPv4 or IPv6 literal, or localhost
//   path      absolute (the daemon's working directory is not the DBA's)
//   start     auto | earliest | current | FILE:POS (mysql-bin.000042:4, POS
//             >= 4) | gtid:SET (a MariaDB GTID position such as 0-1-100 or a
//             MySQL GTID set such as 3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5)
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "binlog/format_description.h"

namespace sidecar::app {

Result<uint64_t> ParseSize(std::string_view text);
std::string FormatSize(uint64_t bytes);  // the largest unit that is exact: 50G, 1536

Result<std::chrono::milliseconds> ParseDuration(std::string_view text);
std::string FormatDuration(std::chrono::milliseconds d);  // the largest exact unit: 1h, 5ms, 0s

Result<bool> ParseSwitch(std::string_view text);
inline const char* FormatSwitch(bool on) { return on ? "on" : "off"; }

Result<uint16_t> ParsePort(std::string_view text);
Result<uint32_t> ParseServerId(std::string_view text);
Result<std::string> ParseHost(std::string_view text);
Result<std::string> ParseBindAddress(std::string_view text);
// localhost, 127.0.0.0/8 and ::1.
bool IsLoopbackAddress(std::string_view address);
Result<std::string> ParseAbsolutePath(std::string_view text);

template <typename E>
struct EnumName {
  std::string_view name;
  E value;
};

// Where a fresh data dir starts pulling (upstream.start).
struct StartPosition {
  enum class Kind { kAuto, kEarliest, kCurrent, kFilePosition, kGtid };
  Kind kind = Kind::kAuto;
  std::string file;       // kFilePosition: the primary's binlog name
  uint64_t position = 0;  // kFilePosition: >= 4
  binlog::Flavor gtid_flavor = binlog::Flavor::kMariadb;  // kGtid
  std::string gtid_set;                                   // kGtid: the set in its canonical text

  std::string ToString() const;  // as written in the file: auto, mysql-bin.000042:4, gtid:0-1-100
  friend bool operator==(const StartPosition&, const StartPosition&) = default;
};
Result<StartPosition> ParseStart(std::string_view text);

// Case-insensitive match of `text` against `names`.
template <typename E, std::size_t N>
Result<E> ParseEnum(std::string_view text, const std::array<EnumName<E>, N>& names);
template <typename E, std::size_t N>
std::string_view FormatEnum(E value, const std::array<EnumName<E>, N>& names) {
  for (const auto& n : names) {
    if (n.value == value) return n.name;
  }
  return "?";
}

// Implementation detail of ParseEnum: the error for a value not among `names`.
Status UnknownEnumValue(std::string_view text, std::string_view names_joined);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

template <typename E, std::size_t N>
Result<E> ParseEnum(std::string_view text, const std::array<EnumName<E>, N>& names) {
  std::string joined;
  for (const auto& n : names) {
    if (EqualsIgnoreCase(text, n.name)) return n.value;
    joined += joined.empty() ? "" : " | ";
    joined += n.name;
  }
  return UnknownEnumValue(text, joined);
}

}  // namespace sidecar::app
