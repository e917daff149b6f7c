// BinlogPurger: removes the oldest binlog files of the store, crash safe.
//
// The order (state_db.h states it for the catalogue):
//   1. StateDb::MarkPurging of every file to go: from here on readers and
//      recovery treat them as gone;
//   2. unlink each file, then fsync binlog/ (Env::SyncDir);
//   3. StateDb::RemoveFile of every row;
//   4. rewrite the index files (BinlogIndexFile::Remove).
// A crash (or power loss) between any two steps leaves each file either
// whole and listed as it was, or marked 'purging' (recovery finishes the
// unlink and drops the row: recovery.h step 2), or gone with its row. Never a
// catalogue row of a live state naming a missing file: the row is marked
// before the unlink and dropped only after the unlink is durable. A stale
// index is rebuilt by recovery. An error mid-purge leaves 'purging' rows,
// which the next purge (or recovery) finishes first.
//
// What may never go, whatever the caller asks: the file holding the durable
// end (DurablePosition; the writer's current file, or the one it just
// closed: its rows may still be re-committed), anything after it, and a file
// the catalogue does not list as closed. Whether a file SHOULD go (the
// replica executed it, keep_min, readers) is the caller's question:
// budget/purge_policy.h answers it.
//
// Usage (the budget keeper, PURGE BINARY LOGS):
//   auto plan = budget::PlanPurge(input);          // which files may go, and why not
//   if (plan.purge_count > 0)
//     store.purger().PurgeThrough(plan.verdicts[plan.purge_count - 1].seq);
//
// Thread-safety: thread-safe; one mutex serialises purges, so the keeper and
// an admin's PURGE BINARY LOGS may call at the same time.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/binlog_index_file.h"
#include "store/durable_position.h"
#include "store/env.h"
#include "store/log_sink.h"
#include "store/state_db.h"

namespace sidecar::store {

// The catalogue operations a purge uses: StateDb's (StateDbPurgeCatalogue);
// a crash test wraps them to die between any two steps.
class PurgeCatalogue {
 public:
  virtual ~PurgeCatalogue() = default;
  virtual Result<std::vector<FileCatalogEntry>> ListFiles() = 0;
  virtual Status MarkPurging(std::string_view name) = 0;
  virtual Status RemoveFile(std::string_view name) = 0;
};

// REQUIRES: `db` outlives the returned object.
std::unique_ptr<PurgeCatalogue> StateDbPurgeCatalogue(StateDb* db);

// What a purge removed.
struct PurgeOutcome {
  std::vector<std::string> files;  // oldest first, including unfinished purges it completed
  uint64_t bytes = 0;              // their catalogued sizes
};

class BinlogPurger {
 public:
  // REQUIRES: every pointer outlives the purger; `index` is the writer's
  // (BinlogWriter::index()), `binlog_dir` absolute and normalised.
  BinlogPurger(Env* env, PurgeCatalogue* catalogue, const DurablePosition* durable,
               BinlogIndexFile* index, std::string binlog_dir, LogSink log);

  // Purges every file whose seq is <= `last_seq` (the oldest files), and
  // finishes any purge a failed call left. InvalidArgument, before touching
  // anything, when one of them may never go (see above), naming it and why.
  // Logs one line per call that removed something.
  Result<PurgeOutcome> PurgeThrough(int64_t last_seq);

 private:
  Env* const env_;
  PurgeCatalogue* const catalogue_;
  const DurablePosition* const durable_;
  BinlogIndexFile* const index_;
  const std::string binlog_dir_;
  const LogSink log_;
  std::mutex mu_;  // one purge at a time
};

}  // namespace sidecar::store
