// Env: the filesystem seam of the store.
//
// Everything the store does to the disk goes through an Env, so that a test can
// swap in a FaultInjectionEnv and simulate power loss at any instant (keep what
// was fsync'd, drop or tear the rest), the way LevelDB's Env does. The
// interface holds what the store needs and nothing more.
//
// Durability contract (what a power loss keeps), shared by every implementation:
//   - A file's bytes survive only up to its last successful WritableFile::Sync().
//   - A directory entry created, renamed or removed survives only once SyncDir()
//     of the directory holding it succeeded (both directories for a rename).
//   - A failed Sync() or SyncDir() guarantees nothing, not even for bytes written
//     before it: the caller must treat the file as unknown and recover.
//
// Errors: ENOENT becomes NotFound, ENOSPC and EDQUOT become NoSpace, every
// other failure IOError; each message names the operation, the path and the
// system's reason ("cannot append to /d/binlog/mysql-bin.000007: Input/output
// error").
//
// Paths are absolute and normalised (no "//", ".", ".." or trailing '/').
//
// Thread-safety: an Env is thread-safe. A WritableFile has one owning thread
// for Append, Truncate, Size and Close; Sync() may run on another thread,
// concurrently with Append, Truncate and Size (never with Close), and makes
// durable at least what was appended before it began. A RandomAccessFile is
// thread-safe (positional reads).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/byte_reader.h"
#include "base/status.h"

namespace sidecar::store {

// A file open for appending. Bytes go to the end of the file, which is
// Size() bytes long as far as this handle knows.
class WritableFile {
 public:
  virtual ~WritableFile() = default;

  // Appends all of `data` (one write of the caller's bytes, retried on partial
  // writes). On failure any prefix of `data` may have reached the file: Size()
  // counts what did, and the caller truncates back to the length it trusts.
  virtual Status Append(Bytes data) = 0;
  // Makes every byte appended (and every truncation) so far durable: fdatasync.
  virtual Status Sync() = 0;
  // Cuts the file to `size` bytes (InvalidArgument if size > Size()); the next
  // Append continues from there. Durable only after the next Sync().
  virtual Status Truncate(uint64_t size) = 0;
  virtual uint64_t Size() const = 0;
  // Releases the handle; no other call is valid afterwards. Does not sync.
  // The destructor closes a handle the caller did not close (ignoring errors).
  virtual Status Close() = 0;
};

// A file open for positional reads. Thread-safe: reads do not share a cursor.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;

  // Reads up to buffer.size() bytes at `offset` into `buffer` and returns the
  // part of `buffer` filled: shorter than asked only at the end of the file.
  virtual Result<Bytes> Read(uint64_t offset, std::span<uint8_t> buffer) const = 0;
  // The file's current size (it may grow while a writer appends).
  virtual Result<uint64_t> Size() const = 0;
};

// Proof that this process holds an exclusive lock; destroying it releases the lock.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

class Env {
 public:
  virtual ~Env() = default;

  // Opens `path` for appending, creating it (empty, mode 0640) if missing and
  // keeping existing bytes. A newly created file is durable only after SyncDir
  // of its directory.
  virtual Result<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path) = 0;
  // Opens an existing `path` for reading; NotFound if it does not exist.
  virtual Result<std::unique_ptr<RandomAccessFile>> OpenRandomAccess(const std::string& path) = 0;

  // Whether `path` names an existing file or directory (errors other than
  // "does not exist", such as EACCES, are errors, not "false").
  virtual Result<bool> FileExists(const std::string& path) = 0;
  virtual Result<uint64_t> FileSize(const std::string& path) = 0;
  // The names (not paths) of the entries in directory `path`, without "." and
  // "..", sorted.
  virtual Result<std::vector<std::string>> ListDir(const std::string& path) = 0;
  // Creates directory `path` (mode 0750); OK if it already is a directory.
  // REQUIRES: its parent exists.
  virtual Status CreateDir(const std::string& path) = 0;
  // Atomically replaces `to` (if any) with `from`.
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Cuts the file at `path` to `size` bytes (InvalidArgument if it is shorter)
  // and makes that durable (fsync) before returning.
  virtual Status TruncateFile(const std::string& path, uint64_t size) = 0;
  // Makes the creations, renames and removals in directory `path` durable.
  virtual Status SyncDir(const std::string& path) = 0;

  // Takes an exclusive lock on `path` (created if missing) and writes this
  // process's pid into it. REQUIRES: `path` is the lock file inside a data
  // directory. Fails with "data_dir /d is locked by another binlog-sidecar
  // (pid N)" while another holder (another process, or another LockFile call
  // in this one) has it. The lock dies with the process.
  virtual Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) = 0;
};

}  // namespace sidecar::store
