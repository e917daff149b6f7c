// Fuzz target: the GTID parsers of both flavours.
//
// The input is read as text by MysqlGtid::Parse, MysqlGtidSet::Parse, MariadbGtidPosition::Parse
// and MariadbGtidState::Parse, and as bytes by MysqlGtidSet::DecodeBinary. Asserts, for what
// parses: parse(print(x)) == x (text forms are canonical), DecodeBinary(EncodeBinary(s)) == s,
// and for the MySQL set of the text before and after the first newline that their union
// contains both.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "binlog/mariadb_gtid.h"
#include "binlog/mysql_gtid_set.h"
#include "fuzz/fuzz_check.h"

namespace sidecar::binlog {
namespace {

// Both round trips of a set, whichever way it was made.
void CheckMysqlSet(const MysqlGtidSet& set) {
  const std::string text = set.ToString();
  auto parsed = MysqlGtidSet::Parse(text);
  FUZZ_CHECK(parsed.ok() && *parsed == set && parsed->ToString() == text);
  auto decoded = MysqlGtidSet::DecodeBinary(set.EncodeBinary());
  FUZZ_CHECK(decoded.ok() && *decoded == set);
  FUZZ_CHECK(set.Contains(set));
}

void CheckUnion(std::string_view text) {
  const size_t newline = text.find('\n');
  if (newline == std::string_view::npos) return;
  auto a = MysqlGtidSet::Parse(text.substr(0, newline));
  auto b = MysqlGtidSet::Parse(text.substr(newline + 1));
  if (!a.ok() || !b.ok()) return;
  MysqlGtidSet both = *a;
  both.Add(*b);
  FUZZ_CHECK(both.Contains(*a) && both.Contains(*b));
  CheckMysqlSet(both);
}

}  // namespace
}  // namespace sidecar::binlog

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sidecar::binlog;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto gtid = MysqlGtid::Parse(text); gtid.ok()) {
    auto parsed = MysqlGtid::Parse(gtid->ToString());
    FUZZ_CHECK(parsed.ok() && *parsed == *gtid);
  }
  if (auto set = MysqlGtidSet::Parse(text); set.ok()) CheckMysqlSet(*set);
  if (auto set = MysqlGtidSet::DecodeBinary(sidecar::Bytes(data, size)); set.ok()) {
    CheckMysqlSet(*set);
  }
  CheckUnion(text);
  if (auto position = MariadbGtidPosition::Parse(text); position.ok()) {
    auto parsed = MariadbGtidPosition::Parse(position->ToString());
    FUZZ_CHECK(parsed.ok() && *parsed == *position);
  }
  if (auto state = MariadbGtidState::Parse(text); state.ok()) {
    auto parsed = MariadbGtidState::Parse(state->ToString());
    FUZZ_CHECK(parsed.ok() && *parsed == *state);
  }
  return 0;
}
