// ScanStoredFile: reads one of the store's binlog files from its start to a
// given end through the Env, verifies every event on the way and follows the
// stream (StreamState) to know where its transactions end. Recovery uses it
// on the last file, up to the checkpoint.
//
// The checks are binlog::BinlogFileReader's: the 4-byte magic, a
// FORMAT_DESCRIPTION first, every length within [header, kMaxEventSize] and
// within `end`, the CRC32 when the governing FDE says events carry one, and a
// non-zero next_position equal to the end of its event when the first FDE is
// checksum-aware (MySQL >= 5.6.1, MariaDB >= 5.3). BinlogFileReader itself is
// not used because it reads a path with POSIX calls, and the power-loss test
// keeps the files in an in-memory Env.
//
// Memory: one read window (1 MiB, larger only for a larger event).
// Thread-safety: a plain function; safe to call concurrently on different
// files (the Env is thread-safe).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/status.h"
#include "binlog/format_description.h"
#include "store/env.h"
#include "store/stream_state.h"

namespace sidecar::store {

struct StoredFileScan {
  // The end of the last whole transaction (or other boundary) the scan
  // verified: `end` itself when the file is sound up to it and `end` is a
  // boundary; at least 4 (just past the magic).
  uint64_t boundary = 0;
  // OK, or a Corruption naming the file and the offset of the first bad
  // event (or of the transaction `end` cuts in two).
  Status damage;
  // The format description governing the events up to `boundary`.
  std::optional<binlog::FormatDescription> format;
  // The file the last event before `boundary` rotates to, when it is a ROTATE.
  std::string rotates_to;
  // The stream state at `boundary`.
  StreamState stream;
};

// Scans `path` (the store's file `name`) over [0, end). `stream` is the
// state at the file's start. An error only when the file cannot be read;
// damage is reported in the result.
Result<StoredFileScan> ScanStoredFile(Env& env, const std::string& path, const std::string& name,
                                      uint64_t end, StreamState stream);

}  // namespace sidecar::store
