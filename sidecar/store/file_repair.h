// RepairFileTail: replaces a damaged range of a closed stored file with the primary's own
// bytes, atomically.
//
// The file is rewritten as binlog_dir/.<name>.repair — the binlog magic, the stored bytes
// [4, from), then `tail` — fdatasync'd, renamed over the original, and the directory fsync'd.
// A crash at any step leaves either the old file or the new one (and perhaps the stray
// .repair file, which recovery removes like any file the catalogue does not list). The
// catalogue needs no change: the file keeps its name, size and GTIDs.
//
// The caller vouches for `tail` (the fetcher verified every event's length, CRC and position)
// and for [4, from) (a reader verified it before it met the damage at `from`). Readers that
// have the old file open keep reading the old bytes; new readers see the repaired file.
//
// REQUIRES: `entry` is closed (the writer no longer appends to it), 4 <= from, and
// from + tail.size() == entry.size (InvalidArgument otherwise).
#pragma once

#include <cstdint>
#include <string>

#include "base/byte_reader.h"
#include "base/status.h"
#include "store/env.h"
#include "store/state_db.h"

namespace sidecar::store {

Status RepairFileTail(Env& env, const std::string& binlog_dir, const FileCatalogEntry& entry,
                      uint64_t from, Bytes tail);

}  // namespace sidecar::store
