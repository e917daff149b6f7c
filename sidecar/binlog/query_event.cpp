#include "binlog/query_event.h"

#include <fmt/format.h>

#include <cctype>

namespace sidecar::binlog {
namespace {

constexpr size_t kQueryPostHeaderMinLength = 13;

// Removes and returns the next word (a run of letters) of `sql`, skipping
// leading white space.
std::string_view NextWord(std::string_view& sql) {
  size_t start = 0;
  while (start < sql.size() && std::isspace(static_cast<unsigned char>(sql[start]))) ++start;
  size_t end = start;
  while (end < sql.size() && std::isalpha(static_cast<unsigned char>(sql[end]))) ++end;
  std::string_view word = sql.substr(start, end - start);
  sql.remove_prefix(end);
  return word;
}

// REQUIRES: `upper` is upper case.
bool EqualsIgnoreCase(std::string_view a, std::string_view upper) {
  if (a.size() != upper.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != upper[i]) return false;
  }
  return true;
}

QueryKind ClassifyXa(std::string_view rest) {
  const std::string_view verb = NextWord(rest);
  if (EqualsIgnoreCase(verb, "START") || EqualsIgnoreCase(verb, "BEGIN"))
    return QueryKind::kXaStart;
  if (EqualsIgnoreCase(verb, "END")) return QueryKind::kXaEnd;
  if (EqualsIgnoreCase(verb, "PREPARE")) return QueryKind::kXaPrepare;
  if (EqualsIgnoreCase(verb, "COMMIT")) return QueryKind::kXaCommit;
  if (EqualsIgnoreCase(verb, "ROLLBACK")) return QueryKind::kXaRollback;
  return QueryKind::kOther;
}

}  // namespace

QueryKind ClassifyQuery(std::string_view sql) {
  const std::string_view first = NextWord(sql);
  if (EqualsIgnoreCase(first, "BEGIN")) return QueryKind::kBegin;
  if (EqualsIgnoreCase(first, "COMMIT")) return QueryKind::kCommit;
  if (EqualsIgnoreCase(first, "XA")) return ClassifyXa(sql);
  if (EqualsIgnoreCase(first, "ROLLBACK")) {
    // "ROLLBACK TO [SAVEPOINT] x" stays inside the transaction.
    return EqualsIgnoreCase(NextWord(sql), "TO") ? QueryKind::kOther : QueryKind::kRollback;
  }
  return QueryKind::kOther;
}

Result<QueryEvent> DecodeQueryEvent(const EventView& event, const FormatDescription& fde) {
  const size_t post_header_length = fde.PostHeaderLength(event.header.type);
  if (post_header_length < kQueryPostHeaderMinLength) {
    return Status::Corruption(
        fmt::format("format description gives QUERY a {}-byte post-header, need at least {}",
                    post_header_length, kQueryPostHeaderMinLength));
  }
  ByteReader r(event.Body());
  QueryEvent q;
  q.thread_id = r.U32();
  q.exec_time = r.U32();
  const uint8_t db_length = r.U8();
  q.error_code = r.U16();
  const uint16_t status_vars_length = r.U16();
  r.Skip(post_header_length - kQueryPostHeaderMinLength);
  r.Skip(status_vars_length);
  q.database = r.TakeString(db_length);
  r.Skip(1);  // NUL after the database name
  q.statement = r.TakeString(r.remaining());
  if (!r.ok()) {
    return Status::Corruption(fmt::format(
        "QUERY event of {} bytes is too short for its database name ({} bytes) and status "
        "variables ({} bytes)",
        event.bytes.size(), db_length, status_vars_length));
  }
  return q;
}

}  // namespace sidecar::binlog
