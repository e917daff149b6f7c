// SqlValue: one value the serve port returns in a result set, with the column type a real
// server gives it (text protocol: every value travels as text; the type tells clients how to
// read it). ColumnFor builds the column definition a MySQL/MariaDB server sends for it:
//   integers        LONGLONG, binary charset, NUM|BINARY (unsigned: also UNSIGNED)
//   datetimes       DATETIME, binary charset
//   strings         VAR_STRING, utf8mb4
//   user variables  MEDIUM_BLOB-typed text, as `SELECT @name` returns (string values)
//   NULL            a VAR_STRING column holding NULL
// Value type; thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include "protocol/constants.h"
#include "protocol/result_set.h"

namespace sidecar::downstream {

struct SqlValue {
  enum class Type { kNull, kString, kInteger, kUnsigned, kDatetime, kUserVariable };
  Type type = Type::kNull;
  std::string text;

  static SqlValue Null() { return {}; }
  static SqlValue String(std::string s) { return {Type::kString, std::move(s)}; }
  static SqlValue Integer(int64_t v) { return {Type::kInteger, std::to_string(v)}; }
  static SqlValue Unsigned(uint64_t v) { return {Type::kUnsigned, std::to_string(v)}; }
  static SqlValue Datetime(std::string s) { return {Type::kDatetime, std::move(s)}; }

  bool is_null() const { return type == Type::kNull; }
  std::optional<std::string> cell() const {
    return is_null() ? std::nullopt : std::optional<std::string>(text);
  }
};

inline protocol::ColumnDefinition ColumnFor(const std::string& name, const SqlValue& value) {
  constexpr uint8_t kTypeDatetime = 0x0C;
  constexpr uint8_t kTypeMediumBlob = 0xFA;
  constexpr uint16_t kNotNullFlag = 0x0001;
  constexpr uint16_t kBinaryFlag = 0x0080;
  constexpr uint16_t kUnsignedFlag = 0x0020;
  protocol::ColumnDefinition column;
  column.name = name;
  switch (value.type) {
    case SqlValue::Type::kInteger:
    case SqlValue::Type::kUnsigned:
      column.type = protocol::kTypeLongLong;
      column.charset = protocol::kCharsetBinary;
      column.length = 21;
      column.flags = kBinaryFlag | kNotNullFlag |
                     (value.type == SqlValue::Type::kUnsigned ? kUnsignedFlag : 0);
      break;
    case SqlValue::Type::kDatetime:
      column.type = kTypeDatetime;
      column.charset = protocol::kCharsetBinary;
      column.length = 19;
      column.flags = kBinaryFlag;
      break;
    case SqlValue::Type::kUserVariable:
      column.type = kTypeMediumBlob;
      column.length = 0xFFFFFF;
      column.decimals = 0x1F;
      break;
    case SqlValue::Type::kString:
    case SqlValue::Type::kNull:
      column.type = protocol::kTypeVarString;
      column.length = uint32_t(std::max<size_t>(value.text.size(), 1) * 4);
      column.decimals = 0x1F;
      break;
  }
  return column;
}

}  // namespace sidecar::downstream
