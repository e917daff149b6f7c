#include "protocol/result_set.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "protocol/generic_packets.h"

namespace sidecar::protocol {

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

ResultSet ResultSet::WithColumns(const std::vector<std::string>& names) {
  ResultSet rs;
  for (const std::string& name : names) {
    ColumnDefinition c;
    c.name = name;
    c.org_name = name;
    rs.columns.push_back(std::move(c));
  }
  return rs;
}

std::optional<size_t> ResultSet::ColumnIndex(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (EqualsIgnoreCase(columns[i].name, name)) return i;
  }
  return std::nullopt;
}

std::optional<std::string> ResultSet::Value(size_t row, std::string_view column) const {
  const std::optional<size_t> i = ColumnIndex(column);
  if (!i || row >= rows.size() || *i >= rows[row].size()) return std::nullopt;
  return rows[row][*i];
}

void BuildColumnDefinition(Buffer& out, const ColumnDefinition& c) {
  PutLengthEncodedString(out, "def");
  PutLengthEncodedString(out, c.schema);
  PutLengthEncodedString(out, c.table);
  PutLengthEncodedString(out, c.org_table);
  PutLengthEncodedString(out, c.name);
  PutLengthEncodedString(out, c.org_name);
  PutLengthEncodedInt(out, 0x0C);  // length of the fixed fields
  PutU16(out, c.charset);
  PutU32(out, c.length);
  PutU8(out, c.type);
  PutU16(out, c.flags);
  PutU8(out, c.decimals);
  PutU16(out, 0);
}

Result<ColumnDefinition> ParseColumnDefinition(Bytes payload, uint64_t caps) {
  ByteReader r(payload);
  ColumnDefinition c;
  TakeLengthEncodedString(r);  // catalog, always "def"
  c.schema = std::string(TakeLengthEncodedString(r));
  c.table = std::string(TakeLengthEncodedString(r));
  c.org_table = std::string(TakeLengthEncodedString(r));
  c.name = std::string(TakeLengthEncodedString(r));
  c.org_name = std::string(TakeLengthEncodedString(r));
  if (caps & kMariaDbClientExtendedTypeInfo) TakeLengthEncodedString(r);
  const uint64_t fixed = r.LengthEncoded();
  c.charset = r.U16();
  c.length = r.U32();
  c.type = r.U8();
  c.flags = r.U16();
  c.decimals = r.U8();
  if (!r.ok() || fixed < 0x0A) {
    return Status::Corruption(
        fmt::format("column definition of {} bytes is malformed", payload.size()));
  }
  return c;
}

void BuildTextRow(Buffer& out, const Row& row) {
  for (const std::optional<std::string>& v : row) {
    if (v)
      PutLengthEncodedString(out, *v);
    else
      PutNullMarker(out);
  }
}

Result<Row> ParseTextRow(Bytes payload, size_t columns) {
  ByteReader r(payload);
  Row row;
  row.reserve(columns);
  for (size_t i = 0; i < columns; ++i) {
    std::optional<std::string_view> v = TakeNullableLengthEncodedString(r);
    if (!r.ok()) {
      return Status::Corruption(fmt::format("text row of {} bytes: value {} of {} is truncated",
                                            payload.size(), i + 1, columns));
    }
    row.push_back(v ? std::optional<std::string>(*v) : std::nullopt);
  }
  if (!r.empty()) {
    return Status::Corruption(fmt::format("text row of {} bytes has {} bytes after its {} values",
                                          payload.size(), r.remaining(), columns));
  }
  return row;
}

Status WriteResultSet(PacketCodec& codec, const ResultSet& rs, uint64_t caps,
                      uint16_t status_flags) {
  PutLengthEncodedInt(codec.StartPacket(), rs.columns.size());
  Status s = codec.SendPacket();
  for (size_t i = 0; s.ok() && i < rs.columns.size(); ++i) {
    BuildColumnDefinition(codec.StartPacket(), rs.columns[i]);
    s = codec.SendPacket();
  }
  if (s.ok() && !(caps & kClientDeprecateEof)) {
    BuildEof(codec.StartPacket(), EofPacket{0, status_flags}, caps);
    s = codec.SendPacket();
  }
  for (size_t i = 0; s.ok() && i < rs.rows.size(); ++i) {
    BuildTextRow(codec.StartPacket(), rs.rows[i]);
    s = codec.SendPacket();
  }
  if (!s.ok()) return s;
  if (caps & kClientDeprecateEof) {
    OkPacket ok;
    ok.status_flags = status_flags;
    BuildOk(codec.StartPacket(), ok, caps, kEofHeader);
  } else {
    BuildEof(codec.StartPacket(), EofPacket{0, status_flags}, caps);
  }
  return codec.SendPacket();
}

Result<ResultSet> ReadResultSet(PacketCodec& codec, Bytes first, uint64_t caps) {
  ByteReader count_reader(first);
  const uint64_t count = count_reader.LengthEncoded();
  if (!count_reader.ok() || count == 0 || count > 4096) {
    return Status::Corruption(fmt::format("result set from {}: bad column count packet of {} bytes",
                                          codec.connection().peer(), first.size()));
  }
  ResultSet rs;
  for (uint64_t i = 0; i < count; ++i) {
    Result<Bytes> p = codec.ReadPacket();
    if (!p.ok()) return p.status();
    Result<ColumnDefinition> c = ParseColumnDefinition(*p, caps);
    if (!c.ok()) return c.status();
    rs.columns.push_back(std::move(c).value());
  }
  if (!(caps & kClientDeprecateEof)) {
    Result<Bytes> p = codec.ReadPacket();
    if (!p.ok()) return p.status();
    Result<EofPacket> eof = ParseEof(*p, caps);
    if (!eof.ok()) return eof.status();
  }
  for (;;) {
    Result<Bytes> p = codec.ReadPacket();
    if (!p.ok()) return p.status();
    if (IsResultSetTerminator(*p, caps)) break;
    if (IsErrPacket(*p)) {
      Result<ErrPacket> err = ParseErr(*p, caps);
      if (!err.ok()) return err.status();
      return ServerError(codec.connection().peer(), *err, "a query, in the middle of its rows");
    }
    Result<Row> row = ParseTextRow(*p, rs.columns.size());
    if (!row.ok()) return row.status();
    rs.rows.push_back(std::move(row).value());
  }
  return rs;
}

}  // namespace sidecar::protocol
