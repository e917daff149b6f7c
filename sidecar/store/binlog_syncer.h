// BinlogSyncer: the durability half of BinlogWriter's group commit (step 2 of
// the write order in binlog_writer.h) on a thread of its own, so that the
// writer's thread goes on appending while a data file is fdatasync'd.
//
// The writer hands it SyncTickets: snapshots taken on the writer's thread
// after it wrote its batch, each naming the file whose written bytes must be
// made durable and, when the boundary or the catalogue moved, the checkpoint
// to commit and the position to publish. For each run the syncer takes every
// ticket queued, in order, and does for them together:
//   fdatasync every file they name (in order) -> StateDb::CommitCheckpoint
//   (the newest ticket's checkpoint; the catalogue rows of all of them, a
//   later row for a file replacing an earlier one; durable if any of them
//   asks for that, else deferred) -> DurablePosition::Publish(the newest
//   ticket's position).
// One fdatasync covers every write(2) made to the file before it, so the
// newest ticket's checkpoint covers the bytes of all tickets of the run.
// Checkpoints are committed in ticket order, so they only move forward.
//
// Errors: the first failed fdatasync or commit stops the syncer for good:
// later tickets are dropped, failed() becomes true and every Wait returns
// that error (the outcome on disk is unknown; only recovery goes on). One
// exception: a checkpoint commit that fails for a full disk (NoSpace:
// SQLITE_FULL) changed nothing (SQLite rolled it back, and the data files
// were already fdatasync'd): the syncer carries that checkpoint over to its
// next run, where it is committed with (or as) the newer one, and Wait
// returns the NoSpace error for the tickets of the failed run. Nothing is
// published meanwhile. checkpoint_pending() tells the writer to submit a
// ticket, even an empty one, so that the carried checkpoint is retried.
//
// Destruction finishes the run in flight, drops the tickets still queued
// (nothing unpublished was promised to anyone) and joins the thread.
//
// Thread-safety: Submit, Wait and WaitAll belong to the writer's thread;
// failed() and error() may be called from any thread. The syncer's thread
// calls WritableFile::Sync on files the writer's thread appends to (env.h
// allows that), the StateDb, the DurablePosition and the counters.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "base/status.h"
#include "metrics/histogram.h"
#include "store/durable_position.h"
#include "store/env.h"
#include "store/state_db.h"

namespace sidecar::store {

// Figures the HTTP layer reads. Monotonic, except last_fsync_micros.
struct WriterCounters {
  std::atomic<uint64_t> bytes_appended{0};   // bytes of events stored
  std::atomic<uint64_t> events_appended{0};  // events stored
  std::atomic<uint64_t> fsyncs{0};           // fdatasyncs of data files
  std::atomic<uint64_t> last_fsync_micros{0};
  std::atomic<uint64_t> checkpoints{0};  // checkpoints committed
  metrics::Histogram fsync_latency;      // every fdatasync of a data file (lock-free)
};

// What a checkpoint commits and publishes, as of the writer's last boundary.
struct CheckpointCommit {
  Checkpoint checkpoint;
  std::vector<FileCatalogEntry> rows;  // closed files since the last commit, then the current
  BinlogPosition publish;
  // kDeferred only when recovery could rebuild this commit from the data
  // file, should power loss undo it (binlog_writer.h).
  CommitDurability durability = CommitDurability::kDurable;
};

struct SyncTicket {
  // The file to fdatasync: every byte written to it before the ticket was
  // submitted. Null when nothing was written since the previous ticket.
  std::shared_ptr<WritableFile> file;
  // Null when neither the boundary nor the catalogue moved.
  std::optional<CheckpointCommit> commit;
};

class BinlogSyncer {
 public:
  // REQUIRES: db, durable and counters outlive the syncer.
  BinlogSyncer(StateDb* db, DurablePosition* durable, WriterCounters* counters);
  BinlogSyncer(const BinlogSyncer&) = delete;
  BinlogSyncer& operator=(const BinlogSyncer&) = delete;
  ~BinlogSyncer();

  // Queues `ticket` and returns at once with its number (1, 2, ...). A
  // ticket submitted after a failure is dropped.
  uint64_t Submit(SyncTicket ticket);
  // Blocks until every ticket up to number `ticket` is done (durable,
  // committed, published): OK, or the syncer's error.
  Status Wait(uint64_t ticket);
  // Wait for every ticket submitted so far; afterwards the syncer holds no
  // reference to any file.
  Status WaitAll();

  bool failed() const { return failed_.load(std::memory_order_acquire); }
  // A checkpoint that failed for a full disk waits for the next ticket.
  bool checkpoint_pending() const { return pending_.load(std::memory_order_acquire); }
  // The error that stopped the syncer; OK while it runs.
  Status error() const;

 private:
  void Run();
  // One run's work for `tickets` (step 2 of the write order), with the
  // checkpoint carried over from a run that found the disk full. `retry`:
  // the error is that of a checkpoint commit that found the disk full (kept
  // in carried_ for the next run).
  Status Commit(std::vector<SyncTicket> tickets, bool* retry);
  // Merges `commit` into carried_: its checkpoint and position replace the
  // carried ones, its rows replace the carried rows of the same file.
  void Carry(CheckpointCommit commit);

  StateDb* const db_;
  DurablePosition* const durable_;
  WriterCounters* const counters_;

  mutable std::mutex mu_;
  std::condition_variable queued_;   // signalled on Submit and stop
  std::condition_variable done_;     // signalled when a run ends
  std::deque<SyncTicket> queue_;     // GUARDED_BY(mu_)
  uint64_t submitted_ = 0;           // GUARDED_BY(mu_): the last ticket's number
  uint64_t taken_ = 0;               // GUARDED_BY(mu_): the last ticket taken off the queue
  uint64_t completed_ = 0;           // GUARDED_BY(mu_): every ticket up to it is done
  bool stop_ = false;                // GUARDED_BY(mu_)
  Status error_;                     // GUARDED_BY(mu_)
  std::atomic<bool> failed_{false};  // !error_.ok(), readable without mu_
  Status no_space_;                  // GUARDED_BY(mu_): the last run's full-disk commit error
  uint64_t no_space_through_ = 0;    // GUARDED_BY(mu_): Wait returns no_space_ up to this ticket
  // The syncer thread's own: the checkpoint not committed yet (a full disk).
  std::optional<CheckpointCommit> carried_;
  std::atomic<bool> pending_{false};  // carried_ holds a checkpoint
  std::thread thread_;               // last: starts once the rest is built
};

}  // namespace sidecar::store
