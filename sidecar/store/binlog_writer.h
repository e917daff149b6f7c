// BinlogWriter: appends the events the puller receives from the primary to
// data_dir/binlog/<the primary's file name>, at the primary's positions (after
// a failover to a primary with other file names, the puller hands it events
// renamed and repositioned to the store's own next names instead:
// upstream/local_continuation.h),
// checkpoints them in state.db and publishes the durable position. The one
// place that knows which events of a dump stream belong in the files.
//
// What is written: every event of the primary's files, in the order it sends
// them. Not written: HEARTBEAT(_V2); events flagged LOG_EVENT_ARTIFICIAL_F
// (the fake ROTATE that starts a dump, and names the file and position it
// starts at: it creates the file or checks where the store is; MariaDB's
// fake GTID_LIST); a FORMAT_DESCRIPTION resent with next_position 0 by a dump
// that starts past position 4 (it governs checksums, the file has it
// already). A real ROTATE is written and closes its file; the next file
// starts with the magic and its own FORMAT_DESCRIPTION at position 4.
//
// Crash-safety protocol: the write order, stated once, and which thread does
// each step (W: the writer's thread, the caller's; S: the syncer's thread,
// binlog_syncer.h).
//   1. Append (W): the event's bytes go to a batch buffer (one write(2) per
//      batch at RequestSync/Sync, or when the batch reaches batch_bytes).
//   2. Sync: (W) write the batch, then snapshot a sync ticket: the file, the
//      LAST TRANSACTION BOUNDARY written, the GTID state there, the changed
//      catalogue rows, and hand it to S. (S) fdatasync the data file ->
//      StateDb::CommitCheckpoint(file, boundary, GTID state, rows) ->
//      DurablePosition::Publish(that boundary). W appends meanwhile; S
//      serves every ticket queued during its fdatasync with one fdatasync
//      and one checkpoint (the newest; see binlog_syncer.h).
//   3. A new file (W): create, write magic, SyncDir(binlog/) and rewrite the
//      index before any ticket can name it. A closed file is fdatasync'd
//      (W, after S finished every ticket naming it) when it closes, before
//      the ticket whose checkpoint marks it closed.
//   The checkpoint commit of step 2 is deferred (StateDb: written, not
//   fsync'd; power loss may undo it) when recovery can rebuild it from the
//   file alone: the file and the upstream are those of a durable checkpoint
//   already, no file closed since, and the file's events carry CRC32s. Any
//   other commit (a new or closed file, a new upstream, a file without
//   checksums) is durable, and a durable commit makes every deferred one
//   before it durable too. The semi-sync ACK path thus pays one fdatasync,
//   not two.
//   Recovery (recovery.h) keeps, past the checkpoint in its file, the whole
//   transactions whose events pass their CRC32 checks (every published byte
//   was fdatasync'd, so it passes) and truncates the rest, so a crash
//   between any two steps loses only what no one was told is durable.
// Example: the primary sends, in mysql-bin.000007,
//     GTID@1000 BEGIN@1070 ROWS@1150 XID@1900 (ends 1931) GTID@1931 BEGIN@2001
// and a sync runs: all bytes up to 2070 are written and fdatasync'd, but the
// checkpoint says (mysql-bin.000007, 1931): the transaction at 1931 is open.
// Power fails; recovery cuts the file to 1931 and the pull resumes at 1931,
// from which the primary sends the same bytes again. Readers were never shown
// more than 1931; a semi-sync ACK covered at most the XID ending at 1931.
// Had power failed after the next sync published 2500 but before its
// deferred checkpoint reached the disk, the checkpoint would still say 1931,
// and recovery would keep the fdatasync'd, CRC-valid transaction up to 2500.
//
// Errors: an event that does not land at the store's position (next_position
// != offset + size, when non-zero, in a file whose FDE is checksum-aware), a
// malformed event the writer must decode, or an event before any file is
// named, is refused with a Corruption or InvalidArgument naming file and
// positions, and nothing of it is written. After any error from Append the
// writer stands at resume_point(): the open transaction was dropped, and the
// puller must reconnect from there. An I/O failure whose outcome is unknown
// (fdatasync, create, truncate), or a failed checkpoint commit, breaks the
// writer: every later call returns that error, and only reopening the store
// (recovery) goes on; except a checkpoint commit that found the disk full
// (NoSpace): Sync returns it, nothing is published, and the next ticket
// retries it (binlog_syncer.h). A failure on the syncer's thread breaks it too: the
// next call on the writer's thread returns it.
//
// Thread-safety: one thread (the puller's) calls every method; counters()
// may be read from any thread (atomics), index() used from any thread. The
// writer owns a syncer thread (binlog_syncer.h) for step 2; destroying the
// writer lets the fdatasync in flight finish and drops the tickets still
// queued (nothing unpublished was promised), so call Sync() first to keep
// what was appended.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "binlog/event_header.h"
#include "binlog/format_description.h"
#include "store/binlog_index_file.h"
#include "store/binlog_syncer.h"
#include "store/durable_position.h"
#include "store/env.h"
#include "store/log_sink.h"
#include "store/state_db.h"
#include "store/stream_state.h"

namespace sidecar::store {

// storage.sync: kGroup, the owner calls RequestSync() at most every
// sync_interval, and Sync() (or waits on the DurablePosition) when a
// semi-sync ACK waits; kTransaction, the writer Sync()s (blocking) after
// every event that completes a transaction, so each is durable before the
// next one is acknowledged.
enum class SyncMode : uint8_t { kGroup, kTransaction };

// Where the stored binlog ends at a transaction boundary: where a pull
// resumes (by file and position, or by GTID state).
struct ResumePoint {
  int64_t file_seq = 0;
  std::string file;
  uint64_t position = 0;
  std::string gtid_state;  // CheckpointGtidState text

  bool operator==(const ResumePoint&) const = default;
};

// The store as recovery left it: what the writer continues from.
struct WriterStart {
  // The store's last file, its size the checkpoint position; nullopt when
  // the store is empty.
  std::optional<FileCatalogEntry> last_file;
  // The FORMAT_DESCRIPTION governing the last file's end.
  std::optional<binlog::FormatDescription> format;
  // The file a ROTATE ending the (closed) last file names, else "".
  std::string rotates_to;
  // The stream's state at the checkpoint.
  StreamState stream;
  UpstreamIdentity upstream;
  // The seq the next new file gets.
  int64_t next_seq = 1;
};

class BinlogWriter {
 public:
  struct Options {
    SyncMode sync = SyncMode::kGroup;
    // A batch is written once it holds this many bytes; a larger event is
    // written straight from the caller's memory.
    size_t batch_bytes = size_t(1) << 20;
    LogSink log;
  };

  // Opens the last file for appending when it is still active.
  // REQUIRES: env, db, durable outlive the writer; `binlog_dir` exists and
  // recovery made the store match `start` and `index`.
  static Result<std::unique_ptr<BinlogWriter>> Open(Env* env, StateDb* db, DurablePosition* durable,
                                                    std::string binlog_dir, Options options,
                                                    WriterStart start, BinlogIndexFile index);
  BinlogWriter(const BinlogWriter&) = delete;
  BinlogWriter& operator=(const BinlogWriter&) = delete;
  ~BinlogWriter();

  // Takes one event received from the primary (see the file comment). The
  // bytes are copied; `event` may die when this returns.
  // REQUIRES: the caller verified the event's CRC32 when it carries one.
  Status Append(const binlog::EventView& event);
  // Group commit, pipelined: writes the batch and hands the syncer a ticket
  // for everything appended so far (step 2 above), then returns at once,
  // while the syncer makes it durable, checkpoints the last transaction
  // boundary and publishes it. An error only when the writer is broken
  // (including by an earlier ticket's failure).
  Status RequestSync();
  // RequestSync, then waits for the syncer: OK means everything appended
  // so far is durable and durable_position covers the last transaction
  // boundary (as checkpointed).
  Status Sync();

  // The primary the next checkpoints name (its flavour follows the stored
  // FORMAT_DESCRIPTION events once there is one).
  void SetUpstream(const UpstreamIdentity& upstream);
  // The primary the store's history comes from: as the checkpoint recorded
  // it, or as SetUpstream last set it (server_id 0: none yet).
  const UpstreamIdentity& upstream() const { return upstream_; }

  // The last transaction boundary appended (durable or not); nullopt while
  // the store holds no file.
  std::optional<ResumePoint> resume_point() const;

  // Where the next event lands (open transaction included). `file` is ""
  // while the store holds no file; `closed`: a ROTATE ended it, and the next
  // file is `rotates_to`. The views are valid until the next Append.
  struct Tail {
    std::string_view file;
    bool closed = false;
    uint64_t end = 0;
    std::string_view rotates_to;
    bool events_have_checksum = false;  // per the file's FORMAT_DESCRIPTION
  };
  Tail tail() const;
  const WriterCounters& counters() const { return counters_; }
  // Whether an error broke the writer (see Errors above): after a NoSpace
  // that did not break it, the puller may retry once there is room.
  bool broken() { return !Health().ok(); }
  // The index files; thread-safe (a purge removes files from another thread).
  BinlogIndexFile& index() { return index_; }

 private:
  BinlogWriter(Env* env, StateDb* db, DurablePosition* durable, std::string binlog_dir,
               Options options, WriterStart start, BinlogIndexFile index);

  // Append's work; on error Append rewinds to the last boundary.
  Status Take(const binlog::EventView& event);
  Status OnDumpStart(const binlog::EventView& event);
  Status OnResentFormat(const binlog::EventView& event);
  Status Write(const binlog::EventView& event);
  // Copies `bytes` into the batch, or writes them through when large.
  Status Store(Bytes bytes);
  // Writes the batch (not fdatasync).
  Status Flush();
  // Drops the open transaction: the writer stands at boundary_ again.
  Status RewindToBoundary();
  Status CloseFile();
  Status CreateFile(const std::string& name);
  FileCatalogEntry CurrentRow() const;
  // How the next checkpoint is committed (see the protocol above).
  CommitDurability CheckpointDurability() const;
  // broken_, after taking over the syncer's failure if there is one.
  Status Health();
  // Makes `status` the writer's permanent state (outcome on disk unknown).
  Status Break(Status status);

  // Members are the writer's thread's only (the syncer's thread sees the
  // snapshots in its tickets), except counters_ (atomics, written by both)
  // and syncer_ (its own locking, binlog_syncer.h).
  Env* const env_;
  const std::string binlog_dir_;
  const Options options_;
  BinlogIndexFile index_;
  UpstreamIdentity upstream_;
  StreamState stream_;

  // The store's last file: name, seq and state as the catalogue will say.
  std::optional<FileCatalogEntry> file_;
  // Null once the file is closed. Shared with the syncer's tickets; the
  // writer's thread appends, truncates and closes it (the latter only once
  // the syncer is idle), the syncer's thread only fdatasyncs it.
  std::shared_ptr<WritableFile> out_;
  std::optional<binlog::FormatDescription> format_;
  bool positions_are_offsets_ = false;  // the file's first FDE is checksum-aware
  uint64_t written_ = 0;                // bytes of the file handed to out_
  uint64_t end_ = 0;                    // written_ + pending_.size()
  uint64_t boundary_ = 0;               // end of the last transaction boundary, <= end_
  std::vector<uint8_t> pending_;
  bool unsynced_ = false;  // written bytes in no ticket yet
  std::string rotates_to_;
  std::vector<FileCatalogEntry> closed_files_;  // closed since the last ticket
  bool dirty_ = false;  // the boundary or the catalogue moved since the last ticket
  // The file and upstream of the last durable checkpoint submitted (or
  // recovered): a deferred one may change neither.
  int64_t durable_file_seq_ = 0;
  UpstreamIdentity durable_upstream_;
  int64_t next_seq_;
  Status broken_;
  uint64_t ticket_ = 0;  // the last ticket submitted
  WriterCounters counters_;
  // Last: stopped (joined) before anything it uses is destroyed.
  BinlogSyncer syncer_;
};

}  // namespace sidecar::store
