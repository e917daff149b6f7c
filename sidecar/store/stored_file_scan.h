// ScanStoredFile: reads one of the store's binlog files from its start to a
// given end through the Env, verifies every event on the way and follows the
// stream (StreamState) to know where its transactions end. Recovery uses it
// on the last file: up to the checkpoint, where every byte must be sound,
// and past it, where it finds how many whole transactions were stored after
// the checkpoint (a deferred checkpoint commit that power loss undid, or
// transactions written but not yet checkpointed).
//
// Past the checkpoint an event counts only if it carries a CRC32 that
// matches (bytes that were never fdatasync'd may be torn, zeroed or stale
// after power loss; a CRC32 tells), and a transaction only once all its
// events do. The first event that fails a check there, or that carries no
// CRC32, ends the scan without damage: it is the unsynced tail.
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
  // verified; at least 4 (just past the magic). Without damage, at or past
  // the checkpoint.
  uint64_t boundary = 0;
  // OK, or a Corruption naming the file and the offset of the first bad
  // event before the checkpoint (or of the transaction the checkpoint cuts
  // in two).
  Status damage;
  // Without damage and when `boundary` < `end`: what ends the kept part
  // there ("an unfinished transaction", "XID event fails its CRC32 check").
  std::string tail;
  // The format description governing the events up to `boundary`.
  std::optional<binlog::FormatDescription> format;
  // The file the last event before `boundary` rotates to, when it is a ROTATE.
  std::string rotates_to;
  // The stream state at `boundary`.
  StreamState stream;
};

// Scans `path` (the store's file `name`) over [0, end), with the
// checkpoint at `checkpoint`. `stream` is the state at the file's start. An
// error only when the file cannot be read; damage is reported in the result.
// REQUIRES: checkpoint <= end.
Result<StoredFileScan> ScanStoredFile(Env& env, const std::string& path, const std::string& name,
                                      uint64_t checkpoint, uint64_t end, StreamState stream);

}  // namespace sidecar::store
