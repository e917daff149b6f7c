#include "app/config_values.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <span>

#include "binlog/mariadb_gtid.h"
#include "binlog/mysql_gtid_set.h"

namespace sidecar::app {
namespace {

constexpr std::string_view kSizeExpected =
    "a size: bytes, or a whole number with K, M, G or T, such as 512M or 50G";
constexpr std::string_view kDurationExpected =
    "a duration: a whole number with ms, s, m, h or d, such as 5ms, 1s or 1h";
constexpr std::string_view kStartExpected =
    "auto, earliest, current, FILE:POS such as mysql-bin.000042:4, or gtid:SET such as "
    "gtid:0-1-100";

// 100 years: a deadline computed from any duration cannot overflow.
constexpr uint64_t kMaxDurationMs = uint64_t{36'500} * 86'400'000;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The leading decimal digits of `text`, and what follows them.
struct Number {
  std::string_view digits;
  std::string_view rest;
};
Number SplitNumber(std::string_view text) {
  const auto end = std::find_if_not(text.begin(), text.end(), IsDigit) - text.begin();
  return {text.substr(0, end), text.substr(end)};
}

// REQUIRES: digits non-empty and all decimal. False on overflow.
template <typename T>
bool ToUnsigned(std::string_view digits, T& out) {
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
  return ec == std::errc() && ptr == digits.data() + digits.size();
}

Status Invalid(std::string_view what, std::string_view expected) {
  return Status::InvalidArgument(fmt::format("{} ({})", what, expected));
}

struct Unit {
  std::string_view name;
  uint64_t factor;
};

constexpr std::array<Unit, 4> kSizeUnits = {{{"T", uint64_t{1} << 40},
                                             {"G", uint64_t{1} << 30},
                                             {"M", uint64_t{1} << 20},
                                             {"K", uint64_t{1} << 10}}};
constexpr std::array<Unit, 5> kDurationUnits = {
    {{"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}, {"ms", 1}}};

// A whole number with a unit from `units` (or none when `unit_optional`).
Result<uint64_t> ParseScaled(std::string_view text, std::span<const Unit> units, bool unit_optional,
                             uint64_t max, std::string_view expected) {
  if (text.empty()) return Invalid("empty", expected);
  if (text.front() == '-') return Invalid(fmt::format("'{}' is negative", text), expected);
  const Number number = SplitNumber(text);
  if (number.digits.empty() || number.rest.starts_with(".")) {
    return Invalid(fmt::format("'{}' is not a whole number with a unit", text), expected);
  }
  uint64_t factor = 1;
  if (number.rest.empty()) {
    if (!unit_optional) return Invalid(fmt::format("'{}' has no unit", text), expected);
  } else {
    const auto unit = std::find_if(units.begin(), units.end(), [&](const Unit& u) {
      return EqualsIgnoreCase(u.name, number.rest);
    });
    if (unit == units.end()) {
      return Invalid(fmt::format("'{}' has an unknown unit '{}'", text, number.rest), expected);
    }
    factor = unit->factor;
  }
  uint64_t value = 0;
  if (!ToUnsigned(number.digits, value) || value > max / factor) {
    return Invalid(fmt::format("'{}' is too large", text), expected);
  }
  return value * factor;
}

std::string FormatScaled(uint64_t value, std::span<const Unit> units, std::string_view none) {
  for (const Unit& u : units) {
    if (value != 0 && value % u.factor == 0) return fmt::format("{}{}", value / u.factor, u.name);
  }
  return fmt::format("{}{}", value, none);
}

bool IsIpLiteral(std::string_view text) {
  const std::string s(text);
  unsigned char buffer[16];
  return ::inet_pton(AF_INET, s.c_str(), buffer) == 1 ||
         ::inet_pton(AF_INET6, s.c_str(), buffer) == 1;
}

// RFC 1123 host names, plus '_' (common in internal DNS).
bool IsDnsName(std::string_view text) {
  if (text.empty() || text.size() > 253) return false;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('.', start), text.size());
    const std::string_view label = text.substr(start, end - start);
    const bool ok = !label.empty() && label.size() <= 63 && label.front() != '-' &&
                    label.back() != '-' && std::all_of(label.begin(), label.end(), [](char c) {
                      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
                    });
    if (!ok) return false;
    start = end + 1;
  }
  return true;
}

// "name.NNNNNN": the primary's binlog file names.
bool IsBinlogName(std::string_view name) {
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  const std::string_view base = name.substr(0, dot), digits = name.substr(dot + 1);
  return digits.size() >= 6 && std::all_of(digits.begin(), digits.end(), IsDigit) &&
         std::all_of(base.begin(), base.end(), [](char c) {
           return std::isgraph(static_cast<unsigned char>(c)) && c != '/';
         });
}

StartPosition StartOfKind(StartPosition::Kind kind) {
  StartPosition start;
  start.kind = kind;
  return start;
}

Result<StartPosition> ParseGtidStart(std::string_view text, std::string_view set) {
  if (set.empty()) return Invalid(fmt::format("'{}' has an empty GTID set", text), kStartExpected);
  StartPosition start = StartOfKind(StartPosition::Kind::kGtid);
  if (auto mariadb = binlog::MariadbGtidPosition::Parse(set); mariadb.ok()) {
    start.gtid_flavor = binlog::Flavor::kMariadb;
    start.gtid_set = mariadb->ToString();
    return start;
  }
  if (auto mysql = binlog::MysqlGtidSet::Parse(set); mysql.ok() && !mysql->empty()) {
    start.gtid_flavor = binlog::Flavor::kMysql;
    start.gtid_set = mysql->ToString();
    return start;
  }
  return Invalid(fmt::format("'{}' is neither a MariaDB GTID position nor a MySQL GTID set", text),
                 kStartExpected);
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

Status UnknownEnumValue(std::string_view text, std::string_view names_joined) {
  if (text.empty()) return Invalid("empty", fmt::format("one of {}", names_joined));
  return Invalid(fmt::format("'{}' is not a known value", text),
                 fmt::format("one of {}", names_joined));
}

Result<uint64_t> ParseSize(std::string_view text) {
  return ParseScaled(text, kSizeUnits, true, std::numeric_limits<uint64_t>::max(), kSizeExpected);
}

std::string FormatSize(uint64_t bytes) { return FormatScaled(bytes, kSizeUnits, ""); }

Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  auto ms = ParseScaled(text, kDurationUnits, false, kMaxDurationMs, kDurationExpected);
  if (!ms.ok()) return ms.status();
  return std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(*ms));
}

std::string FormatDuration(std::chrono::milliseconds d) {
  return d.count() == 0 ? "0s"
                        : FormatScaled(static_cast<uint64_t>(d.count()), kDurationUnits, "ms");
}

Result<bool> ParseSwitch(std::string_view text) {
  for (std::string_view on : {"on", "true", "yes", "1"}) {
    if (EqualsIgnoreCase(text, on)) return true;
  }
  for (std::string_view off : {"off", "false", "no", "0"}) {
    if (EqualsIgnoreCase(text, off)) return false;
  }
  return Invalid(text.empty() ? "empty" : fmt::format("'{}' is not on or off", text), "on or off");
}

Result<uint16_t> ParsePort(std::string_view text) {
  constexpr std::string_view kExpected = "a port number, 1..65535";
  const Number n = SplitNumber(text);
  if (n.digits.empty() || !n.rest.empty()) {
    return Invalid(text.empty() ? "empty" : fmt::format("'{}' is not a number", text), kExpected);
  }
  uint64_t port = 0;
  if (!ToUnsigned(n.digits, port) || port == 0 || port > 65535) {
    return Invalid(fmt::format("'{}' is out of range", text), kExpected);
  }
  return static_cast<uint16_t>(port);
}

Result<uint32_t> ParseServerId(std::string_view text) {
  constexpr std::string_view kExpected = "1..4294967295, unique in the replication topology";
  const Number n = SplitNumber(text);
  if (n.digits.empty() || !n.rest.empty()) {
    return Invalid(text.empty() ? "empty" : fmt::format("'{}' is not a number", text), kExpected);
  }
  uint32_t id = 0;
  if (!ToUnsigned(n.digits, id) || id == 0) {
    return Invalid(fmt::format("'{}' is out of range", text), kExpected);
  }
  return id;
}

Result<std::string> ParseHost(std::string_view text) {
  if (IsIpLiteral(text) || IsDnsName(text)) return std::string(text);
  return Invalid(text.empty() ? "empty" : fmt::format("'{}' is not a host name", text),
                 "a host name, or an IPv4 or IPv6 address");
}

Result<std::string> ParseBindAddress(std::string_view text) {
  if (IsIpLiteral(text) || text == "localhost") return std::string(text);
  return Invalid(text.empty() ? "empty" : fmt::format("'{}' is not an address to listen on", text),
                 "an IPv4 or IPv6 address such as 127.0.0.1 or ::1, or localhost");
}

bool IsLoopbackAddress(std::string_view address) {
  const std::string s(address);
  in_addr v4{};
  if (::inet_pton(AF_INET, s.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (::inet_pton(AF_INET6, s.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return address == "localhost";
}

Result<std::string> ParseAbsolutePath(std::string_view text) {
  if (text.starts_with("/")) return std::string(text);
  return Invalid(text.empty() ? "empty" : fmt::format("'{}' is a relative path", text),
                 "an absolute path");
}

Result<StartPosition> ParseStart(std::string_view text) {
  using Kind = StartPosition::Kind;
  if (EqualsIgnoreCase(text, "auto")) return StartOfKind(Kind::kAuto);
  if (EqualsIgnoreCase(text, "earliest")) return StartOfKind(Kind::kEarliest);
  if (EqualsIgnoreCase(text, "current")) return StartOfKind(Kind::kCurrent);
  if (text.size() >= 5 && EqualsIgnoreCase(text.substr(0, 5), "gtid:")) {
    return ParseGtidStart(text, text.substr(5));
  }
  const auto colon = text.rfind(':');
  if (colon != std::string_view::npos && IsBinlogName(text.substr(0, colon))) {
    StartPosition start = StartOfKind(Kind::kFilePosition);
    start.file = std::string(text.substr(0, colon));
    const std::string_view pos = text.substr(colon + 1);
    if (!pos.empty() && std::all_of(pos.begin(), pos.end(), IsDigit) &&
        ToUnsigned(pos, start.position) && start.position >= 4) {
      return start;
    }
    return Invalid(fmt::format("'{}' has a bad position", text),
                   "FILE:POS with POS a number >= 4, the offset of an event such as "
                   "mysql-bin.000042:4");
  }
  return Invalid(text.empty() ? "empty" : fmt::format("'{}' is not a start position", text),
                 kStartExpected);
}

std::string StartPosition::ToString() const {
  switch (kind) {
    case Kind::kAuto:
      return "auto";
    case Kind::kEarliest:
      return "earliest";
    case Kind::kCurrent:
      return "current";
    case Kind::kFilePosition:
      return fmt::format("{}:{}", file, position);
    case Kind::kGtid:
      return "gtid:" + gtid_set;
  }
  return "auto";
}

}  // namespace sidecar::app
