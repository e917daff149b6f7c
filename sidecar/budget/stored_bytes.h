// StoredBinlogBytes: what the store's binlog files take, as on disk: the sum
// of the sizes of every file in binlog/ whose name is a binlog file's (store/
// binlog_index_file.h: not the index files, not a repair's temporary copy),
// whatever the catalogue says of them (a file being purged counts until it is
// unlinked; a file the writer just created counts before its first
// checkpoint). The disk budget's share is compared with this.
//
// A file that disappears between the listing and its size (a purge) counts
// as 0. Thread-safety: as the Env's; the store's files may change meanwhile.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "store/env.h"

namespace sidecar::budget {

// IOError when binlog_dir cannot be listed.
Result<uint64_t> StoredBinlogBytes(store::Env& env, const std::string& binlog_dir);

}  // namespace sidecar::budget
