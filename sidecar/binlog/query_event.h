// QUERY_EVENT (2): a statement, and also the BEGIN / COMMIT / ROLLBACK / XA
// markers that delimit transactions.
//
// Body: post-header (thread_id 4 | exec_time 4 | db_len 1 | error_code 2 |
// status_vars_len 2 | any further bytes the FDE's post-header length adds),
// then status variables, the default database and a NUL, then the statement
// text up to the checksum.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/status.h"
#include "binlog/event_header.h"
#include "binlog/format_description.h"

namespace sidecar::binlog {

// What a statement means for transaction boundaries.
enum class QueryKind : uint8_t {
  kBegin,       // BEGIN: opens a transaction
  kCommit,      // COMMIT: closes one
  kRollback,    // ROLLBACK (not "ROLLBACK TO SAVEPOINT"): closes one
  kXaStart,     // XA START / XA BEGIN: opens an XA transaction
  kXaEnd,       // XA END: inside an XA transaction
  kXaPrepare,   // XA PREPARE written as a statement
  kXaCommit,    // XA COMMIT ...: a complete group on its own
  kXaRollback,  // XA ROLLBACK ...: a complete group on its own
  kOther,       // any other statement (DML in statement format, DDL, SAVEPOINT, ...)
};

// Classifies statement text the way servers write it into binlogs: leading
// white space skipped, keywords case-insensitive.
QueryKind ClassifyQuery(std::string_view sql);

struct QueryEvent {
  uint32_t thread_id = 0;
  uint32_t exec_time = 0;
  uint16_t error_code = 0;
  std::string_view database;  // views into the event's bytes
  std::string_view statement;
};

// REQUIRES: event.header.type == QUERY; `fde` governs the event.
Result<QueryEvent> DecodeQueryEvent(const EventView& event, const FormatDescription& fde);

}  // namespace sidecar::binlog
