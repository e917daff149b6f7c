// BudgetStatus: a snapshot of the disk budget and the co-located replica, as
// the budget keeper (budget_keeper.h) last saw them, for /status, /metrics
// and /health. A value type; BudgetKeeper::status() returns a copy.
//
// Units: bytes and seconds. A size the keeper does not know is nullopt.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sidecar::budget {

struct BudgetStatus {
  // budget.disk; nullopt: unlimited (no back-pressure, purging by policy only).
  std::optional<uint64_t> disk_budget;
  // The replica's relay_log_space_limit (read, or budget.relay_log_space_limit);
  // nullopt until known. 0 means the replica's relay logs are unlimited.
  std::optional<uint64_t> relay_log_space_limit;
  // The sidecar's share: disk_budget - relay_log_space_limit (nullopt:
  // unlimited or not known yet).
  std::optional<uint64_t> allowed_bytes;
  uint64_t used_bytes = 0;       // the stored binlog files, as on disk at the last poll
  uint64_t purgeable_bytes = 0;  // what the purge policy lets go right now
  uint64_t files = 0;            // stored files

  // Back-pressure: the puller stops reading from the primary.
  bool back_pressure = false;
  // Why, as a sentence ("" when not paused): "budget_exhausted: ..." or
  // "disk_full: ...".
  std::string back_pressure_reason;
  // Why the oldest file is kept ("" when it may go or there is none).
  std::string oldest_kept_reason;

  bool replica_reachable = false;
  std::string replica_error;  // the last poll's error, "" when it succeeded
  std::string replica_executed_file;
  uint64_t replica_executed_position = 0;
  std::string replica_executed_gtids;
  bool replica_io_running = false;
  bool replica_sql_running = false;
  std::optional<uint64_t> replica_relay_log_space;
  std::optional<int64_t> replica_sql_delay;  // seconds

  uint64_t purged_files = 0;  // since the daemon started
  uint64_t purged_bytes = 0;
  std::string last_purge_error;  // "" when the last purge succeeded
};

// The state word /health and /status show for it: "budget_exhausted",
// "disk_full", or "ok".
inline const char* BudgetStateName(const BudgetStatus& status) {
  if (!status.back_pressure) return "ok";
  return status.back_pressure_reason.rfind("disk_full", 0) == 0 ? "disk_full" : "budget_exhausted";
}

}  // namespace sidecar::budget
