// Test support for the store: UpstreamStream plays a primary. It builds the
// primary's binlog files from real fixture files and the dump stream a
// replica would receive for them, and answers where a checkpoint may sit.
//
// Files: `file_count` files named <base>.000001..., each the bytes of a
// randomly chosen fixture of the flavour, its trailing ROTATE (if any)
// replaced by one naming the next file (the last file has none: it is the
// primary's active file). Positions inside a file are the fixture's own.
//
// Stream: per file a fake ROTATE(name, 4) (MySQL only; a MariaDB stream
// relies on the previous file's real ROTATE), the file's events, and
// HEARTBEATs sprinkled between them. Prelude(file, position) gives what a
// dump that resumes there starts with: fake ROTATE, and past position 4 the
// FDE again with next_position 0 (MariaDB: and a fake GTID_LIST).
//
// Deterministic for a given seed. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "binlog/format_description.h"

namespace sidecar::testing {

struct StreamItem {
  std::vector<uint8_t> bytes;
  bool stored = false;  // part of a file (else heartbeat or artificial)
  size_t file = 0;      // index of the file it belongs to
  uint64_t offset = 0;  // where it starts in that file (stored items)
};

class UpstreamStream {
 public:
  UpstreamStream(binlog::Flavor flavor, uint64_t seed, int file_count);

  const std::vector<StreamItem>& items() const { return items_; }
  const std::vector<std::string>& names() const { return names_; }
  const std::vector<uint8_t>& file_bytes(size_t file) const { return files_[file]; }
  // Index of `name` in names(), or nullopt.
  std::optional<size_t> FileIndex(const std::string& name) const;

  // Whether a checkpoint may sit at `position` of file `file`: just past the
  // magic, or after an event that leaves no transaction open.
  bool IsBoundary(size_t file, uint64_t position) const;
  // The GTID state (CheckpointGtidState text) at that boundary.
  std::string GtidStateAt(size_t file, uint64_t position) const;

  // What a dump resuming at (file, position) sends first, and the index in
  // items() from which it continues. REQUIRES: IsBoundary(file, position).
  std::vector<std::vector<uint8_t>> Prelude(size_t file, uint64_t position) const;
  size_t ResumeIndex(size_t file, uint64_t position) const;

 private:
  binlog::Flavor flavor_;
  std::vector<std::string> names_;
  std::vector<std::vector<uint8_t>> files_;
  std::vector<std::vector<uint8_t>> fdes_;  // each file's FORMAT_DESCRIPTION event
  std::vector<StreamItem> items_;
  // Per file: boundary position -> GTID state text there.
  std::vector<std::map<uint64_t, std::string>> boundaries_;
};

// A copy of `event` with its header's next_position and flags replaced and
// its CRC32 recomputed.
std::vector<uint8_t> Reframe(std::vector<uint8_t> event, uint32_t next_position, uint16_t flags);

}  // namespace sidecar::testing
