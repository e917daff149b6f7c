// RecoverStore: brings data_dir back to a durable checkpoint before the
// writer starts. Runs under the data_dir lock (BinlogStore::Open), before
// any reader exists.
//
// The checkpoint in state.db is the truth about the catalogue; about the
// last file's end, it is a lower bound (see the protocol in
// binlog_writer.h: a deferred checkpoint commit may be undone by power loss
// while the bytes it named were fdatasync'd). The disk is made to match:
//   1. binlog/ exists (created, and data_dir fsync'd, in a new store).
//   2. 'purging' catalogue rows: unlink the file, SyncDir, drop the row.
//   3. Catalogue rows after the checkpoint's file: purged the same way.
//      (The writer never commits such rows; this is belt and braces.)
//   4. Files in binlog/ the catalogue does not list (created after the last
//      checkpoint, or leftovers of an index rewrite): removed, SyncDir.
//   5. Every closed file is checked on disk: missing or shorter than its
//      durable size is Corruption (the store lost data it had promised);
//      longer is cut back (Env::TruncateFile, durable).
//   6. The checkpoint file (missing or shorter than the checkpoint:
//      Corruption) is verified from its start to its end (ScanStoredFile:
//      framing, CRC32, positions, transaction boundaries).
//      - A damaged byte before the checkpoint moves the checkpoint back to
//        the last whole transaction before it: the new checkpoint is
//        committed, the file cut there, and the damage reported (file and
//        offset), so the range is fetched again from the primary instead of
//        served.
//      - Past the checkpoint, the whole transactions whose events pass their
//        CRC32 checks are kept: the file is cut after the last of them
//        (which fsyncs it) and the checkpoint moved forward to there (the
//        GTID state and the catalogue row from the scan). Files without
//        checksums keep nothing past the checkpoint (their checkpoints are
//        always durable). Whatever follows is an unfinished transaction or
//        an unsynced tail, and is cut.
//   7. The index files are rewritten to list the catalogue's files.
// Everything cut, kept or removed is logged, one line each, e.g.
//   "recovery: kept 5120 bytes of mysql-bin.000007 past the checkpoint (120000 to 125120): ..."
//   "recovery: truncated mysql-bin.000007 from 126000 to 125120 (880 bytes past the last whole
//    transaction: an unfinished transaction)".
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
  // Where the pull resumes: the checkpoint (moved back before any damage,
  // or forward over whole transactions stored past it); nullopt for a new
  // store.
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
