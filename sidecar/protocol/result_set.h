// Text-protocol result sets: column definitions, rows of optional strings, and the writer and
// reader of a whole result set over a PacketCodec. The one result-set writer of the project:
// the server side (admin SQL, replica start-up queries) and test fake servers use it.
//
// Wire shape: column count (length-encoded) · one ColumnDefinition41 per column · EOF (omitted
// under kClientDeprecateEof) · one text row per row (NULL = 0xFB) · EOF, or under
// kClientDeprecateEof an OK with header 0xFE.
// Stateless functions; a ResultSet is a plain value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/byte_reader.h"
#include "base/status.h"
#include "protocol/constants.h"
#include "protocol/packet_codec.h"
#include "protocol/wire_buffer.h"

namespace sidecar::protocol {

struct ColumnDefinition {
  std::string schema;
  std::string table;
  std::string org_table;
  std::string name;
  std::string org_name;
  uint16_t charset = kCharsetUtf8Mb4GeneralCi;
  uint32_t length = 255;
  uint8_t type = kTypeVarString;
  uint16_t flags = 0;
  uint8_t decimals = 0;
};

using Row = std::vector<std::optional<std::string>>;

struct ResultSet {
  std::vector<ColumnDefinition> columns;
  std::vector<Row> rows;

  // A result set of VARCHAR columns with these names.
  static ResultSet WithColumns(const std::vector<std::string>& names);
  // The index of the column named `name` (ASCII case-insensitive), if any.
  std::optional<size_t> ColumnIndex(std::string_view name) const;
  // The value at (row, column name); nullopt when the column is missing or the value NULL.
  std::optional<std::string> Value(size_t row, std::string_view column) const;
};

void BuildColumnDefinition(Buffer& out, const ColumnDefinition& column);
Result<ColumnDefinition> ParseColumnDefinition(Bytes payload, uint64_t capabilities);
void BuildTextRow(Buffer& out, const Row& row);
Result<Row> ParseTextRow(Bytes payload, size_t columns);

// Writes the whole result set; the final EOF/OK carries `status_flags`.
// REQUIRES: every row has rs.columns.size() values.
Status WriteResultSet(PacketCodec& codec, const ResultSet& rs, uint64_t capabilities,
                      uint16_t status_flags = kServerStatusAutocommit);

// Reads the rest of a result set whose first packet (the column count) was `first`. An ERR
// instead of a row becomes an InvalidArgument carrying the server's message.
Result<ResultSet> ReadResultSet(PacketCodec& codec, Bytes first, uint64_t capabilities);

}  // namespace sidecar::protocol
