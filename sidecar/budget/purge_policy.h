// PlanPurge: which of the store's oldest files may be purged now, and for
// each one kept, why (one sentence a DBA can act on). A pure function: the
// catalogue, the replica's progress, the readers, keep_min and the clock
// are its inputs; it touches nothing.
//
// A file may go when, checked in this order (the first failing rule is the
// reason given):
//   1. it lies before the file holding the durable end and is closed (the
//      writer may still re-commit the row of the file it just closed);
//   2. no connected reader stands in it or before it;
//   3. the replica is reachable and reports an executed position;
//   4. the replica has executed all of it: by GTID when the replica
//      replicates by GTID (Using_Gtid / Auto_Position) and both the replica
//      and the store have GTIDs (its executed GTIDs contain the state at the
//      start of the next file, i.e. every transaction of this one); else by
//      file and position (it executes a later file of the store, or a later
//      file of the same series than the store's newest, or stands at or past
//      this file's end);
//   5. its last event is at least keep_min old (automatic purges only).
// Files go oldest first: a file may go only when every older one does
// (purge_count is the length of that prefix). Rows already 'purging' count
// as gone and are not listed.
//
// An explicit PURGE BINARY LOGS narrows the candidates (`request`): TO f
// considers the files before f (NotFound when the store has no f), BEFORE t
// the files whose last event is older than t (up to the first that is not).
// keep_min does not apply to it (the DBA asked), the other rules do.
//
// Usage (helper B, PURGE BINARY LOGS; the budget keeper):
//   budget::PurgePolicyInput in{...};   // or BudgetKeeper::PurgeOnRequest
//   auto plan = budget::PlanPurge(in);
//   if (!plan.ok()) -> ERR plan.status().message()
//   else if (plan->purge_count == 0 && !plan->files.empty()) -> ERR plan->files[0].refusal
//   else store.purger().PurgeThrough(plan->last_seq());
//
// Thread-safety: a pure function; inputs are the caller's.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "binlog/format_description.h"
#include "store/durable_position.h"
#include "store/state_db.h"

namespace sidecar::budget {

// What the co-located replica has executed (replica_monitor.h fills it).
struct ReplicaProgress {
  bool reachable = false;
  // Relay_Master_Log_File / Exec_Master_Log_Pos: the primary's coordinates,
  // which are the store's. "" when the replica reports none (not a replica,
  // or RESET SLAVE).
  std::string executed_file;
  uint64_t executed_position = 0;
  // Using_Gtid != No (MariaDB) or Auto_Position = 1 (MySQL).
  bool uses_gtid = false;
  // @@gtid_slave_pos (MariaDB) or @@gtid_executed (MySQL); "" when unknown.
  std::string executed_gtids;

  bool operator==(const ReplicaProgress&) const = default;
};

// An explicit PURGE BINARY LOGS; both unset for the automatic purge.
struct PurgeRequest {
  std::optional<std::string> to_file;       // TO 'file': the files before it
  std::optional<int64_t> before_unix_time;  // BEFORE t
  bool manual() const { return to_file || before_unix_time; }
};

struct PurgePolicyInput {
  std::span<const store::FileCatalogEntry> files;  // the catalogue, seq order
  store::BinlogPosition durable_end;
  binlog::Flavor flavor = binlog::Flavor::kMariadb;  // of the stored GTID states
  ReplicaProgress replica;
  std::optional<store::BinlogPosition> oldest_reader;  // ConnectionRegistry::OldestReaderPosition
  std::chrono::seconds keep_min{0};
  std::chrono::system_clock::time_point now;
  PurgeRequest request;
};

struct FileVerdict {
  std::string name;
  int64_t seq = 0;
  uint64_t size = 0;
  std::string refusal;  // "" when the file may go on its own merits
};

struct PurgePlan {
  std::vector<FileVerdict> files;  // the candidates, oldest first
  size_t purge_count = 0;          // files[0, purge_count) go
  uint64_t purge_bytes = 0;

  // The seq to give BinlogPurger::PurgeThrough. REQUIRES: purge_count > 0.
  int64_t last_seq() const { return files[purge_count - 1].seq; }
  // Why files[purge_count] stays ("" when every candidate goes).
  std::string first_refusal() const;
};

Result<PurgePlan> PlanPurge(const PurgePolicyInput& input);

}  // namespace sidecar::budget
