// BinlogStore: one data_dir, owned for the process's lifetime. Open() takes
// the lock data_dir/LOCK (two daemons never share a data_dir), opens
// state.db, runs recovery (recovery.h) and starts the writer at the
// recovered checkpoint, which it publishes as the durable position.
//
// Layout of data_dir:
//   LOCK                 flock'd by the owner, holds its pid
//   state.db (+ -wal)    checkpoint, catalogue, upstream settings (StateDb)
//   binlog/NAME.NNNNNN   the primary's files, byte for byte, its names
//   binlog/NAME.index    MySQL's index format (BinlogIndexFile)
// The write order that keeps these consistent is stated in binlog_writer.h.
//
// Ownership: the store owns the lock, state.db, the DurablePosition and the
// writer; the Env is the caller's and must outlive the store. Destroying the
// store closes the DurablePosition (waking every reader for good), then
// releases the writer, state.db and the lock, in that order.
//
// Thread-safety: writer() belongs to one thread (the puller's);
// durable_position() and state_db() are thread-safe and meant for readers;
// purger() is thread-safe (the budget keeper, PURGE BINARY LOGS).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "store/binlog_purge.h"
#include "store/binlog_writer.h"
#include "store/durable_position.h"
#include "store/env.h"
#include "store/state_db.h"

namespace sidecar::store {

class BinlogStore {
 public:
  struct Options {
    std::string data_dir;  // absolute, normalised; REQUIRES: exists
    // Where state.db lives; "" means data_dir/state.db. (Power-loss tests keep
    // it on the real disk while binlog/ lives in a FaultInjectionEnv.)
    std::string state_db_path;
    // writer.log also receives recovery's lines.
    BinlogWriter::Options writer;
    // Test seam: installed on state.db before recovery runs
    // (StateDb::SetDurableWriteObserver).
    std::function<void()> state_db_durable_write_observer;
  };

  // Lock, state.db, recovery, writer. Fails with "data_dir /d is locked by
  // another binlog-sidecar (pid N)" while another process holds data_dir.
  static Result<std::unique_ptr<BinlogStore>> Open(Env* env, Options options);
  BinlogStore(const BinlogStore&) = delete;
  BinlogStore& operator=(const BinlogStore&) = delete;
  ~BinlogStore();

  BinlogWriter& writer() { return *writer_; }
  DurablePosition& durable_position() { return durable_; }
  StateDb& state_db() { return *db_; }
  // Removes the oldest files (binlog_purge.h); log lines go to writer.log.
  BinlogPurger& purger() { return *purger_; }
  Env& env() { return *env_; }
  const std::string& binlog_dir() const { return binlog_dir_; }

  // Where the pull resumes, as recovery found it (nullopt: a new store).
  const std::optional<ResumePoint>& recovered_resume_point() const { return resume_; }
  // OK, or the damage recovery found before the checkpoint (see recovery.h).
  const Status& recovered_damage() const { return damage_; }

 private:
  BinlogStore(Env* env, std::string binlog_dir, std::unique_ptr<FileLock> lock,
              std::unique_ptr<StateDb> db);

  Env* const env_;
  const std::string binlog_dir_;
  const std::unique_ptr<FileLock> lock_;
  const std::unique_ptr<StateDb> db_;
  DurablePosition durable_;
  std::unique_ptr<BinlogWriter> writer_;
  std::unique_ptr<PurgeCatalogue> purge_catalogue_;
  std::unique_ptr<BinlogPurger> purger_;
  std::optional<ResumePoint> resume_;
  Status damage_;
};

}  // namespace sidecar::store
