// StateDb: the SQLite file state.db, which holds the store's durable
// checkpoint, the catalogue of binlog files and the persisted upstream
// settings (CHANGE MASTER TO).
//
// The crash-safety protocol's commit point is CommitCheckpoint: the writer
// calls it only after fdatasync of the data file. A durable commit (WAL
// journal, synchronous=FULL: the commit fsyncs the WAL) survives power loss
// once it returns OK. A deferred commit (synchronous=NORMAL for that one
// transaction) is only written to the WAL: it survives a crash of the
// process, but power loss may undo it and any deferred commit after it, back
// to the last durable commit (every durable commit fsyncs the WAL, and with it
// the deferred commits before it). Recovery rebuilds what such a loss undid
// from the data file (recovery.h); the writer defers only commits it can
// rebuild (binlog_writer.h). A failed call leaves the previous checkpoint in
// force, whole. Every other write (purge steps, settings) is durable.
//
// state.db does its own I/O (SQLite's, not the Env's). SQLite fsyncs the
// directory when it creates its journal and WAL, so a new state.db's name is
// durable once Open returns. In a power-loss test with an in-memory Env,
// state.db lives on the real disk: a commit is durable when it returns and
// absent otherwise, which is exactly what power loss would leave.
//
// The catalogue is purged in two steps so that a crash never leaves a row for
// a missing file: MarkPurging(name) -> unlink the file and sync its directory
// -> RemoveFile(name). Recovery treats 'purging' rows as gone (finishes the
// unlink and removes the row).
//
// Opening applies the schema migrations from whatever version the file has
// (0 for a new or empty file) to the current one in one transaction, and
// refuses a file written by a newer binlog-sidecar (Unsupported) or one that
// is not an SQLite database (Corruption).
//
// Thread-safe: one mutex serialises every call but CommittedGtidState. Another connection to the same
// file (another process reading it, say) is waited for up to 5 s, then the
// call fails with an IOError saying the database is locked.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "binlog/format_description.h"

namespace sidecar::store {

namespace sqlite {
class Database;
}  // namespace sqlite

// The primary whose binlog the store holds.
struct UpstreamIdentity {
  std::string host;
  uint16_t port = 0;
  uint32_t server_id = 0;
  std::string server_uuid;  // empty for MariaDB
  binlog::Flavor flavor = binlog::Flavor::kMysql;

  bool operator==(const UpstreamIdentity&) const = default;
};

// Where the durable binlog ends: the pull resumes from here after a crash.
struct Checkpoint {
  std::string file_name;  // the primary's name, e.g. "mysql-bin.000042"
  uint64_t position = 0;  // end of the last complete transaction in file_name
  // GTID state covering everything up to `position`, as text: a MySQL GTID
  // set ("uuid:1-100,...") or a MariaDB position list ("0-1-100,1-2-7").
  std::string gtid_state;
  UpstreamIdentity upstream;
  // Stored with microsecond precision.
  std::chrono::system_clock::time_point updated_at;

  bool operator==(const Checkpoint&) const = default;
};

enum class FileState : uint8_t {
  kActive,   // being appended to (at most one)
  kClosed,   // complete: the primary rotated past it
  kPurging,  // being deleted: treat as gone
};

const char* FileStateName(FileState state);

// One binlog file of the store, as the catalogue knows it.
struct FileCatalogEntry {
  std::string name;  // the primary's file name, e.g. "mysql-bin.000042"
  // Order of the file in the store, strictly increasing, assigned by the
  // writer (not parsed from the name: names may restart after a failover).
  int64_t seq = 0;
  uint64_t size = 0;       // durable size: the checkpointed end of this file
  std::string first_gtid;  // first / last GTID written in the file ("" if none)
  std::string last_gtid;
  // The GTID state at the file's start: MySQL PREVIOUS_GTIDS or MariaDB
  // GTID_LIST; until that event is stored, the state the previous file ended with.
  std::string start_gtid_state;
  uint32_t first_event_time = 0;  // event header timestamps, 0 if none
  uint32_t last_event_time = 0;
  FileState state = FileState::kActive;

  bool operator==(const FileCatalogEntry&) const = default;
};

// Whether a commit fsyncs the WAL before it returns (see above).
enum class CommitDurability : uint8_t { kDurable, kDeferred };

class StateDb {
 public:
  static Result<std::unique_ptr<StateDb>> Open(const std::string& path);

  StateDb(const StateDb&) = delete;
  StateDb& operator=(const StateDb&) = delete;
  ~StateDb();

  // The last committed checkpoint, or nullopt in a new store.
  Result<std::optional<Checkpoint>> LoadCheckpoint();
  // Its GTID state ("" in a new store or one whose checkpoint does not load), from a copy in
  // memory: for status pages, which must never wait behind a commit. Does not take mu_.
  std::string CommittedGtidState() const;
  // In one transaction: replaces the checkpoint and inserts or updates the
  // catalogue rows of `changed_files` (matched by name).
  // REQUIRES: the data those describe is already fsync'd.
  Status CommitCheckpoint(const Checkpoint& checkpoint,
                          const std::vector<FileCatalogEntry>& changed_files,
                          CommitDurability durability = CommitDurability::kDurable);
  // Test seam: the next `count` CommitCheckpoint calls fail with `status`
  // and change nothing, as a commit that finds the disk full (SQLITE_FULL,
  // rolled back) does.
  void FailCommits(int count, Status status);
  // Test seam: `observer` runs after every durable write returns OK, under
  // the database's lock (no transaction open), so that a power-loss test can
  // copy state.db and its WAL as the disk would hold them.
  void SetDurableWriteObserver(std::function<void()> observer);

  // The catalogue, ordered by seq.
  Result<std::vector<FileCatalogEntry>> ListFiles();
  // Steps one and three of a purge (see above); NotFound for an unknown name.
  Status MarkPurging(std::string_view name);
  Status RemoveFile(std::string_view name);

  // Persisted upstream settings. Keys are the caller's; values are text.
  Result<std::optional<std::string>> GetConfig(std::string_view key);
  // Sets every key of `values` in one transaction.
  Status SetConfig(const std::map<std::string, std::string>& values);

 private:
  struct Statements;

  StateDb(std::unique_ptr<sqlite::Database> db, std::unique_ptr<Statements> stmts);

  // Runs `body` between BEGIN IMMEDIATE and COMMIT, rolling back on failure.
  // REQUIRES: mu_ held.
  template <typename Body>
  Status InTransaction(std::string_view purpose, Body body);
  // Runs the durable-write observer. REQUIRES: mu_ held.
  void NoteDurableWrite();
  void SetCommittedGtidState(const std::string& gtid_state);

  std::mutex mu_;
  const std::unique_ptr<sqlite::Database> db_;  // guarded by mu_
  // Prepared once, destroyed before db_. Guarded by mu_.
  const std::unique_ptr<Statements> stmts_;
  int failing_commits_ = 0;                       // GUARDED_BY(mu_): FailCommits
  Status commit_failure_;                         // GUARDED_BY(mu_)
  std::function<void()> durable_write_observer_;  // GUARDED_BY(mu_)

  mutable std::mutex committed_gtid_state_mu_;  // a leaf lock: nothing is called under it
  std::string committed_gtid_state_;            // GUARDED_BY(committed_gtid_state_mu_)
};

}  // namespace sidecar::store
