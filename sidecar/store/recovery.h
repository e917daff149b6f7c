// RecoverStore: brings data_dir back to its last durable checkpoint before
// the writer starts. Runs under the data_dir lock (BinlogStore::Open), before
// any reader exists.
//
// The checkpoint in state.db is the truth (see the protocol in
// binlog_writer.h); the disk is made to match it:
//   1. binlog/ exists (created, and data_dir fsync'd, in a new store).
//   2. 'purging' catalogue rows: unlink the file, SyncDir, drop the row.
//   3. Catalogue rows after the checkpoint's file: purged the same way.
//      (The writer never commits such rows; this is belt and braces.)
//   4. Files in binlog/ the catalogue does not list (created after the last
//      checkpoint, or leftovers of an index rewrite): removed, SyncDir.
//   5. Every catalogue file is checked on disk: missing or shorter than its
//      durable size is Corruption (the store lost data it had promised);
//      longer is cut back (Env::TruncateFile, durable). The checkpoint file
//      is cut to the checkpoint position.
//   6. The checkpoint file is verified from its start to the checkpoint
//      (ScanStoredFile: framing, CRC32, positions, transaction boundaries).
//      A damaged byte before the checkpoint moves the checkpoint back to the
//      last whole transaction before it: the file is cut there, the new
//      checkpoint committed, and the damage reported (file and offset), so
//      the range is fetched again from the primary instead of served.
//   7. The index files are rewritten to list the catalogue's files.
// Everything cut or removed is logged, one line each, e.g.
//   "recovery: truncated mysql-bin.000007 from 123456 to 120000 (3456 bytes past the checkpoint)".
//
// A new store (no checkpoint) recovers to an empty binlog/ and no resume
// point: the puller decides where to start from upstream.start.
#pragma once

#include <optional>
#include <string>

#include "base/status.h"
#include "store/binlog_index_file.h"
#include "store/binlog_writer.h"
#include "store/env.h"
#include "store/log_sink.h"
#include "store/state_db.h"

namespace sidecar::store {

struct RecoveryResult {
  // Where the pull resumes: the checkpoint (moved back before any damage);
  // nullopt for a new store.
  std::optional<ResumePoint> resume;
  // OK, or the Corruption found before the checkpoint, naming file and
  // offset; `resume` then lies before it.
  Status damage;
  // What the writer continues from, and the index recovery rebuilt.
  WriterStart writer_start;
  BinlogIndexFile index;
};

// REQUIRES: data_dir exists and this process holds its lock.
Result<RecoveryResult> RecoverStore(Env& env, StateDb& db, const std::string& data_dir,
                                    const LogSink& log);

}  // namespace sidecar::store
