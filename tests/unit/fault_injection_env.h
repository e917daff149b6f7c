// FaultInjectionEnv: an in-memory Env that can simulate power loss and
// failing writes, for crash-safety tests (after LevelDB's
// db/fault_injection_test.cc).
//
// The model of the disk follows the durability contract of store/env.h:
//   - A file's bytes are durable up to its last successful Sync() (or
//     TruncateFile); everything appended or truncated after it is not.
//   - A directory's entries (files and sub-directories created, renamed or
//     removed in it) are durable as of its last successful SyncDir(). A new
//     directory whose parent was not synced since disappears with all it holds.
//   - SimulatePowerLoss puts every directory back to its durable entries (new
//     files vanish, removed files come back, renames revert) and every file to
//     its durable bytes, plus what `mode` keeps of the un-synced ones. Durable
//     bytes are never damaged. Every handle opened before it then fails with an
//     IOError, and every lock is released, as when the process dies.
//
// Only "/" exists at first. Paths are absolute and normalised (InvalidArgument
// otherwise). Rename moves files only (directories: Unsupported).
//
// Injected errors: FailWrites(n, error) makes the next n Appends fail with
// `error` after writing the first half of their bytes (as a write(2) cut short
// by ENOSPC can); FailSyncs(n, error) makes the next n Syncs, SyncDirs and
// TruncateFiles fail without making anything durable.
//
// Thread-safe: one mutex guards the whole filesystem, handles included.
// Handles may outlive the Env.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "memory_fs.h"
#include "store/env.h"

namespace sidecar::store {

class FaultInjectionEnv final : public Env {
 public:
  FaultInjectionEnv();
  ~FaultInjectionEnv() override;

  Result<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path) override;
  Result<std::unique_ptr<RandomAccessFile>> OpenRandomAccess(const std::string& path) override;
  Result<bool> FileExists(const std::string& path) override;
  Result<uint64_t> FileSize(const std::string& path) override;
  Result<std::vector<std::string>> ListDir(const std::string& path) override;
  Status CreateDir(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status RemoveFile(const std::string& path) override;
  Status TruncateFile(const std::string& path, uint64_t size) override;
  Status SyncDir(const std::string& path) override;
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override;

  void SimulatePowerLoss(Rng& rng, PowerLossMode mode);
  // REQUIRES: !error.ok(); count >= 0. Replaces any earlier injection of the kind.
  void FailWrites(int count, Status error);
  void FailSyncs(int count, Status error);

  struct State;  // the in-memory filesystem, shared with open handles

 private:
  const std::shared_ptr<State> state_;
};

}  // namespace sidecar::store
