// NextCheck: how a GTID arriving on a resumed replication stream relates to
// the GTIDs already seen, for both MySQL GTID sets and MariaDB positions.
//
//   kNext       the GTID continues its sequence exactly (the expected case)
//   kDuplicate  the GTID was already seen (or, for MariaDB, is not newer)
//   kGap        the GTID skips ahead: transactions in between are missing
//
// What to do with a gap or a duplicate is the caller's policy.
#pragma once

namespace sidecar::binlog {

enum class NextCheck { kNext, kDuplicate, kGap };

// "next", "duplicate" or "gap".
constexpr const char* NextCheckName(NextCheck check) {
  switch (check) {
    case NextCheck::kNext:
      return "next";
    case NextCheck::kDuplicate:
      return "duplicate";
    case NextCheck::kGap:
      return "gap";
  }
  return "unknown";
}

}  // namespace sidecar::binlog
