// `binlog-sidecar check-binlog FILE...`: verifies binlog or relay-log files
// and prints one JSON object per file, one per line (JSON Lines):
//
//   {"file", "ok", "size", "server_version", "flavor", "checksum", "relay_log",
//    "closed_cleanly", "events", "event_counts": {TYPE_NAME: n, ...},
//    "transactions", "first_gtid", "last_gtid", "first_timestamp",
//    "last_timestamp", and when not ok "problem": {"offset", "message"}}
//
// GTIDs and timestamps are null when the file has none. Exit status: 0 when
// every file is whole, 1 when any is damaged or unreadable, 2 on usage errors.
#pragma once

#include <iosfwd>
#include <span>
#include <string_view>

namespace sidecar::app {

int RunCheckBinlog(std::span<const std::string_view> files, std::ostream& out, std::ostream& err);

}  // namespace sidecar::app
